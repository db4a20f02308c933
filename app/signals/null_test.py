"""The era-matched null: how often random days of each event's own era did as well.

One null set draws, for every event, one day from that event's era pool (with replacement;
see app.signals.era); its statistic is the mean of those days' log returns. With B sets and
the events' observed mean log return T:

- p_high = (1 + #{null >= T}) / (B + 1)  (as strong as the events, or stronger),
- p_low  = (1 + #{null <= T}) / (B + 1)  (the mirrored test: as weak, or weaker).

The "+1" counts the observed set as one of the sets, so p is never 0 and stays a valid
p-value for any B. Leave-one-out: the same two p-values without event j, for every j, from the
same B x n draw matrix (the null sum without column j against the observed sum without event
j), so fragility costs O(B·n) instead of n new bootstraps. Draws come from a fresh
`numpy.random.default_rng(seed)` (see null_draws): a p-value depends on the seed, not on
other horizons.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from app.signals.era import EraPools

_DRAW_CELLS = 2_000_000  # draws held in memory at once (16 MB of values)


@dataclass(frozen=True)
class NullTest:
    """The two one-sided p-values, and per event the same without that event."""

    p_high: float
    p_low: float
    loo_high: np.ndarray  # NaN when fewer than 2 events
    loo_low: np.ndarray


def empty_test(n: int) -> NullTest:
    nan = np.full(n, np.nan)
    return NullTest(float("nan"), float("nan"), nan, nan.copy())


def null_draws(pools: EraPools, draws: int, seed: int) -> Iterator[np.ndarray]:
    """The null sets' log returns, in blocks of shape (events, sets in the block).

    Blocks hold up to _DRAW_CELLS values; within a block each event in turn draws its days
    from its own pool (uniform, with replacement). One bounded draw per event and block is
    about three times faster than one draw with per-element bounds.
    """
    n = pools.lo.size
    rng = np.random.default_rng(seed)
    dtype = np.int32 if pools.base.size < 2**31 else np.int64
    rows = max(1, _DRAW_CELLS // max(n, 1))
    for done in range(0, draws, rows):
        size = min(rows, draws - done)
        picks = np.empty((n, size), dtype=dtype)
        for j in range(n):
            picks[j] = rng.integers(pools.lo[j], pools.hi[j], size=size, dtype=dtype)
        yield pools.base[picks]


def era_null_test(event_logs: np.ndarray, pools: EraPools, draws: int, seed: int) -> NullTest:
    """p_high, p_low and their leave-one-out values (see the module doc); NaN without data.

    A tiny tolerance makes a null sum that equals the observed one (up to summation order)
    count as a tie, i.e. on the side of "at least as extreme".
    """
    n = event_logs.size
    if n == 0 or draws < 1 or np.any(pools.sizes == 0):
        return empty_test(n)
    total = float(event_logs.sum())
    tolerance = 1e-12 * max(1.0, float(np.abs(event_logs).sum()))
    counts = np.zeros(2, dtype=np.int64)
    loo_counts = np.zeros((2, n), dtype=np.int64)
    column = event_logs[:, None]
    for values in null_draws(pools, draws, seed):
        excess = values.sum(axis=0) - total  # null sum minus observed sum, per set
        counts += (np.count_nonzero(excess >= -tolerance), np.count_nonzero(excess <= tolerance))
        # Without event j: (null sum - value_j) vs (total - event_j), i.e. value_j - event_j
        # against this set's excess.
        values -= column
        loo_counts[0] += np.count_nonzero(values <= excess + tolerance, axis=1)
        loo_counts[1] += np.count_nonzero(values >= excess - tolerance, axis=1)
    p_high, p_low = (counts + 1) / (draws + 1)
    loo = (loo_counts + 1) / (draws + 1)
    if n < 2:
        loo[:] = np.nan
    return NullTest(float(p_high), float(p_low), loo[0], loo[1])


def two_sided(p_high: float, p_low: float) -> float:
    """Twice the smaller one-sided p-value, capped at 1 (NaN stays NaN)."""
    return min(1.0, 2.0 * min(p_high, p_low)) if not np.isnan(p_high) else float("nan")


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values; NaN entries are not tests and stay NaN.

    Sorted ascending, the j-th of m (j from 1) is multiplied by m - j + 1, then a running
    maximum keeps them non-decreasing, capped at 1; each goes back to its original place.
    """
    p_values = np.asarray(p_values, dtype=float)
    out = np.full(p_values.size, np.nan)
    tested = np.flatnonzero(~np.isnan(p_values))
    m = tested.size
    if m == 0:
        return out
    order = tested[np.argsort(p_values[tested], kind="stable")]
    scaled = p_values[order] * (m - np.arange(m))
    out[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return out
