"""The pair matrix: one leader → follower event study per ordered pair of the ladder.

Each cell is the headline row of the summary that app.analysis computes for that pair, at one
horizon: the same breakouts, base rate, p-value and verdict the single-pair analysis shows.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Verdicts that say nothing can be concluded; the matrix shows them quietly.
QUIET_KINDS = ("no_data", "too_few", "no_base", "not_distinguishable")


@dataclass(frozen=True)
class PairCell:
    """The event study of one ordered pair at one horizon.

    Attributes:
        leader, follower: the instrument keys.
        horizon: days after each breakout at which the follower is measured.
        breakouts: the leader's breakouts in its whole history.
        n_events: breakouts with `horizon` days of follower data after them (those measured).
        mean: the events' mean follower return; base_mean: the same over every follower day.
        geo_mean: the events' geometric mean return, when the event study reports it (else NaN).
        era_base_geo_mean: the geometric mean of the era-matched base rate (else NaN).
        p_value: the bootstrap p-value against the base rate (NaN when there is none).
        p_adjusted: the p-value adjusted for the several horizons, when reported (else NaN).
        verdict: the plain-language verdict sentence (the tooltip).
        verdict_kind: its conclusion in one word, one of
            app.signals.event_study.VERDICT_KINDS (no_data, too_few, no_base,
            not_distinguishable, suggestive, unusually_strong, unusually_weak).
    """

    leader: str
    follower: str
    horizon: int
    breakouts: int
    n_events: int
    mean: float
    base_mean: float
    geo_mean: float
    era_base_geo_mean: float
    p_value: float
    p_adjusted: float
    verdict: str
    verdict_kind: str

    @property
    def quiet(self) -> bool:
        """True when the verdict concludes nothing (too few, not distinguishable, no data)."""
        return self.verdict_kind in QUIET_KINDS
