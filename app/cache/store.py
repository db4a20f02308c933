"""`Cache`: one open cache database, the object the rest of the app reads and writes bars through.

Every write is one transaction (`Cache.transaction`); SQLite's failures leave as CacheError
with a message for the user (see app.cache.classify).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.cache import history, schema, spans
from app.cache.alerts import AlertRow, insert_new, row_from, select_sql
from app.cache.classify import as_cache_error, rollback
from app.cache.history import Changes, ReplaceRefused, Version
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
from app.provenance import FILE, PROVIDER, Origin, SourceSpan

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cache", "Changes", "InstrumentInfo", "ReplaceRefused", "Version"]

_INSERT_BAR = (
    "INSERT OR REPLACE INTO bars "
    "(instrument_id, day, open, high, low, close, volume, source, fetched_at, provenance_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SUMMARY = (
    "SELECT count(*), min(day), max(day), total(close), total(close * day), total(open), "
    "total(high), total(low), total(volume), max(fetched_at) FROM bars WHERE instrument_id=?"
)
_SELECT_BARS = (
    "SELECT day, open, high, low, close, volume FROM bars WHERE instrument_id=? ORDER BY day"
)


class Cache:
    """One open cache database. Use `Cache.open(path)`; close it when done (or use `with`)."""

    def __init__(self, connection: sqlite3.Connection, notice: str = "", *, path: Path) -> None:
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
            return cls(*schema.connect_checked(path), path=path)
        except schema.DamagedDatabase as damage:
            backup = schema.move_aside(path)
            notice = (
                f"The cache {path} was damaged ({damage}); it was moved to {backup} and a "
                "fresh, empty cache was created. Refresh or import to fill it again."
            )
            connection, _ = schema.connect_checked(path)
            return cls(connection, notice, path=path)

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
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy what was just committed into the cache file and empty the WAL, without waiting.

        Committed bars that live only in the WAL are lost if the WAL is damaged; this keeps
        that time short. A reader still on an older snapshot makes the checkpoint stop early
        (it resumes after the next commit), and a failure here leaves the commit standing.
        """
        timeout = self._db.execute("PRAGMA busy_timeout").fetchone()[0]
        try:
            self._db.execute("PRAGMA busy_timeout=0")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            pass  # the data is committed; the WAL is copied at a later commit or at close
        finally:
            self._db.execute(f"PRAGMA busy_timeout={timeout}")

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
        origin: Origin | None = None,
        currency: str = "",
        timezone: str = "",
        fetched: bool = False,
        replace_all: bool = False,
    ) -> int:
        """Store bars for `key` in one transaction (re-storing a day replaces it): a fetch's way.

        `origin` is where the bars came from (default: the key's provider). `replace_all=True`
        first removes every bar of `key` (a full fetch: the provider's history replaces what
        was cached, bogus bars included), in the same transaction, keeping the removed bars as
        a version (`restore`). `fetched=True` also records a successful fetch (time stamp).
        Either way the last error is cleared: fresh bars (downloaded or imported) answer it.
        Returns the number of bars written.
        """
        spec = parse_key(key)
        origin = origin or Origin.provider_of(spec)
        columns = bar_columns(bars)
        with self.transaction() as db:
            instrument_id = ensure_instrument(db, spec, currency, timezone)
            if replace_all:
                history.keep_version(db, spec.key, instrument_id, history.REPLACE, "full fetch")
                db.execute("DELETE FROM bars WHERE instrument_id=?", (instrument_id,))
            now = self._write(db, instrument_id, columns, origin)
            if replace_all:
                spans.rebuild_spans(db, instrument_id)
            if fetched:
                db.execute("UPDATE instruments SET last_fetch=? WHERE id=?", (now, instrument_id))
        return len(columns[0])

    def import_bars(
        self, key: str, bars: pd.DataFrame, origin: Origin, *, replace: bool = False
    ) -> Changes:
        """Store an imported file's bars; what it changed (new days, replaced days) is returned.

        Days the instrument does not have are added, days it has with the same values are left
        as they are. Days it has with other values are replaced only with `replace`, after its
        bars were kept as a version (see `restore`), all in one transaction; without
        `replace` nothing is written and ReplaceRefused says what would have changed.
        """
        spec = parse_key(key)
        columns = bar_columns(bars)
        what = f"Importing {origin.name or 'the file'}"
        with self.transaction() as db:
            instrument_id = ensure_instrument(db, spec, "", "")
            cached = arrays_from_rows(db.execute(_SELECT_BARS, (instrument_id,)).fetchall())
            incoming = (np.asarray(columns[0], dtype=np.int64), np.array(columns[1:], float).T)
            changes, is_new = history.compare(spec.key, _as_table(*cached), incoming)
            if changes.replaces and not replace:
                raise ReplaceRefused(changes, what)
            if changes.replaces:
                detail = f"{what.lower()}: {changes.describe(what)}"
                history.keep_version(db, spec.key, instrument_id, history.REPLACE, detail)
            else:  # keep the days that stay the same as they are, with their provenance
                columns = [list(np.asarray(c, dtype=object)[is_new]) for c in columns]
            self._write(db, instrument_id, columns, origin)
        return changes

    def _write(
        self, db: sqlite3.Connection, instrument_id: int, columns: list[list], origin: Origin
    ) -> float:
        """Insert the bars with a new provenance row; returns the time stamp used."""
        now = time.time()
        provenance_id = spans.add_provenance(db, origin, now)
        legacy = {FILE: "csv", PROVIDER: origin.name}.get(origin.kind, "")  # version 1's column
        # Rows are zipped straight from the column lists: no per-row Python work here.
        rows = zip(
            repeat(instrument_id), *columns, repeat(legacy), repeat(now), repeat(provenance_id)
        )
        db.executemany(_INSERT_BAR, rows)
        spans.update_spans(db, instrument_id, columns[0], origin, now)
        refresh_summary(db, instrument_id)
        db.execute(
            "UPDATE instruments SET last_error='', last_error_kind='' WHERE id=?",
            (instrument_id,),
        )
        return now

    def record_error(self, key: str, error: RiskcurveError) -> None:
        """Remember the last failure on the instrument (creating its row if it is new)."""
        spec = parse_key(key)
        with self.transaction() as db:
            instrument_id = ensure_instrument(db, spec, "", "")
            db.execute(
                "UPDATE instruments SET last_error=?, last_error_kind=? WHERE id=?",
                (str(error), error.kind, instrument_id),
            )

    def add_alerts(self, rows: list[AlertRow]) -> list[AlertRow]:
        """Store the alerts not stored yet (by kind, key, event day), in one transaction;
        return those that are new, with their ids."""
        with self.transaction() as db:
            return insert_new(db, rows)

    def alerts(self, *, unread_only: bool = False) -> list[AlertRow]:
        """Stored alerts, newest event first."""
        return [row_from(r) for r in self._read(select_sql(unread_only))]

    def mark_alerts_read(self, ids: list[int]) -> None:
        """Mark alerts as seen (the window's Alerts list does; the command line never does)."""
        with self.transaction() as db:
            db.executemany("UPDATE alerts SET read=1 WHERE id=?", [(i,) for i in ids])

    def delete_instrument(self, key: str) -> bool:
        """Remove an instrument and all its bars, keeping them as a version (`restore` brings
        them back); False when it was not cached."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM instruments WHERE key=?", (lookup(key),)).fetchone()
            if row is None:
                return False
            history.keep_version(db, lookup(key), row[0], history.DELETE, "deleted")
            db.execute("DELETE FROM bars WHERE instrument_id=?", (row[0],))
            db.execute("DELETE FROM instruments WHERE id=?", (row[0],))
        return True

    def restore(self, key: str, version_id: int | None = None) -> Version:
        """Put back a kept version of `key`'s bars (default: the one from before the last
        replacing import or delete). The bars it replaces are kept as a version too."""
        spec = parse_key(key)
        with self.transaction() as db:
            version = history.version_to_restore(db, spec.key, version_id)
            currency, timezone = history.version_metadata(db, version)
            instrument_id = ensure_instrument(db, spec, currency, timezone)
            detail = f"before restoring version #{version.id}"
            history.keep_version(db, spec.key, instrument_id, history.RESTORE, detail)
            history.put_back(db, version, instrument_id)
            spans.rebuild_spans(db, instrument_id)
            refresh_summary(db, instrument_id)
        return version

    def versions(self, key: str) -> list[Version]:
        """The kept versions of `key`'s bars, newest first."""
        started = time.monotonic()
        try:
            return history.versions(self._db, lookup(key))
        except sqlite3.Error as exc:
            raise self._error(exc, started) from None

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

    def bars_summary(self, key: str) -> tuple[object, ...]:
        """A fingerprint of `key`'s bars computed by SQLite, without reading them: their count,
        first and last day, the sum of every column (closes also weighted by day) and the
        latest store time; () when `key` is not cached. Any store, import, restore or delete
        changes it (app.chart_snapshot's quick key)."""
        found = self._read("SELECT id FROM instruments WHERE key=?", (lookup(key),))
        if not found:
            return ()
        return tuple(self._read(_SUMMARY, (found[0][0],))[0])

    def instruments(self) -> list[InstrumentInfo]:
        """Every cached instrument with where its bars came from, ordered by key."""
        rows = self._read(f"SELECT id, {INFO_COLUMNS} FROM instruments ORDER BY key")
        started = time.monotonic()
        try:
            by_id = spans.read_all_spans(self._db)
        except sqlite3.Error as exc:
            raise self._error(exc, started) from None
        return [info_from_row(row[1:], by_id.get(row[0], ())) for row in rows]

    def instrument(self, key: str) -> InstrumentInfo | None:
        rows = self._read(f"SELECT id, {INFO_COLUMNS} FROM instruments WHERE key=?", (lookup(key),))
        if not rows:
            return None
        started = time.monotonic()
        try:
            return info_from_row(rows[0][1:], spans.read_spans(self._db, rows[0][0]))
        except sqlite3.Error as exc:
            raise self._error(exc, started) from None

    def recorded_sources(self, keys: Iterable[str]) -> dict[str, tuple[SourceSpan, ...]]:
        """Where each key's cached bars came from, as recorded per bar (app.provenance)."""
        return {key: info.sources if (info := self.instrument(key)) else () for key in keys}

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


def _as_table(days: np.ndarray, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(days, values with one row per day) from `arrays_from_rows`' columns."""
    values = np.column_stack(list(columns.values())) if len(days) else np.empty((0, len(columns)))
    return days, values


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, or None when it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
