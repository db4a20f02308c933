"""The parts of one analysis run, each turning arrays into the frames AnalysisResult documents.

`app.analysis.run_analysis` times these one by one and assembles the result from what they
return. Each part returns a `Part`: its own typed value and the plain-language notes that say
why it came out empty (too little data, no overlap), so the user sees a reason instead of a
blank chart. No part changes its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from app.errors import AnalysisError
from app.signals.common import EPOCH_DAY_SECONDS, as_dates
from app.signals.verdicts import BY_ROLE, Markets

if TYPE_CHECKING:
    import pandas as pd

    from app.config import KeyDate
    from app.signals.cycles import Cycles
    from app.signals.params import AnalysisParams

LEAD_LAG_WEEKS = 12
T = TypeVar("T")


@dataclass(frozen=True)
class Part(Generic[T]):
    """What one part of the analysis returns: its value and why it is empty, if it is."""

    value: T
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventStudy:
    """The event study's share of the result.

    summary: one row per horizon (app.signals.event_study). columns: per breakout (same order
    as the breakouts table) fwd/best/worst_{h}d for each horizon, era_pct_{h}d for each
    horizon, then rough_data. days_to_follower_ath: per breakout, NaN when none yet.
    """

    summary: pd.DataFrame
    columns: pd.DataFrame
    days_to_follower_ath: np.ndarray


@dataclass(frozen=True)
class Bars:
    """One instrument as plain arrays: epoch days, close, high (NaN where unknown), and
    whether each bar has all of open, high, low and close (for the rough-data mark)."""

    days: np.ndarray
    close: np.ndarray
    high: np.ndarray
    complete: np.ndarray
    #: True on a bar whose source differs from the bar before it (None: not known).
    new_origin: np.ndarray | None = None

    @classmethod
    def of(cls, frame: pd.DataFrame, role: str, origin_days: Sequence[int] = ()) -> Bars:
        """Arrays of a bars frame; refuse unsorted dates or unusable closes (never guess).

        `origin_days`: the epoch days on which a run of bars from another source begins."""
        from app.bars import epoch_days

        days = epoch_days(frame.index)
        close = frame["close"].to_numpy(dtype=float)
        if days.size > 1 and not np.all(np.diff(days) > 0):
            raise AnalysisError(f"the {role} bars are not in date order or repeat a date")
        if not np.all(np.isfinite(close) & (close > 0)):
            raise AnalysisError(f"the {role} has a missing, zero or negative close")
        from app.bars import PRICE_COLUMNS

        complete = np.isfinite(frame[list(PRICE_COLUMNS)].to_numpy(dtype=float)).all(axis=1)
        new_origin = np.isin(days, np.asarray(origin_days, dtype=np.int64)) if origin_days else None
        return cls(days, close, frame["high"].to_numpy(dtype=float), complete, new_origin)


def dated_series(days: np.ndarray, values: np.ndarray, name: str) -> pd.Series:
    """A float Series on a date index built from epoch days."""
    import pandas as pd

    index = pd.DatetimeIndex(as_dates(days), name="date")
    return pd.Series(values, index=index, name=name, dtype=float)


def event_days_of(breakouts: pd.DataFrame) -> np.ndarray:
    """Epoch days of the breakout dates."""
    seconds = np.asarray(breakouts["date"].to_numpy(dtype="datetime64[s]"), dtype=np.int64)
    return seconds // EPOCH_DAY_SECONDS


def breakouts_part(
    lead: Bars, params: AnalysisParams
) -> tuple[Part[pd.DataFrame], np.ndarray, pd.Series]:
    """The leader's breakouts, with the basis values that set its records and its running
    all-time high (dated), which the leader's state and chart need."""
    from app.signals.breakouts import basis_values, find_breakouts, running_high

    values = basis_values(lead.close, lead.high, params.basis)
    breakouts = find_breakouts(lead.days, values, params.min_gap_days)
    ath = dated_series(lead.days, running_high(values), "ath")
    return Part(breakouts, tuple(breakout_notes(lead, breakouts, params))), values, ath


def breakout_notes(lead: Bars, breakouts: pd.DataFrame, params: AnalysisParams) -> list[str]:
    """Why the breakout table is empty, if it is."""
    if lead.days.size == 0:
        return ["The leader has no bars: there is nothing to analyse."]
    if breakouts.empty:
        return [
            f"No breakout: the leader never set an all-time high ({params.basis}) "
            f"{params.min_gap_days} or more days after the previous one."
        ]
    return []


def event_study_part(
    breakouts: pd.DataFrame, foll: Bars, params: AnalysisParams, markets: Markets = BY_ROLE
) -> Part[EventStudy]:
    """Per horizon the follower's forward returns after each breakout and the event study;
    per breakout its era percentiles, the rough-data mark and the days to the follower's
    next all-time high (see EventStudy). The verdicts name the markets as `markets` says."""
    import pandas as pd

    from app.signals.event_study import NullSettings, study_horizon, summary_frame, summary_rows
    from app.signals.forward import days_to_next_record, forward_returns

    event_days = event_days_of(breakouts)
    notes = ["The follower has no bars: the event study is empty."] if not foll.days.size else []
    null = NullSettings(params.era_days, params.bootstrap_draws, params.seed)
    studies, columns, era_pct = [], {}, {}
    longest = np.full(event_days.size, np.nan)  # the longest horizon each event has data for
    for h in params.horizons:
        fr = forward_returns(event_days, foll.days, foll.close, h)
        columns.update({f"fwd_{h}d": fr.fwd, f"best_{h}d": fr.best, f"worst_{h}d": fr.worst})
        has_data = ~np.isnan(fr.fwd)
        longest[has_data] = np.fmax(longest[has_data], h)
        used = _used_events(event_days, has_data, h, params.non_overlapping, notes)
        studies.append(study_horizon(h, event_days, fr.fwd, used, (foll.days, foll.close), null))
        era_pct[f"era_pct_{h}d"] = studies[-1].era_pct
    columns.update(era_pct, rough_data=_rough_data(event_days, longest, foll, params))
    study = EventStudy(
        summary=summary_frame(summary_rows(studies, markets)),
        columns=pd.DataFrame(columns, index=breakouts.index),
        days_to_follower_ath=days_to_next_record(event_days, foll.days, foll.close),
    )
    return Part(study, tuple(notes))


def _used_events(
    event_days: np.ndarray, has_data: np.ndarray, h: int, non_overlapping: bool, notes: list[str]
) -> np.ndarray:
    """The events the summary uses: those with data, without overlaps when asked."""
    from app.signals.event_study import non_overlapping_mask

    if not non_overlapping:
        return has_data
    kept = non_overlapping_mask(event_days, has_data, h)
    if kept.sum() < has_data.sum():
        notes.append(
            f"{h} days: {int(has_data.sum() - kept.sum())} of {int(has_data.sum())} events "
            f"left out because they start within {h} days of an earlier one."
        )
    return kept


def _rough_data(
    event_days: np.ndarray, longest: np.ndarray, foll: Bars, params: AnalysisParams
) -> np.ndarray:
    """rough_data over each event's longest measured window (it holds the shorter ones)."""
    from app.signals.forward import rough_windows

    normal_week = 7 if params.follower_trades_every_day else 5
    return rough_windows(
        event_days, longest, foll.days, foll.complete, normal_week, foll.new_origin
    )


@dataclass(frozen=True)
class RegimeParts:
    """What regimes_part adds to the result: both markets' phases, the follower's phase at
    each breakout (columns REGIME_AT_COLUMNS) and the follower's share of bull days."""

    leader: pd.DataFrame
    follower: pd.DataFrame
    at_breakouts: pd.DataFrame
    follower_bull_share: float


def regimes_part(
    lead: Bars,
    foll: Bars,
    breakouts: pd.DataFrame,
    params: AnalysisParams,
    keys: tuple[str, str],
) -> Part[RegimeParts]:
    """Leader and follower phases (censored), and the follower's phase at each breakout."""
    from app.signals.regimes import bull_share, phases_of, regime_at, regime_frame

    phases, notes = {}, []
    for role, bars, rule, key in (
        ("leader", lead, params.leader_regime, keys[0]),
        ("follower", foll, params.follower_regime, keys[1]),
    ):
        phases[role] = phases_of(bars.days, bars.close, rule)
        if not phases[role] and bars.days.size:
            notes.append(
                f"{key} never rose {rule.bull:.0%} or fell {rule.bear:.0%}: no bull or bear "
                "phase can be dated."
            )
    regimes = RegimeParts(
        leader=regime_frame(lead.days, lead.close, phases["leader"]),
        follower=regime_frame(foll.days, foll.close, phases["follower"]),
        at_breakouts=regime_at(event_days_of(breakouts), foll.days, foll.close, phases["follower"]),
        follower_bull_share=bull_share(phases["follower"]),
    )
    return Part(regimes, tuple(notes))


def correlation_parts(
    lead: Bars, foll: Bars, window: int
) -> tuple[Part[pd.Series], Part[pd.DataFrame]]:
    """The rolling correlation of daily log returns on common dates (dated by the window's
    end) and the correlation per calendar year, from one alignment of the two markets."""
    from app.signals.correlation import (
        aligned_log_returns,
        correlation_by_year_of,
        rolling_correlation,
    )

    days, rl, rf = aligned_log_returns(lead.days, lead.close, foll.days, foll.close)
    return _rolling_part(days, rolling_correlation(rl, rf, window), window), _by_year_part(
        correlation_by_year_of(days, rl, rf)
    )


def _rolling_part(days: np.ndarray, values: np.ndarray, window: int) -> Part[pd.Series]:
    if values.size == 0:
        note = (
            f"No rolling correlation: it needs {window} daily returns on dates both markets "
            f"traded, and they share {days.size}."
        )
        return Part(dated_series(days[:0], values, "correlation"), (note,))
    return Part(dated_series(days[window - 1 :], values, "correlation"))


def _by_year_part(table: pd.DataFrame) -> Part[pd.DataFrame]:
    if table["corr"].isna().all():
        note = (
            "No correlation by year: no year has 3 daily returns on dates both markets traded "
            "with both markets moving."
        )
        return Part(table, (note,))
    return Part(table)


def lead_lag_part(lead: Bars, foll: Bars) -> Part[pd.DataFrame]:
    """The weekly lead-lag scan for lags -12..12."""
    from app.signals.correlation import lead_lag

    table = lead_lag(lead.days, lead.close, foll.days, foll.close, LEAD_LAG_WEEKS)
    if table["corr"].isna().all():
        return Part(
            table, ("No lead-lag scan: the two markets share fewer than 3 weekly returns.",)
        )
    return Part(table)


def cycles_part(
    bars: Bars | None, key_dates: tuple[KeyDate, ...], role: str = "follower"
) -> Part[Cycles]:
    """Halving cycles of `bars` (the pair's Bitcoin market, the `role` one; None when neither
    market is) from the key dates of kind "halving"."""
    import datetime as dt

    from app.bars import EPOCH_DATE
    from app.signals.cycles import halving_cycles

    if bars is None:
        empty = np.empty(0, dtype=np.int64)
        note = "No halving cycles: neither market of the pair is Bitcoin."
        return Part(halving_cycles(empty, np.empty(0), empty), (note,))
    halvings = [k.date for k in key_dates if k.kind == "halving"]
    halving_days = np.array(
        [(dt.date.fromisoformat(d) - EPOCH_DATE).days for d in halvings], dtype=np.int64
    )
    cycles = halving_cycles(bars.days, bars.close, halving_days)
    if not halvings:
        return Part(cycles, ("No halving cycles: there are no key dates of kind halving.",))
    if cycles.table.empty:
        note = f"No halving cycles: no halving falls within the {role}'s history."
        return Part(cycles, (note,))
    return Part(cycles)


def volatility_part(
    bars: Bars, window: int, every_day: bool, key: str
) -> Part[tuple[pd.Series, float]]:
    """Rolling annualised volatility (dated by the window's last bar) and its percentile."""
    from app.signals.volatility import latest_percentile, rolling_volatility

    values = rolling_volatility(bars.close, window, every_day)
    notes: tuple[str, ...] = ()
    if values.size == 0:
        notes = (
            f"No volatility for {key}: it needs {window} daily returns and has "
            f"{max(bars.days.size - 1, 0)}.",
        )
    days = bars.days[window:] if values.size else bars.days[:0]
    return Part((dated_series(days, values, "volatility"), latest_percentile(values)), notes)
