"""Rows in, rows out: bars frames to parameter lists, rows to frames and instrument summaries."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.bars import COLUMNS, EPOCH_DATE, bars_from_arrays, epoch_days
from app.errors import InvalidKeyError
from app.instruments import InstrumentSpec, parse_key
from app.provenance import SourceSpan, describe_sources

if TYPE_CHECKING:
    import pandas as pd

INFO_COLUMNS = (
    "key, source, ticker, exchange, currency, timezone, rows, first_day, last_day, "
    "last_fetch, last_error, last_error_kind"
)


@dataclass(frozen=True)
class InstrumentInfo:
    """What the cache knows about one instrument (the `status` line and the Data tab)."""

    key: str
    source: str
    ticker: str
    exchange: str
    currency: str
    timezone: str
    rows: int
    first_date: dt.date | None
    last_date: dt.date | None
    last_fetch: dt.datetime | None
    last_error: str
    last_error_kind: str
    #: Where the bars came from: runs of consecutive days from one file or provider.
    sources: tuple[SourceSpan, ...] = ()

    @property
    def source_text(self) -> str:
        """ "CSV file BTC_USD_daily.csv to 2026-03-03, then Bitstamp via ccxt"."""
        return describe_sources(self.sources, self.key)

    def is_stale(self, stale_after_days: int, today: dt.date | None = None) -> bool:
        """True when the newest bar is older than `stale_after_days` calendar days."""
        if self.last_date is None:
            return True
        today = today or dt.datetime.now(dt.UTC).date()
        return (today - self.last_date).days > stale_after_days


def lookup(key: str) -> str:
    """The stored form of a key (`yahoo:^rut` is kept as `yahoo:^RUT`), or the key as given when
    it does not parse: such a key can never have been stored, so the lookup finds nothing."""
    try:
        return parse_key(key).key
    except InvalidKeyError:
        return key


def ensure_instrument(
    db: sqlite3.Connection, spec: InstrumentSpec, currency: str, timezone: str
) -> int:
    """The instrument's row id, creating the row (or updating currency and time zone)."""
    db.execute(
        "INSERT INTO instruments (key, source, ticker, exchange, currency, timezone) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
        "currency=CASE WHEN excluded.currency<>'' THEN excluded.currency ELSE currency END, "
        "timezone=CASE WHEN excluded.timezone<>'' THEN excluded.timezone ELSE timezone END",
        (spec.key, spec.source, spec.ticker, spec.exchange, currency, timezone),
    )
    return db.execute("SELECT id FROM instruments WHERE key=?", (spec.key,)).fetchone()[0]


def refresh_summary(db: sqlite3.Connection, instrument_id: int) -> None:
    db.execute(
        "UPDATE instruments SET (first_day, last_day, rows) = "
        "(SELECT MIN(day), MAX(day), COUNT(*) FROM bars WHERE instrument_id=?) WHERE id=?",
        (instrument_id, instrument_id),
    )


def bar_columns(bars: pd.DataFrame) -> list[list]:
    """Day and value columns as Python lists; NaN becomes None so SQLite stores NULL."""
    columns: list[list] = [epoch_days(bars.index).tolist()]
    for name in COLUMNS:
        values = bars[name].to_numpy(dtype=float)
        as_list = values.tolist()
        if np.isnan(values).any():
            as_list = [None if v != v else v for v in as_list]  # v != v only for NaN
        columns.append(as_list)
    return columns


def frame_from_rows(rows: list[tuple]) -> pd.DataFrame:
    if not rows:
        from app.bars import empty_bars

        return empty_bars()
    days, columns = arrays_from_rows(rows)
    return bars_from_arrays(days, columns)


def arrays_from_rows(rows: list[tuple]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    table = _number_table(rows) if rows else np.empty((0, len(COLUMNS) + 1))
    return table[:, 0].astype(np.int64), {c: table[:, i + 1] for i, c in enumerate(COLUMNS)}


def _number_table(rows: list[tuple]) -> np.ndarray:
    """The rows as floats (None becomes NaN). Riskcurve stores only numbers there: a text or
    a blob means the file was changed by another program, which is said as such."""
    from app.errors import CacheError

    try:
        return np.array(rows, dtype=float)
    except (TypeError, ValueError):
        raise CacheError(
            "a cached bar holds a value that is not a number: the cache file was changed "
            "outside Riskcurve; delete that instrument (Data tab) or import it again"
        ) from None


def info_from_row(row: tuple, sources: tuple[SourceSpan, ...] = ()) -> InstrumentInfo:
    key, source, ticker, exchange, currency, tz, rows, first, last, fetch, err, kind = row
    return InstrumentInfo(
        key=key,
        source=source,
        ticker=ticker,
        exchange=exchange,
        currency=currency,
        timezone=tz,
        rows=rows,
        first_date=EPOCH_DATE + dt.timedelta(days=first) if first is not None else None,
        last_date=EPOCH_DATE + dt.timedelta(days=last) if last is not None else None,
        last_fetch=dt.datetime.fromtimestamp(fetch, dt.UTC) if fetch is not None else None,
        last_error=err,
        last_error_kind=kind,
        sources=sources,
    )
