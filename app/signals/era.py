"""Era pools: the follower days each event is compared with.

For a horizon h, the base days are the follower bars whose horizon fits in the history, each
with its log return ln(close at s + h / close at s) (the same rule as app.signals.forward).
An event on day d has as its era pool every base day s with |s - d| <= era_days; with
era_days = 0 the pool is the whole history. Base days are sorted, so each pool is one
contiguous slice [lo, hi) of the base arrays and costs two binary searches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.signals.forward import base_windows


@dataclass(frozen=True)
class EraPools:
    """Base log returns of one horizon and, per event, the slice [lo, hi) that is its era."""

    base: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        return self.hi - self.lo

    @property
    def whole_history(self) -> bool:
        """True when every pool is the whole base (era_days = 0, or a short history)."""
        return bool(np.all(self.lo == 0) and np.all(self.hi == self.base.size))


def base_log_returns(
    days: np.ndarray, close: np.ndarray, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """(start day, log return) of every follower bar whose horizon fits in the history."""
    starts, ends = base_windows(days, horizon)
    return days[starts], np.log(close[ends] / close[starts])


def era_pools(
    event_days: np.ndarray, base_days: np.ndarray, base: np.ndarray, era_days: int
) -> EraPools:
    """Each event's era pool as a slice of the base (see the module doc)."""
    event_days = np.asarray(event_days, dtype=np.int64)
    if era_days == 0:
        lo = np.zeros(event_days.size, dtype=np.int64)
        return EraPools(base, lo, np.full(event_days.size, base.size, dtype=np.int64))
    lo = np.searchsorted(base_days, event_days - era_days, side="left")
    hi = np.searchsorted(base_days, event_days + era_days, side="right")
    return EraPools(base, lo.astype(np.int64), hi.astype(np.int64))


def pool_mean_logs(pools: EraPools) -> np.ndarray:
    """Mean log return of each event's era pool (NaN for an empty pool).

    Prefix sums make this O(base + events); the base is centred first so the difference of
    two large partial sums keeps its precision.
    """
    if pools.base.size == 0:
        return np.full(pools.lo.size, np.nan)
    centre = float(np.mean(pools.base))
    cumulative = np.concatenate(([0.0], np.cumsum(pools.base - centre)))
    sizes = pools.sizes
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (cumulative[pools.hi] - cumulative[pools.lo]) / sizes + centre
    return np.where(sizes > 0, means, np.nan)


def pool_percentiles(pools: EraPools, event_logs: np.ndarray) -> np.ndarray:
    """Share (0..1) of each event's era pool whose return is at most the event's (NaN if none).

    One sorted copy serves every event when the pools are the whole history; otherwise each
    pool (at most 2 × era_days + 1 days) is counted on its own, a loop over the few events.
    """
    out = np.full(event_logs.size, np.nan)
    known = ~np.isnan(event_logs) & (pools.sizes > 0)
    if not known.any():
        return out
    # The event's own start day is in its pool; a rounding difference must not drop it.
    limits = event_logs + 1e-12 * np.maximum(1.0, np.abs(event_logs))
    if pools.whole_history:
        ordered = np.sort(pools.base)
        out[known] = np.searchsorted(ordered, limits[known], side="right") / ordered.size
        return out
    for i in np.flatnonzero(known):
        pool = pools.base[pools.lo[i] : pools.hi[i]]
        out[i] = np.count_nonzero(pool <= limits[i]) / pool.size
    return out
