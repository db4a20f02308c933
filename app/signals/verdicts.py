"""The verdict per horizon: one kind (VERDICT_KINDS) and one plain sentence saying it.

The rule (tests pin it; a statistician must be able to sign it):
- no event with data -> no_data; fewer than MIN_EVENTS -> too_few; no era to compare -> no_base;
- unusually_strong / unusually_weak only when the Holm-adjusted p (over the horizons asked
  for, two-sided: twice the smaller one-sided p) is below SIGNIFICANCE and the largest
  leave-one-out p (same test, same direction, without any one event) is below it too;
- suggestive when the one-sided p in the observed direction is below SIGNIFICANCE but the
  adjusted p or one event's removal undoes it; the sentence names the event it rests on;
- otherwise not_distinguishable.
The kind is decided first and the sentence is written from it, so the two always agree.
The sentence names the markets as the window does ("Russell 2000 (^RUT)", "Bitcoin
(Bitstamp)", or the user's own names; see `Markets`), or by their roles when not told.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.formatting import multiples_range

MIN_EVENTS = 5  # below this the verdict refuses to conclude anything
SIGNIFICANCE = 0.05
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


@dataclass(frozen=True)
class Markets:
    """How a verdict names the two markets: their names for people (app.instruments.market_name,
    with the user's own from the settings), or "the leader" and "the follower"."""

    leader: str = "the leader"
    follower: str = "the follower"


BY_ROLE = Markets()


@dataclass(frozen=True)
class Evidence:
    """What one horizon's verdict rests on (returns are fractions, p-values 0..1)."""

    horizon: int
    n: int
    geo_mean: float
    median: float
    mean: float
    share_positive: float
    era_base_geo_mean: float
    base_geo_mean: float
    p_high: float  # share of null sets at least as high (the summary's p_value)
    p_low: float  # the mirrored test
    p_adjusted: float
    p_leave_one_out_max: float
    fragile_event: str | None  # YYYY-MM-DD of the event whose removal gives the largest p
    ci: tuple[float, float]  # 95 % interval of the excess over the era, as multiples
    horizons_tested: int
    draws: int
    era_days: int

    @property
    def strong_side(self) -> bool:
        return self.p_high <= self.p_low

    @property
    def p_observed_side(self) -> float:
        return self.p_high if self.strong_side else self.p_low


def verdict_kind(e: Evidence) -> str:
    """The verdict's conclusion as one of VERDICT_KINDS (see the module doc)."""
    if e.n == 0:
        return "no_data"
    if e.n < MIN_EVENTS:
        return "too_few"
    if math.isnan(e.p_high) or math.isnan(e.p_adjusted):
        return "no_base"
    if e.p_adjusted < SIGNIFICANCE and e.p_leave_one_out_max < SIGNIFICANCE:
        return "unusually_strong" if e.strong_side else "unusually_weak"
    if e.p_observed_side < SIGNIFICANCE:  # (an adjusted p below it implies this too)
        return "suggestive"
    return "not_distinguishable"


def verdict(e: Evidence, markets: Markets = BY_ROLE) -> str:
    """One plain sentence that never overstates a handful of events; it names their number."""
    head = f"{e.horizon} days:"
    kind = verdict_kind(e)
    if kind == "no_data":
        return (
            f"{head} 0 events, no breakout has {e.horizon} days of data for {markets.follower} yet."
        )
    if kind == "too_few":
        events = "event" if e.n == 1 else "events"
        return (
            f"{head} only {e.n} {events}, too few to conclude anything, whatever the numbers say."
        )
    if kind == "no_base":
        return (
            f"{head} {e.n} events but no base rate to compare with (the history of "
            f"{markets.follower} around them is too short)."
        )
    return f"{head} {_facts(e, markets)}; {_conclusion(kind, e)}"


def _facts(e: Evidence, markets: Markets) -> str:
    era = "a random day of the same era" if e.era_days else "a random day"
    against = "their era" if e.era_days else "the whole history"
    return (
        f"after {e.n} breakouts of {markets.leader}, {markets.follower} returned "
        f"{e.geo_mean:+.1%} as a geometric mean "
        f"(median {e.median:+.1%}, arithmetic mean {e.mean:+.1%}, {e.share_positive:.0%} "
        f"positive) against {e.era_base_geo_mean:+.1%} for {era} ({e.base_geo_mean:+.1%} "
        f"over the whole history); 95% interval against {against}: {multiples_range(*e.ci)}"
    )


def _conclusion(kind: str, e: Evidence) -> str:
    tested = f"{e.horizons_tested} horizon{'s' if e.horizons_tested != 1 else ''}"
    if kind in ("unusually_strong", "unusually_weak"):
        word = "strong" if kind == "unusually_strong" else "weak"
        return (
            f"unusually {word}{' for its era' if e.era_days else ''}: p = {e.p_adjusted:.3f} "
            f"allowing for {tested} and either direction, and at most "
            f"{e.p_leave_one_out_max:.3f} without any single event."
        )
    if kind == "suggestive":
        return _suggestive(e, tested)
    era = "a random day of the same era" if e.era_days else "a random day"
    return (
        f"not distinguishable from {era} (p = {e.p_high:.2f}, the share of {e.draws:,} "
        "random sets of such days that did as well)."
    )


def _suggestive(e: Evidence, tested: str) -> str:
    """Why a raw p below SIGNIFICANCE is not a finding, naming the event it rests on."""
    word = "strong" if e.strong_side else "weak"
    reasons = []
    if e.p_adjusted >= SIGNIFICANCE:
        reasons.append(f"p = {e.p_adjusted:.3f} allowing for {tested} and either direction")
    if e.p_leave_one_out_max >= SIGNIFICANCE:
        reasons.append(
            f"p = {e.p_leave_one_out_max:.3f} without the {e.fragile_event} event, the one it "
            "rests on"
        )
    else:
        reasons.append(
            f"it rests most on the {e.fragile_event} event (p = {e.p_leave_one_out_max:.3f} "
            "without it)"
        )
    return (
        f"suggestive, not conclusive: {word} on its own (p = {e.p_observed_side:.3f}), but "
        + " and ".join(reasons)
        + "."
    )
