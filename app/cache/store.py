"""`Cache`: one open cache database, the object the rest of the app reads and writes bars through.

Every write is one transaction (`Cache.transaction`); SQLite's failures leave as CacheError
with a message for the user (see app.cache.classify).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.cache import schema
from app.cache.classify import as_cache_error, rollback
from app.cache.rows import (
    INFO_COLUMNS,
    InstrumentInfo,
    arrays_from_rows,
    bar_columns,
    ensure_instrument,
    frame_from_rows,
    info_from_row,
    lookup,
    refresh_summary,
)
from app.errors import CacheError, RiskcurveError, UnknownInstrumentError
from app.instruments import parse_key

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cache", "InstrumentInfo"]

_INSERT_BAR = (
    "INSERT OR REPLACE INTO bars "
    "(instrument_id, day, open, high, low, close, volume, source, fetched_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_BARS = (
    "SELECT day, open, high, low, close, volume FROM bars WHERE instrument_id=? ORDER BY day"
)


class Cache:
    """One open cache database. Use `Cache.open(path)`; close it when done (or use `with`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str = "") -> None:
        self._db = connection
        self.path = path
        #: Plain-language message when the file was damaged and replaced at open.
        self.notice = notice
        self._identity = _file_identity(path)

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for diagnostics and fault-injection tests only.

        Tests cap the file with `PRAGMA max_page_count` through it to simulate a full disk.
        Application code goes through the methods, which translate errors into CacheError.
        """
        return self._db

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Cache:
        """Open (or create) the cache; a damaged file is moved aside and a fresh one created."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(
                f"Cannot create the data folder {path.parent}: {exc.strerror}"
            ) from None
        try:
            return cls(schema.connect_checked(path), path)
        except schema.DamagedDatabase as damage:
            backup = schema.move_aside(path)
            notice = (
                f"The cache {path} was damaged ({damage}); it was moved to {backup} and a "
                "fresh, empty cache was created. Refresh or import to fill it again."
            )
            return cls(schema.connect_checked(path), path, notice)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; SQLite errors become CacheError."""
        self._check_file_still_there()
        started = time.monotonic()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc, started) from None
        try:
            yield self._db
            started = time.monotonic()
            self._db.execute("COMMIT")
        except BaseException as exc:
            rollback(self._db)
            if isinstance(exc, sqlite3.Error):
                raise self._error(exc, started) from None
            raise

    def _error(self, exc: sqlite3.Error, started: float) -> CacheError:
        """The user's CacheError for `exc`; our own SQL bugs are re-raised as they are."""
        return as_cache_error(exc, self.path, time.monotonic() - started)

    def _check_file_still_there(self) -> None:
        """Refuse to write when the file was deleted or moved since it was opened.

        SQLite keeps writing to an open file whose folder was deleted: the writes "succeed" into
        a file nobody can reach again. Checking before each write turns that silent loss into a
        plain error.
        """
        if self._identity is not None and _file_identity(self.path) != self._identity:
            raise CacheError(
                f"Cache {self.path}: the data folder was moved or deleted while Riskcurve was "
                "running. Nothing was written; restore the folder or restart Riskcurve."
            )

    # -- writing --------------------------------------------------------------------------------

    def store_bars(
        self,
        key: str,
        bars: pd.DataFrame,
        *,
        source: str = "",
        currency: str = "",
        timezone: str = "",
        fetched: bool = False,
        replace_all: bool = False,
    ) -> int:
        """Store bars for `key` in one transaction (re-storing a day replaces it).

        `replace_all=True` first removes every bar of `key` (a full fetch: the provider's
        history replaces what was cached, bogus bars included), in the same transaction.

        `fetched=True` also records a successful fetch (time stamp). Either way the last error
        is cleared: fresh bars (downloaded or imported) answer it. Returns the
        number of bars written.
        """
        spec = parse_key(key)
        now = time.time()
        columns = bar_columns(bars)
        source = source or spec.source
        with self.transaction() as db:
            instrument_id = ensure_instrument(db, spec, currency, timezone)
            if replace_all:
                db.execute("DELETE FROM bars WHERE instrument_id=?", (instrument_id,))
            # Rows are zipped straight from the column lists: no per-row Python work here.
            rows = zip(repeat(instrument_id), *columns, repeat(source), repeat(now))
            db.executemany(_INSERT_BAR, rows)
            refresh_summary(db, instrument_id)
            db.execute(
                "UPDATE instruments SET last_error='', last_error_kind='' WHERE id=?",
                (instrument_id,),
            )
            if fetched:
                db.execute("UPDATE instruments SET last_fetch=? WHERE id=?", (now, instrument_id))
        return len(columns[0])

    def record_error(self, key: str, error: RiskcurveError) -> None:
        """Remember the last failure on the instrument (creating its row if it is new)."""
        spec = parse_key(key)
        with self.transaction() as db:
            instrument_id = ensure_instrument(db, spec, "", "")
            db.execute(
                "UPDATE instruments SET last_error=?, last_error_kind=? WHERE id=?",
                (str(error), error.kind, instrument_id),
            )

    def delete_instrument(self, key: str) -> bool:
        """Remove an instrument and all its bars; False when it was not cached."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM instruments WHERE key=?", (lookup(key),)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM bars WHERE instrument_id=?", (row[0],))
            db.execute("DELETE FROM instruments WHERE id=?", (row[0],))
        return True

    # -- reading --------------------------------------------------------------------------------

    def load_bars(self, key: str) -> pd.DataFrame:
        """All cached bars of `key` as a bars frame (see app.bars), oldest first."""
        return frame_from_rows(self._read(_SELECT_BARS, (self._instrument_id(key),)))

    def load_arrays(self, key: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Epoch days and float columns of `key`'s bars, oldest first, without importing pandas.

        The GUI draws its first chart from these while pandas is still loading (start-up
        speed); `app.bars.bars_from_arrays(days, columns)` turns them into a bars frame.
        """
        return arrays_from_rows(self._read(_SELECT_BARS, (self._instrument_id(key),)))

    def instruments(self) -> list[InstrumentInfo]:
        rows = self._read(f"SELECT {INFO_COLUMNS} FROM instruments ORDER BY key")
        return [info_from_row(row) for row in rows]

    def instrument(self, key: str) -> InstrumentInfo | None:
        rows = self._read(f"SELECT {INFO_COLUMNS} FROM instruments WHERE key=?", (lookup(key),))
        return info_from_row(rows[0]) if rows else None

    def last_day(self, key: str) -> int | None:
        """Epoch day of the newest cached bar, or None."""
        info = self._read("SELECT last_day FROM instruments WHERE key=?", (lookup(key),))
        return info[0][0] if info else None

    def integrity_ok(self) -> bool:
        return self._read("PRAGMA integrity_check")[0][0] == "ok"

    def _instrument_id(self, key: str) -> int:
        rows = self._read("SELECT id FROM instruments WHERE key=?", (lookup(key),))
        if not rows:
            raise UnknownInstrumentError(
                f"No cached data for {key}. Fetch it (riskcurve fetch {key}) or import a CSV."
            )
        return rows[0][0]

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        started = time.monotonic()
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc, started) from None


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, or None when it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
