"""The Data tab's table: one row per cached instrument, its columns and their meaning.

Beside widgets.tables.columns (the analysis tables) so the cache's wording lives in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from app.data_age import age_days
from widgets.tables.models import Column

if TYPE_CHECKING:
    import pandas as pd

    from app.cache import InstrumentInfo

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
