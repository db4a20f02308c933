"""What each table shows: its columns, their meaning (header tooltips) and the frames behind them.

Kept apart from the tabs so the wording of every column lives in one place and the frames can be
built (and tested) without widgets. The frames come from AnalysisResult (see its docstring).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app import formatting as fmt
from app.formatting import is_missing, plural
from widgets.tables.models import Column, format_value

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult


BREAKOUT_FIRST = [
    Column(
        "date",
        "Breakout",
        "Day the leader closed at a new all-time high after a long sideways stretch (a breakout)",
        "date",
    ),
    Column("level", "Level", "The leader's price that set the new all-time high", "price"),
    Column(
        "prior_ath_date",
        "Previous\nhigh",
        "Day of the previous all-time high: the consolidation ran from there to the breakout",
        "date",
    ),
    Column(
        "gap_days",
        "Days\nsince",
        "Calendar days between the previous all-time high and the breakout (how long the "
        "market went sideways)",
        "days",
    ),
    Column(
        "pct_above",
        "Above\nold high",
        "How far the breakout level is above the previous all-time high",
        "pct",
    ),
]
REGIME_TIP = (
    "The follower's bull or bear phase on the breakout day: which, how many days it had run "
    "and the follower's return since it began. Empty where unknown: before the follower's data "
    "or in its first phase, which began before the data. Phases: turns of the Settings → bull "
    "and bear thresholds, censored (min. cycle, min. phase and move, censor at the start). "
    "Hover a row for the dates."
)
BREAKOUT_LAST = [
    Column("regime_at_breakout", "Regime at\nbreakout", REGIME_TIP, "text"),
    Column(
        "regime_end",
        "Phase\nended",
        "How many days after the breakout the follower's phase ended; running: it has not "
        "ended yet",
        "text",
    ),
    Column(
        "days_to_follower_ath",
        "Days to\nfollower high",
        "Calendar days from the breakout until the follower set its next all-time high; empty "
        "if it has not yet",
        "days",
    ),
]


def breakout_columns(horizons: Sequence[int], bull_share: float = math.nan) -> list[Column]:
    """The Signals table: one row per breakout of the leader, forward returns of the follower,
    where each return ranks among the days of its era (`era_pct_{h}d`, when computed), and the
    follower's phase at the breakout.

    `bull_share` (the follower's share of bull days) goes into the regime column's tooltip.
    """
    era = [
        Column(
            f"era_pct_{h}d",
            f"Era rank\n{h} d",
            f"Where the follower's {h}-day return after this breakout ranks among the {h}-day "
            "returns from every day of its era (90% = better than 90% of those days)",
            "pct",
        )
        for h in horizons
    ]
    forward = [
        Column(
            f"fwd_{h}d",
            f"Follower\n{h} d",
            f"The follower's return from the breakout day to {h} calendar days later; empty "
            "where its history does not reach that far. Hover a cell for the best and worst "
            "close in between.",
            "return",
        )
        for h in horizons
    ]
    last = list(BREAKOUT_LAST)
    if not is_missing(bull_share):
        last[0] = dataclasses.replace(
            last[0], tooltip=f"{REGIME_TIP} {bull_share_note(bull_share)}"
        )
    return [*BREAKOUT_FIRST, *forward, *era, *last]


def bull_share_note(bull_share: float, market: str = "The follower") -> str:
    """The base rate of "Regime at breakout", in one sentence ("" when unknown)."""
    if is_missing(bull_share):
        return ""
    return (
        f"{market} was in a bull phase on {fmt.percent(bull_share, 0)} of its days with a "
        "dated phase: the share a breakout on a random day would show."
    )


def breakout_frame(breakouts: pd.DataFrame) -> pd.DataFrame:
    """The breakouts with the regime's display columns (regime_at_breakout, regime_end)."""
    frame = breakouts.copy()
    frame["regime_at_breakout"] = [
        fmt.phase(kind, days, since)
        for kind, days, since in zip(
            _column(frame, "regime", ""),
            _column(frame, "regime_days", math.nan),
            _column(frame, "regime_return", math.nan),
            strict=True,
        )
    ]
    frame["regime_end"] = [
        _phase_end(kind, left, running)
        for kind, left, running in zip(
            _column(frame, "regime", ""),
            _column(frame, "regime_days_left", math.nan),
            _column(frame, "regime_running", False),
            strict=True,
        )
    ]
    return frame


def _column(frame: pd.DataFrame, name: str, missing: object) -> list:
    return frame[name].tolist() if name in frame.columns else [missing] * len(frame)


def _phase_end(kind: str, days_left: float, running: bool) -> str:
    if not kind:
        return ""
    return "running" if running else f"{fmt.whole(days_left)} d later"


def present(columns: Sequence[Column], frame: pd.DataFrame | None) -> list[Column]:
    """The columns whose field the frame has: a figure the analysis did not compute is not
    shown as an empty column."""
    if frame is None:
        return list(columns)
    return [c for c in columns if c.field in frame.columns]


SUMMARY_COLUMNS = [
    Column(
        "horizon",
        "Horizon\n(days)",
        "Days after each breakout over which the follower's return is measured",
        "int",
    ),
    Column("n_events", "Events", "Breakouts with enough follower history for this horizon", "int"),
    Column(
        "geo_mean",
        "Geo.\nmean",
        "The typical compounded return after a breakout: exp(mean log return) - 1, which one "
        "huge outlier cannot own the way it owns the plain mean",
        "return",
    ),
    Column("median", "Median", "Middle follower return after the breakouts", "return"),
    Column(
        "era_base_geo_mean",
        "Era\nbase",
        "The same geometric mean from every day within the era of each breakout (Settings → "
        "base-rate era): what the follower did anyway at that time",
        "return",
    ),
    Column(
        "ci_text",
        "95%\ninterval",
        "The breakouts' return as a multiple of their era's, with 95% confidence (×1.00 = "
        "no better than the era)",
        "text",
    ),
    Column("mean", "Mean", "Average follower return after the breakouts (outlier-prone)", "return"),
    Column(
        "share_positive", "Positive", "Share of breakouts after which the follower was up", "pct"
    ),
    Column(
        "base_mean",
        "Base\nmean",
        "Average return over the same horizon from every day of "
        "the follower's history (the base rate)",
        "return",
    ),
    Column(
        "base_median",
        "Base\nmedian",
        "Middle return over the same horizon from every day",
        "return",
    ),
    Column(
        "base_share_positive",
        "Base\npositive",
        "Share of all days after which the follower was up over the horizon",
        "pct",
    ),
    Column(
        "p_value",
        "p-value",
        "Share of random same-size sets of days whose mean return is "
        "at least as high as the breakouts' (small = unusual; not proof)",
        "pvalue",
    ),
    Column(
        "p_adjusted",
        "p\n(Holm)",
        "The p-value adjusted (Holm) for testing every horizon at once; the verdict uses this one",
        "pvalue",
    ),
    Column(
        "p_leave_one_out_max",
        "Worst leave-\none-out p",
        "The largest p-value with one breakout left out: large means the result rests on one event",
        "pvalue",
    ),
    Column(
        "fragile_event",
        "Rests\non",
        "The breakout whose removal weakens the result most (the leave-one-out p above)",
        "date",
    ),
]

CORRELATION_YEAR_COLUMNS = [
    Column("period", "Year", "Calendar year of the daily returns; all = the whole history", "text"),
    Column(
        "corr",
        "Correlation",
        "Correlation of the two markets' daily log returns on the dates both traded (+1: they "
        "move together, 0: unrelated)",
        "corr",
    ),
    Column("n", "Days", "Daily returns on dates both markets traded", "int"),
]

CYCLE_COLUMNS = [
    # Two-line titles and no cents in the prices keep the columns as narrow as their numbers:
    # the table fits beside the Cycles chart at 1024 px.
    Column(
        "halving_date", "Halving", "Day of the Bitcoin supply halving that starts the cycle", "date"
    ),
    Column(
        "next_halving_date",
        "Next\nhalving",
        "Day the cycle ends (empty: the current cycle)",
        "date",
    ),
    Column(
        "halving_price",
        "Price at\nhalving",
        "The follower's close on the halving day",
        "compact_price",
    ),
    Column("peak_date", "Peak", "Day of the highest close before the next halving", "date"),
    Column("peak_close", "Peak\nclose", "The highest close of the cycle", "compact_price"),
    Column("multiple", "Multiple", "Peak close ÷ price at the halving", "multiple"),
    Column("days_to_peak", "Days to\npeak", "Days from the halving to the cycle's peak", "days"),
    Column(
        "multiple_at_current_day",
        "Multiple\nsame day",
        "Price ÷ halving price at the "
        "same number of days after the halving as today is in the current cycle",
        "multiple",
    ),
]


def cycle_columns(cycles: pd.DataFrame, last_day: pd.Timestamp | None) -> list[Column]:
    """CYCLE_COLUMNS, the last one titled with the current cycle's age ("At day\n682"): the
    day the multiples are read at, in fewer words than "Multiple same day"."""
    columns = list(CYCLE_COLUMNS)
    if cycles.empty or is_missing(last_day):
        return columns
    age = (last_day - cycles["halving_date"].iloc[-1]).days
    columns[-1] = dataclasses.replace(
        columns[-1],
        title=f"At day\n{age:,}",
        tooltip=f"Price ÷ halving price {plural(age, 'day')} after the halving: the age of "
        "the current cycle on its last bar",
    )
    return columns


def breakout_row_tips(breakouts: pd.DataFrame, horizons: Sequence[int]) -> list[str]:
    """Per row: the best and worst follower close within each horizon and the follower's
    phase with its dates (shown on hover)."""
    tips = []
    for _, row in breakouts.iterrows():
        parts = []
        for h in horizons:
            best, worst = row.get(f"best_{h}d"), row.get(f"worst_{h}d")
            if not (is_missing(best) or is_missing(worst)):
                parts.append(
                    f"{h} d: best {format_value(best, 'return')}, "
                    f"worst {format_value(worst, 'return')}"
                )
        parts.append(_phase_tip(row))
        tips.append("\n".join(p for p in parts if p))
    return tips


def _phase_tip(row: pd.Series) -> str:
    """ "Follower: bull phase since 2018-12-15 (699 d, +404%); ended 2021-11-08, 360 d later"."""
    import pandas as pd

    kind = row.get("regime")
    if not isinstance(kind, str) or not kind:
        return ""
    since = format_value(row.get("regime_start"), "date")
    text = (
        f"Follower: {kind} phase since {since} ({fmt.whole(row.get('regime_days'))} d, "
        f"{fmt.change(row.get('regime_return'), 0)})"
    )
    if row.get("regime_running"):
        return f"{text}; still running"
    left = row.get("regime_days_left")
    if is_missing(left):
        return text
    ended = row["date"] + pd.Timedelta(days=float(left))
    return f"{text}; ended {format_value(ended, 'date')}, {fmt.whole(left)} d later"


def summary_view_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the Statistics tab shows it: ci_low/ci_high (multiples of what a random
    day of the same era returned) become one text column, "×0.67 to ×3.07"."""
    if not {"ci_low", "ci_high"} <= set(summary.columns):
        return summary
    frame = summary.copy()
    frame["ci_text"] = [
        fmt.multiples_range(lo, hi)
        for lo, hi in zip(summary["ci_low"], summary["ci_high"], strict=True)
    ]
    return frame


def summary_verdicts(result: AnalysisResult) -> list[str]:
    """One sentence per horizon, starting "30 days: …" (the Statistics tab's text)."""
    summary = result.summary
    if summary is None or summary.empty:
        return []
    verdicts = []
    for row in summary.itertuples():
        lead = f"{int(row.horizon)} days"
        text = str(row.verdict)
        verdicts.append(text if text.startswith(lead) else f"{lead}: {text}")
    return verdicts


SMALL_SAMPLE = 5


def small_sample_warning(result: AnalysisResult) -> str:
    """A warning when any horizon rests on fewer than SMALL_SAMPLE events, else empty."""
    summary = result.summary
    if summary is None or summary.empty:
        return "No breakouts of the leader with follower data: nothing to measure yet."
    fewest = int(summary["n_events"].min())
    if fewest < SMALL_SAMPLE:
        return (
            f"Small sample: as few as {fewest} breakout{'s' if fewest != 1 else ''} with data. "
            f"Below {SMALL_SAMPLE} events no conclusion can be drawn, however large the "
            "numbers look."
        )
    return ""
