"""The parts of one analysis run, each turning arrays into the frames AnalysisResult documents.

`app.analysis.run_analysis` times these one by one. Each part appends a plain-language note
when its output comes out empty, so the user sees why (too little data, no overlap) instead of
a blank chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.errors import AnalysisError
from app.signals.common import EPOCH_DAY_SECONDS, as_dates

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisParams
    from app.config import KeyDate
    from app.signals.cycles import Cycles

LEAD_LAG_WEEKS = 12
#: ± days around a breakout in which a follower bull start counts as "near" (bull_near).
BULL_NEAR_DAYS = 180


@dataclass(frozen=True)
class Bars:
    """One instrument as plain arrays: epoch days, close, high (NaN where unknown)."""

    days: np.ndarray
    close: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, role: str) -> Bars:
        """Arrays of a bars frame; refuse unsorted dates or unusable closes (never guess)."""
        from app.bars import epoch_days

        days = epoch_days(frame.index)
        close = frame["close"].to_numpy(dtype=float)
        if days.size > 1 and not np.all(np.diff(days) > 0):
            raise AnalysisError(f"the {role} bars are not in date order or repeat a date")
        if not np.all(np.isfinite(close) & (close > 0)):
            raise AnalysisError(f"the {role} has a missing, zero or negative close")
        return cls(days, close, frame["high"].to_numpy(dtype=float))


def dated_series(days: np.ndarray, values: np.ndarray, name: str) -> pd.Series:
    """A float Series on a date index built from epoch days."""
    import pandas as pd

    index = pd.DatetimeIndex(as_dates(days), name="date")
    return pd.Series(values, index=index, name=name, dtype=float)


def event_days_of(breakouts: pd.DataFrame) -> np.ndarray:
    """Epoch days of the breakout dates."""
    seconds = np.asarray(breakouts["date"].to_numpy(dtype="datetime64[s]"), dtype=np.int64)
    return seconds // EPOCH_DAY_SECONDS


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
    breakouts: pd.DataFrame, foll: Bars, params: AnalysisParams, notes: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Add fwd/best/worst columns per horizon; return the summary and days to follower ATH."""
    from app.signals.event_study import non_overlapping_mask, summarize_horizon, summary_frame
    from app.signals.forward import days_to_next_record, forward_returns

    event_days = event_days_of(breakouts)
    if foll.days.size == 0:
        notes.append("The follower has no bars: the event study is empty.")
    rows = []
    for h in params.horizons:
        fr = forward_returns(event_days, foll.days, foll.close, h)
        breakouts[f"fwd_{h}d"], breakouts[f"best_{h}d"] = fr.fwd, fr.best
        breakouts[f"worst_{h}d"] = fr.worst
        used = ~np.isnan(fr.fwd)
        if params.non_overlapping:
            kept = non_overlapping_mask(event_days, used, h)
            if kept.sum() < used.sum():
                notes.append(
                    f"{h} days: {int(used.sum() - kept.sum())} of {int(used.sum())} events "
                    f"left out because they start within {h} days of an earlier one."
                )
            used = kept
        rows.append(
            summarize_horizon(
                h, fr.fwd[used], foll.days, foll.close, params.bootstrap_draws, params.seed
            )
        )
    return summary_frame(rows), days_to_next_record(event_days, foll.days, foll.close)


def regimes_part(
    lead: Bars,
    foll: Bars,
    breakouts: pd.DataFrame,
    params: AnalysisParams,
    keys: tuple[str, str],
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Leader and follower phases, and bull_near for each breakout."""
    from app.signals.regimes import bull_near, bull_start_days, regime_frame, regime_phases

    phases = {}
    for role, bars, rule, key in (
        ("leader", lead, params.leader_regime, keys[0]),
        ("follower", foll, params.follower_regime, keys[1]),
    ):
        phases[role] = regime_phases(bars.close, rule.bull, rule.bear)
        if not phases[role] and bars.days.size:
            notes.append(
                f"{key} never rose {rule.bull:.0%} or fell {rule.bear:.0%}: no bull or bear "
                "phase can be dated."
            )
    has_days = foll.days.size > 0
    near = bull_near(
        event_days_of(breakouts),
        bull_start_days(foll.days, phases["follower"]),
        int(foll.days[0]) if has_days else None,
        int(foll.days[-1]) if has_days else None,
        BULL_NEAR_DAYS,
    )
    leader_frame = regime_frame(lead.days, lead.close, phases["leader"])
    follower_frame = regime_frame(foll.days, foll.close, phases["follower"])
    return leader_frame, follower_frame, near


def correlation_part(lead: Bars, foll: Bars, window: int, notes: list[str]) -> pd.Series:
    """Rolling correlation of daily log returns on common dates, dated by the window's end."""
    from app.signals.correlation import aligned_log_returns, rolling_correlation

    days, rl, rf = aligned_log_returns(lead.days, lead.close, foll.days, foll.close)
    values = rolling_correlation(rl, rf, window)
    if values.size == 0:
        notes.append(
            f"No rolling correlation: it needs {window} daily returns on dates both markets "
            f"traded, and they share {days.size}."
        )
        return dated_series(days[:0], values, "correlation")
    return dated_series(days[window - 1 :], values, "correlation")


def correlation_by_year_part(lead: Bars, foll: Bars, notes: list[str]) -> pd.DataFrame:
    """Correlation of daily log returns per calendar year and over the whole history."""
    from app.signals.correlation import correlation_by_year

    table = correlation_by_year(lead.days, lead.close, foll.days, foll.close)
    if table["corr"].isna().all():
        notes.append(
            "No correlation by year: no year has 3 daily returns on dates both markets traded "
            "with both markets moving."
        )
    return table


def lead_lag_part(lead: Bars, foll: Bars, notes: list[str]) -> pd.DataFrame:
    """The weekly lead-lag scan for lags -12..12."""
    from app.signals.correlation import lead_lag

    table = lead_lag(lead.days, lead.close, foll.days, foll.close, LEAD_LAG_WEEKS)
    if table["corr"].isna().all():
        notes.append("No lead-lag scan: the two markets share fewer than 3 weekly returns.")
    return table


def cycles_part(foll: Bars, key_dates: tuple[KeyDate, ...], notes: list[str]) -> Cycles:
    """Halving cycles of the follower from the key dates of kind "halving"."""
    import datetime as dt

    from app.signals.cycles import halving_cycles

    epoch = dt.date(1970, 1, 1)
    halvings = [k.date for k in key_dates if k.kind == "halving"]
    halving_days = np.array(
        [(dt.date.fromisoformat(d) - epoch).days for d in halvings], dtype=np.int64
    )
    cycles = halving_cycles(foll.days, foll.close, halving_days)
    if not halvings:
        notes.append("No halving cycles: there are no key dates of kind halving.")
    elif cycles.table.empty:
        notes.append("No halving cycles: no halving falls within the follower's history.")
    return cycles


def volatility_part(
    bars: Bars, window: int, every_day: bool, key: str, notes: list[str]
) -> tuple[pd.Series, float]:
    """Rolling annualised volatility (dated by the window's last bar) and its percentile."""
    from app.signals.volatility import latest_percentile, rolling_volatility

    values = rolling_volatility(bars.close, window, every_day)
    if values.size == 0:
        notes.append(
            f"No volatility for {key}: it needs {window} daily returns and has "
            f"{max(bars.days.size - 1, 0)}."
        )
    days = bars.days[window:] if values.size else bars.days[:0]
    return dated_series(days, values, "volatility"), latest_percentile(values)
