"""Rolling annualised volatility of daily log returns, and where today's value ranks.

Annualisation: sqrt(365) for markets that trade every day (crypto), sqrt(252) otherwise. The
percentile of the latest value is the share of all defined values in the instrument's own
history (the latest included) that are at or below it: 1.0 means "as volatile as it has ever
been", near 0 "calmer than almost ever".
"""

from __future__ import annotations

import numpy as np

from app.errors import AnalysisError
from app.signals.common import log_returns, window_sums

TRADING_DAYS = 252
CALENDAR_DAYS = 365


def rolling_volatility(close: np.ndarray, window: int, trades_every_day: bool) -> np.ndarray:
    """Annualised standard deviation (ddof 1) of the last `window` log returns, per bar.

    Element i covers returns i .. i + window - 1, i.e. it belongs to bar i + window. Empty
    when there are fewer than `window` returns.

    Raises:
        AnalysisError: window is below 2.
    """
    if window < 2:
        raise AnalysisError(f"the volatility window must be at least 2 days (got {window})")
    returns = log_returns(close)
    if returns.size < window:
        return np.empty(0, dtype=float)
    centred = returns - returns.mean()
    sums = window_sums(centred, window)
    squares = window_sums(centred * centred, window)
    variance = np.maximum(squares - sums * sums / window, 0.0) / (window - 1)
    periods = CALENDAR_DAYS if trades_every_day else TRADING_DAYS
    return np.sqrt(variance * periods)


def latest_percentile(values: np.ndarray) -> float:
    """Share of defined values at or below the last one (NaN when there is none)."""
    values = np.asarray(values, dtype=float)
    defined = values[~np.isnan(values)]
    if defined.size == 0 or np.isnan(values[-1]):
        return float("nan")
    return float(np.mean(defined <= defined[-1]))
