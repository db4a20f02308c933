"""The pair matrix: one leader → follower event study per ordered pair of the ladder.

Each cell is the headline row of the summary that app.analysis computes for that pair, at one
horizon: the same breakouts, base rate, p-value and verdict the single-pair analysis shows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.signals.verdicts import BY_ROLE, Markets

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisParams
    from app.config import Settings
    from app.signals.parts import Bars

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


def ordered_pairs(keys: Sequence[str], all_pairs: bool = False) -> list[tuple[str, str]]:
    """(leader, follower) pairs: each rung above each rung below it, or every ordered pair."""
    if all_pairs:
        return list(itertools.permutations(keys, 2))
    return list(itertools.combinations(keys, 2))


def scan_horizons(horizons: Sequence[int], horizon: int) -> tuple[int, ...]:
    """The horizons analysed for a scan at `horizon`: the user's, with it added if missing.

    Keeping the user's horizons keeps every adjusted p-value the one the pair's own analysis
    shows (an adjustment depends on how many horizons were tested together).
    """
    return tuple(sorted({*horizons, horizon}))


def pair_params(settings: Settings, leader: str, follower: str, horizon: int) -> AnalysisParams:
    """The analysis parameters of one pair: the settings, with each market's own regime rule,
    and `horizon` as the headline horizon."""
    import dataclasses

    from app.analysis import AnalysisParams

    pair = dataclasses.replace(settings, leader=leader, follower=follower)
    params = AnalysisParams.from_settings(pair)
    horizons = scan_horizons(params.horizons, horizon)
    return dataclasses.replace(params, horizons=horizons, headline_horizon=horizon)


def leader_breakouts(leader: Bars, params: AnalysisParams) -> pd.DataFrame:
    """The leader's breakouts: run_analysis's own "breakouts" part."""
    from app.signals.parts import breakouts_part

    return breakouts_part(leader, params)[0].value


def pair_cell(
    keys: tuple[str, str],
    breakouts: pd.DataFrame,
    follower: Bars,
    params: AnalysisParams,
    markets: Markets = BY_ROLE,
) -> PairCell:
    """The cell of one pair: the event study of run_analysis (its "event_study" part, the same
    function on the same inputs), read at the headline horizon; its verdict names the markets
    as `markets` says (app.pipeline.markets_of).

    Only the two parts a cell needs run, and the leader's breakouts are found once for all its
    followers: a full run_analysis per pair would also date regimes, correlations and cycles
    that the matrix never shows (tests/app/ladder checks that the cells equal run_analysis's).
    """
    from app.signals.parts import event_study_part

    summary = event_study_part(breakouts, follower, params, markets).value.summary
    return cell_from_summary(keys, len(breakouts), summary, params.headline_horizon)


def cell_from_summary(
    keys: tuple[str, str], breakouts: int, summary: pd.DataFrame, horizon: int
) -> PairCell:
    """A cell from an event-study summary (app.analysis.AnalysisResult.summary) at `horizon`.

    The columns geo_mean, era_base_geo_mean and p_adjusted are read when the event study
    reports them, else left NaN (never computed here a second way).
    """
    rows = summary[summary["horizon"] == horizon]
    if rows.empty:
        raise ValueError(f"the event study has no {horizon}-day horizon")
    row = rows.iloc[0]
    return PairCell(
        leader=keys[0],
        follower=keys[1],
        horizon=horizon,
        breakouts=breakouts,
        n_events=int(row["n_events"]),
        mean=_number(row, "mean"),
        base_mean=_number(row, "base_mean"),
        geo_mean=_number(row, "geo_mean"),
        era_base_geo_mean=_number(row, "era_base_geo_mean"),
        p_value=_number(row, "p_value"),
        p_adjusted=_number(row, "p_adjusted"),
        verdict=str(row["verdict"]),
        verdict_kind=str(row["verdict_kind"]),
    )


def _number(row: Any, column: str) -> float:
    value = row.get(column, math.nan)
    return float(value) if value is not None else math.nan
