"""All-time highs and breakouts after a long consolidation.

Definitions (exact):
- An all-time high (record) at bar t: basis[t] > max(basis[:t]). A bar equal to the old high
  is not a new high. The first bar sets the first record (it can be a breakout's prior high)
  but is never itself a breakout: nothing came before it to break.
- A breakout: a record at t whose previous record (the last earlier bar that set one) lies at
  least `min_gap_days` calendar days before t.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.errors import AnalysisError
from app.signals.common import as_dates

if TYPE_CHECKING:
    import pandas as pd

BASES = ("close", "high")
BREAKOUT_COLUMNS = ("date", "level", "prior_ath_date", "prior_ath", "gap_days", "pct_above")


def basis_values(close: np.ndarray, high: np.ndarray, basis: str) -> np.ndarray:
    """The price that sets records: close, or high with close standing in where high is NaN.

    Close-only history (old index data, CSV imports) has no high; falling back to the close
    for those bars keeps them in the record, instead of silently skipping years of data.
    """
    close = np.asarray(close, dtype=float)
    if basis == "close":
        return close
    if basis == "high":
        high = np.asarray(high, dtype=float)
        return np.where(np.isnan(high), close, high)
    raise AnalysisError(f"basis must be close or high (got {basis!r})")


def record_mask(values: np.ndarray) -> np.ndarray:
    """True where a bar sets an all-time high (strictly above every earlier bar); first bar True."""
    values = np.asarray(values, dtype=float)
    mask = np.zeros(values.size, dtype=bool)
    if values.size:
        mask[0] = True
        mask[1:] = values[1:] > np.maximum.accumulate(values)[:-1]
    return mask


def running_high(values: np.ndarray) -> np.ndarray:
    """The all-time high as of each bar (inclusive)."""
    return np.maximum.accumulate(np.asarray(values, dtype=float)) if len(values) else values


def breakout_arrays(
    days: np.ndarray, values: np.ndarray, min_gap_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of breakouts and of their prior records, in date order.

    Raises:
        AnalysisError: min_gap_days is negative.
    """
    if isinstance(min_gap_days, bool) or not isinstance(min_gap_days, int | np.integer):
        raise AnalysisError(f"min_gap_days must be a whole number of days (got {min_gap_days!r})")
    if min_gap_days < 0:
        raise AnalysisError(f"min_gap_days must be 0 or more (got {min_gap_days})")
    records = np.flatnonzero(record_mask(values))
    current, prior = records[1:], records[:-1]
    keep = (days[current] - days[prior]) >= min_gap_days
    return current[keep], prior[keep]


def find_breakouts(days: np.ndarray, values: np.ndarray, min_gap_days: int) -> pd.DataFrame:
    """One row per breakout: date, level, prior_ath_date, prior_ath, gap_days, pct_above."""
    import pandas as pd

    days = np.asarray(days, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    current, prior = breakout_arrays(days, values, min_gap_days)
    level, prior_level = values[current], values[prior]
    return pd.DataFrame(
        {
            "date": as_dates(days[current]),
            "level": level,
            "prior_ath_date": as_dates(days[prior]),
            "prior_ath": prior_level,
            "gap_days": (days[current] - days[prior]).astype(np.int64),
            "pct_above": level / prior_level - 1.0,
        },
        columns=list(BREAKOUT_COLUMNS),
    )
