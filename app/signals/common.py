"""Array helpers shared by the signal modules.

Days are integer epoch days (sorted, unique); prices are float arrays of the same length.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.bars import EPOCH_DAY_SECONDS


def as_dates(days: np.ndarray) -> np.ndarray:
    """Epoch days -> numpy datetime64[s] at midnight (the bars' index convention)."""
    return (np.asarray(days, dtype=np.int64) * EPOCH_DAY_SECONDS).astype("datetime64[s]")


def index_on_or_before(days: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of the last day <= each query day, or -1 when every day is later.

    This is the "close on the date or, if none, the latest close before it" rule used for
    event prices, horizon ends and halving prices.
    """
    return np.searchsorted(days, query, side="right") - 1


def log_returns(close: np.ndarray) -> np.ndarray:
    """Log returns between consecutive bars (one shorter than `close`)."""
    close = np.asarray(close, dtype=float)
    if close.size < 2:
        return np.empty(0, dtype=float)
    return np.diff(np.log(close))


def window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sums over every full window of `window` consecutive values (length n - window + 1).

    Cumulative sums make this O(n) whatever the window; callers centre their data first so
    the difference of two large partial sums never loses precision.
    """
    if window < 1 or values.size < window:
        return np.empty(0, dtype=float)
    cumulative = np.concatenate(([0.0], np.cumsum(values, dtype=float)))
    return cumulative[window:] - cumulative[:-window]


def beyond_float_range_is_missing() -> Any:
    """numpy's error state for a whole analysis: overflow, division by zero and invalid values
    give inf/NaN quietly.

    Prices near the float limits (a cache filled before imports were bounded) make ratios
    overflow to inf, underflow to 0 (log: -inf) and then mix into NaN; those results are not
    numbers, and every output writes them as missing (JSON null, an empty cell).
    """
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")
