"""The event study: what the follower did after the events, against any random day.

Per horizon h: the events' forward returns (see app.signals.forward) and the base rate (the
same return from every follower bar whose horizon fits). The p-value is the share of B random
sets of base-rate days, each the size of the event sample, whose mean return is at least the
events' mean. Sets are drawn with replacement (a bootstrap): with thousands of base days and a
handful of events the difference to drawing without replacement is negligible, and it keeps
B = 10,000 draws one vectorised array operation. Each horizon draws from a fresh
`numpy.random.default_rng(seed)`, so its p-value depends on the seed only, not on which other
horizons were asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.signals.forward import base_rate_returns

if TYPE_CHECKING:
    import pandas as pd

MIN_EVENTS = 5  # below this the verdict refuses to conclude anything
SIGNIFICANCE = 0.05
SUMMARY_COLUMNS = (
    "horizon",
    "n_events",
    "mean",
    "median",
    "share_positive",
    "base_n",
    "base_mean",
    "base_median",
    "base_share_positive",
    "p_value",
    "verdict",
    "verdict_kind",
)
#: The verdict in one word, for tables and the ladder's pair matrix (see verdict_kind()).
VERDICT_KINDS = (
    "no_data",
    "too_few",
    "no_base",
    "not_distinguishable",
    "suggestive",
    "unusually_strong",
    "unusually_weak",
)
_DRAW_CELLS = 2_000_000  # bootstrap indices held in memory at once


def non_overlapping_mask(event_days: np.ndarray, has_data: np.ndarray, horizon: int) -> np.ndarray:
    """Keep an event only if it starts at least `horizon` days after the previous kept one.

    Overlapping windows count the same rally twice. Events without follower data are never
    kept and never block a later event (they measured nothing). A loop over events, which are
    few (a breakout needs a long consolidation), not over bars.
    """
    keep = np.zeros(len(event_days), dtype=bool)
    last_kept: int | None = None
    for i in np.flatnonzero(has_data):
        day = int(event_days[i])
        if last_kept is None or day - last_kept >= horizon:
            keep[i] = True
            last_kept = day
    return keep


def bootstrap_p_value(
    event_returns: np.ndarray, base_returns: np.ndarray, draws: int, seed: int
) -> float:
    """Share of `draws` random same-size sets of base days whose mean >= the events' mean.

    NaN when there are no events or no base days. Ties count as "at least as high"; a tiny
    tolerance absorbs the different summation order of the two means.
    """
    n, pool = len(event_returns), len(base_returns)
    if n == 0 or pool == 0 or draws < 1:
        return float("nan")
    target = float(np.mean(event_returns))
    tolerance = 1e-12 * max(1.0, abs(target))
    rng = np.random.default_rng(seed)
    rows = max(1, _DRAW_CELLS // n)
    hits, done = 0, 0
    while done < draws:
        size = min(rows, draws - done)
        means = base_returns[rng.integers(0, pool, size=(size, n))].mean(axis=1)
        hits += int(np.count_nonzero(means >= target - tolerance))
        done += size
    return hits / draws


def describe(returns: np.ndarray) -> tuple[int, float, float, float]:
    """n, mean, median and share of positive returns (NaN statistics when empty)."""
    if returns.size == 0:
        return 0, float("nan"), float("nan"), float("nan")
    return (
        int(returns.size),
        float(np.mean(returns)),
        float(np.median(returns)),
        float(np.mean(returns > 0)),
    )


def summarize_horizon(
    horizon: int,
    event_returns: np.ndarray,
    days: np.ndarray,
    close: np.ndarray,
    draws: int,
    seed: int,
) -> dict[str, object]:
    """One summary row: event statistics, base rate, p-value and verdict (NaN returns dropped)."""
    events = event_returns[~np.isnan(event_returns)]
    base = base_rate_returns(days, close, horizon)
    n, mean, median, share = describe(events)
    base_n, base_mean, base_median, base_share = describe(base)
    p_value = bootstrap_p_value(events, base, draws, seed)
    return {
        "horizon": int(horizon),
        "n_events": n,
        "mean": mean,
        "median": median,
        "share_positive": share,
        "base_n": base_n,
        "base_mean": base_mean,
        "base_median": base_median,
        "base_share_positive": base_share,
        "p_value": p_value,
        "verdict": verdict(horizon, n, mean, median, share, base_n, base_mean, p_value, draws),
        "verdict_kind": verdict_kind(n, base_n, p_value),
    }


def verdict_kind(n: int, base_n: int, p_value: float) -> str:
    """The verdict sentence's conclusion as one of VERDICT_KINDS (same rule as verdict())."""
    if n == 0:
        return "no_data"
    if n < MIN_EVENTS:
        return "too_few"
    if base_n == 0 or np.isnan(p_value):
        return "no_base"
    if p_value < SIGNIFICANCE:
        return "unusually_strong"
    if p_value > 1 - SIGNIFICANCE:
        return "unusually_weak"
    return "not_distinguishable"


def verdict(
    horizon: int,
    n: int,
    mean: float,
    median: float,
    share_positive: float,
    base_n: int,
    base_mean: float,
    p_value: float,
    draws: int,
) -> str:
    """One plain sentence that never overstates a handful of events."""
    head = f"{horizon} days:"
    if n == 0:
        return f"{head} no breakout has {horizon} days of follower data yet, nothing to measure."
    if n < MIN_EVENTS:
        events = "event" if n == 1 else "events"
        return f"{head} only {n} {events}, too few to conclude anything, whatever the numbers say."
    if base_n == 0 or np.isnan(p_value):
        return f"{head} no base rate to compare with (the follower's history is too short)."
    facts = (
        f"after {n} breakouts the follower returned {mean:+.1%} on average "
        f"(median {median:+.1%}, {share_positive:.0%} positive) against {base_mean:+.1%} "
        f"for any day"
    )
    share_text = "none" if p_value == 0 else f"{p_value:.1%}"
    if p_value < SIGNIFICANCE:
        return (
            f"{head} {facts}, unusually strong: {share_text} of {draws:,} random sets of days "
            "did as well."
        )
    if p_value > 1 - SIGNIFICANCE:
        return (
            f"{head} {facts}, unusually weak: {p_value:.1%} of {draws:,} random sets of days "
            "did at least as well."
        )
    return (
        f"{head} {facts}, not distinguishable from any random day ({p_value:.0%} of "
        f"{draws:,} random sets of days did as well)."
    )


def summary_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The summary table with its documented columns, also when there are no rows."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    if not rows:
        frame = frame.astype({c: float for c in SUMMARY_COLUMNS if not c.startswith("verdict")})
    return frame
