"""What each table shows: its columns, their meaning (header tooltips) and the frames behind them.

Kept apart from the tabs so the wording of every column lives in one place and the frames can be
built (and tested) without widgets. The frames come from AnalysisResult (see its docstring).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from app.data_age import age_days
from app.formatting import is_missing
from widgets.tables.models import Column, format_value

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.cache import InstrumentInfo


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
        "Previous high",
        "Day of the previous all-time high: the consolidation ran from there to the breakout",
        "date",
    ),
    Column(
        "gap_days",
        "Days since",
        "Calendar days between the previous all-time high and the breakout (how long the "
        "market went sideways)",
        "days",
    ),
    Column(
        "pct_above",
        "Above old high",
        "How far the breakout level is above the previous all-time high",
        "pct",
    ),
]
BREAKOUT_LAST = [
    Column(
        "bull_near",
        "Bull near",
        "Did a bull phase of the follower begin within the ± window around the breakout "
        "(Settings → bull window)?",
        "flag",
    ),
    Column(
        "days_to_follower_ath",
        "Days to follower high",
        "Calendar days from the breakout until the follower set its next all-time high; empty "
        "if it has not yet",
        "days",
    ),
]


def breakout_columns(horizons: Sequence[int]) -> list[Column]:
    """The Signals table: one row per breakout of the leader, forward returns of the follower."""
    forward = [
        Column(
            f"fwd_{h}d",
            f"Follower {h} d",
            f"The follower's return from the breakout day to {h} calendar days later; empty "
            "where its history does not reach that far. Hover a cell for the best and worst "
            "close in between.",
            "return",
        )
        for h in horizons
    ]
    return [*BREAKOUT_FIRST, *forward, *BREAKOUT_LAST]


SUMMARY_COLUMNS = [
    Column(
        "horizon",
        "Horizon (days)",
        "Days after each breakout over which the follower's return is measured",
        "int",
    ),
    Column("n_events", "Events", "Breakouts with enough follower history for this horizon", "int"),
    Column("mean", "Mean", "Average follower return after the breakouts", "return"),
    Column("median", "Median", "Middle follower return after the breakouts", "return"),
    Column(
        "share_positive", "Positive", "Share of breakouts after which the follower was up", "pct"
    ),
    Column(
        "base_mean",
        "Base mean",
        "Average return over the same horizon from every day of "
        "the follower's history (the base rate)",
        "return",
    ),
    Column(
        "base_median", "Base median", "Middle return over the same horizon from every day", "return"
    ),
    Column(
        "base_share_positive",
        "Base positive",
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
]

CYCLE_COLUMNS = [
    Column(
        "halving_date", "Halving", "Day of the Bitcoin supply halving that starts the cycle", "date"
    ),
    Column(
        "next_halving_date", "Next halving", "Day the cycle ends (empty: the current cycle)", "date"
    ),
    Column("halving_price", "Price at halving", "The follower's close on the halving day", "price"),
    Column("peak_date", "Peak", "Day of the highest close before the next halving", "date"),
    Column("peak_close", "Peak close", "The highest close of the cycle", "price"),
    Column("multiple", "Multiple", "Peak close ÷ price at the halving", "multiple"),
    Column("days_to_peak", "Days to peak", "Days from the halving to the cycle's peak", "days"),
    Column(
        "multiple_at_current_day",
        "Multiple at the same day of the cycle",
        "Price ÷ halving price at the "
        "same number of days after the halving as today is in the current cycle",
        "multiple",
    ),
]

DATA_COLUMNS = [
    Column("key", "Instrument", "The instrument's key: source, then ticker", "text"),
    Column(
        "source",
        "Source",
        "Where the cached bars came from, as recorded with each bar: the CSV file imported or "
        "the provider fetched, with the date where one takes over from the other",
        "text",
    ),
    Column("rows", "Bars", "Daily bars in the local cache", "int"),
    Column("first_date", "First", "Oldest cached day", "date"),
    Column("last_date", "Last", "Newest cached day", "date"),
    Column(
        "last_fetch",
        "Last fetch",
        "When the last download succeeded (local time); never for imported data",
        "datetime",
        empty="never",
    ),
    Column(
        "state",
        "State",
        "fresh; stale when the newest bar is older than Settings → stale after days; no data "
        "yet when nothing is cached; downloading while a refresh works on it",
        "text",
    ),
    Column(
        "last_error",
        "Last error",
        "Why the last download failed (empty when it worked); select the row and press Retry",
        "text",
    ),
    Column(
        "notes",
        "Notes",
        "What the source said about the data in the last download, e.g. that its history ended "
        "early",
        "text",
    ),
]


def breakout_row_tips(breakouts: pd.DataFrame, horizons: Sequence[int]) -> list[str]:
    """Per row: the best and worst follower close within each horizon (shown on hover)."""
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
        tips.append("\n".join(parts))
    return tips


def instrument_state(info: InstrumentInfo, stale_after_days: int, fetching: bool = False) -> str:
    """ "downloading…", "no data yet", "stale (12 days old)" or "fresh"."""
    if fetching:
        return "downloading…"
    if not info.rows or info.last_date is None:
        return "no data yet"
    if info.is_stale(stale_after_days):
        return f"stale ({age_days(info.last_date):,} days old)"
    return "fresh"


def instruments_frame(
    infos: Sequence[InstrumentInfo],
    stale_after_days: int,
    notes: Mapping[str, Sequence[str]] | None = None,
    fetching: Collection[str] = (),
) -> pd.DataFrame:
    """The Data tab's frame: one row per cached instrument (`notes`: the last fetch's notes)."""
    import pandas as pd

    notes = notes or {}
    rows = [
        {
            "key": i.key,
            "source": i.source_text,
            "rows": i.rows,
            "first_date": i.first_date,
            "last_date": i.last_date,
            "last_fetch": i.last_fetch,
            "state": instrument_state(i, stale_after_days, i.key in fetching),
            "last_error": i.last_error,
            "notes": "; ".join(notes.get(i.key, ())),
        }
        for i in infos
    ]
    return pd.DataFrame(rows, columns=[c.field for c in DATA_COLUMNS], dtype=object)


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
