"""The local SQLite store of instruments and daily bars.

Design (after qutebrowser's misc/sql.py): `PRAGMA user_version` is the schema version with
forward migrations; WAL so a reader never blocks the writer (two processes may share a cache);
`synchronous=NORMAL` (durable at checkpoints, never corrupt); every batch of bars is written in
ONE transaction, so a crash, a kill or a full disk leaves either all of it or none of it.
One connection per thread: a `Cache` must stay on the thread that opened it.

Dates are stored as integer epoch days (the trading date), which keeps loads fast: a million
bars become a DataFrame without parsing a single string.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.bars import COLUMNS, bars_from_arrays, epoch_days
from app.errors import CacheError, InvalidKeyError, RiskcurveError, UnknownInstrumentError
from app.instruments import parse_key

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 5.0

_SCHEMA_V1 = """
CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    ticker TEXT NOT NULL,
    exchange TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT '',
    first_day INTEGER,
    last_day INTEGER,
    rows INTEGER NOT NULL DEFAULT 0,
    last_fetch REAL,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_kind TEXT NOT NULL DEFAULT ''
);
CREATE TABLE bars (
    instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    open REAL,
    high REAL,
    low REAL,
    close REAL NOT NULL,
    volume REAL,
    source TEXT NOT NULL DEFAULT '',
    fetched_at REAL NOT NULL,
    PRIMARY KEY (instrument_id, day)
) WITHOUT ROWID;
"""

# Index i holds the script that takes a database from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)

_INSERT_BAR = (
    "INSERT OR REPLACE INTO bars "
    "(instrument_id, day, open, high, low, close, volume, source, fetched_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
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

    def is_stale(self, stale_after_days: int, today: dt.date | None = None) -> bool:
        """True when the newest bar is older than `stale_after_days` calendar days."""
        if self.last_date is None:
            return True
        today = today or dt.datetime.now(dt.UTC).date()
        return (today - self.last_date).days > stale_after_days


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
            return cls(_connect_checked(path), path)
        except _DamagedDatabase as damage:
            backup = _move_aside(path)
            notice = (
                f"The cache {path} was damaged ({damage}); it was moved to {backup} and a "
                "fresh, empty cache was created. Refresh or import to fill it again."
            )
            return cls(_connect_checked(path), path, notice)

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
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _as_cache_error(exc, self.path) from None
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as exc:
            _rollback(self._db)
            if isinstance(exc, sqlite3.Error):
                raise _as_cache_error(exc, self.path) from None
            raise

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
    ) -> int:
        """Store bars for `key` in one transaction (re-storing a day replaces it).

        `fetched=True` also records a successful fetch (time stamp). Either way the last error
        is cleared: fresh bars (downloaded or imported) answer it. Returns the number of bars
        written.
        """
        spec = parse_key(key)
        now = time.time()
        columns = _bar_columns(bars)
        source = source or spec.source
        with self.transaction() as db:
            instrument_id = _ensure_instrument(db, spec, currency, timezone)
            # Rows are zipped straight from the column lists: no per-row Python work here.
            rows = zip(repeat(instrument_id), *columns, repeat(source), repeat(now))
            db.executemany(_INSERT_BAR, rows)
            _refresh_summary(db, instrument_id)
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
            instrument_id = _ensure_instrument(db, spec, "", "")
            db.execute(
                "UPDATE instruments SET last_error=?, last_error_kind=? WHERE id=?",
                (str(error), error.kind, instrument_id),
            )

    def delete_instrument(self, key: str) -> bool:
        """Remove an instrument and all its bars; False when it was not cached."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM instruments WHERE key=?", (_lookup(key),)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM bars WHERE instrument_id=?", (row[0],))
            db.execute("DELETE FROM instruments WHERE id=?", (row[0],))
        return True

    # -- reading --------------------------------------------------------------------------------

    def load_bars(self, key: str) -> pd.DataFrame:
        """All cached bars of `key` as a bars frame (see app.bars), oldest first."""
        instrument_id = self._instrument_id(key)
        rows = self._read(
            "SELECT day, open, high, low, close, volume FROM bars "
            "WHERE instrument_id=? ORDER BY day",
            (instrument_id,),
        )
        return _frame_from_rows(rows)

    def load_arrays(self, key: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Epoch days and float columns of `key`'s bars, oldest first, without importing pandas.

        The GUI draws its first chart from these while pandas is still loading (start-up
        speed); `app.bars.bars_from_arrays(days, columns)` turns them into a bars frame.
        """
        instrument_id = self._instrument_id(key)
        rows = self._read(
            "SELECT day, open, high, low, close, volume FROM bars "
            "WHERE instrument_id=? ORDER BY day",
            (instrument_id,),
        )
        table = np.array(rows, dtype=float) if rows else np.empty((0, len(COLUMNS) + 1))
        return table[:, 0].astype(np.int64), {c: table[:, i + 1] for i, c in enumerate(COLUMNS)}

    def instruments(self) -> list[InstrumentInfo]:
        rows = self._read(f"SELECT {_INFO_COLUMNS} FROM instruments ORDER BY key")
        return [_info_from_row(row) for row in rows]

    def instrument(self, key: str) -> InstrumentInfo | None:
        rows = self._read(f"SELECT {_INFO_COLUMNS} FROM instruments WHERE key=?", (_lookup(key),))
        return _info_from_row(rows[0]) if rows else None

    def last_day(self, key: str) -> int | None:
        """Epoch day of the newest cached bar, or None."""
        info = self._read("SELECT last_day FROM instruments WHERE key=?", (_lookup(key),))
        return info[0][0] if info else None

    def integrity_ok(self) -> bool:
        return self._read("PRAGMA integrity_check")[0][0] == "ok"

    def _instrument_id(self, key: str) -> int:
        rows = self._read("SELECT id FROM instruments WHERE key=?", (_lookup(key),))
        if not rows:
            raise UnknownInstrumentError(
                f"No cached data for {key}. Fetch it (riskcurve fetch {key}) or import a CSV."
            )
        return rows[0][0]

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _as_cache_error(exc, self.path) from None


# ---------------------------------------------------------------------------------------------
# helpers

_INFO_COLUMNS = (
    "key, source, ticker, exchange, currency, timezone, rows, first_day, last_day, "
    "last_fetch, last_error, last_error_kind"
)
_EPOCH = dt.date(1970, 1, 1)


def _lookup(key: str) -> str:
    """The stored form of a key (`yahoo:^rut` is kept as `yahoo:^RUT`), or the key as given when
    it does not parse: such a key can never have been stored, so the lookup finds nothing."""
    try:
        return parse_key(key).key
    except InvalidKeyError:
        return key


class _DamagedDatabase(Exception):
    """The file exists but is not a usable SQLite database."""


def _connect_checked(path: Path) -> sqlite3.Connection:
    existed = path.exists() and path.stat().st_size > 0
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise _as_cache_error(exc, path) from None
    try:
        _configure(db)
        if existed:
            _quick_check(db)
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if _is_damage(exc):
            raise _DamagedDatabase(str(exc)) from None
        raise _as_cache_error(exc, path) from None
    return db


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")


def _quick_check(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        # The report can run to hundreds of lines; the notice needs the first finding only.
        findings = [line for line in result.splitlines() if line and not line.startswith("***")]
        first = findings[0][:100] if findings else "unknown damage"
        raise sqlite3.DatabaseError(f"integrity check failed: {first}")


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise CacheError(
            f"The cache was written by a newer Riskcurve (schema {version}; this one knows "
            f"up to {SCHEMA_VERSION}). Update Riskcurve or use another --data-dir."
        )
    for target in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[target].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version={target + 1}")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return any(
        phrase in text
        for phrase in ("not a database", "malformed", "integrity check failed", "file is not")
    )


def _move_aside(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    count = 1
    while backup.exists():  # never replace an earlier backup made in the same second
        count += 1
        backup = path.with_name(f"{path.name}.damaged-{stamp}-{count}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            os.replace(source, Path(str(backup) + suffix))
    return backup


def _rollback(db: sqlite3.Connection) -> None:
    # SQLite may already have rolled back (e.g. after SQLITE_FULL); then there is nothing to undo.
    with contextlib.suppress(sqlite3.Error):
        db.execute("ROLLBACK")


def _as_cache_error(exc: sqlite3.Error, path: Path) -> CacheError:
    """Translate SQLite's wording into what the user can do about it."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "full" in text:
        reason = "the disk (or the cache's size limit) is full; free some space and retry"
    elif "locked" in text or "busy" in text:
        reason = (
            f"another program kept the cache locked for over {BUSY_TIMEOUT_S:g} s; "
            "close other Riskcurve windows and retry"
        )
    elif "readonly" in text or "read-only" in text:
        reason = "the cache file or its folder is read-only; choose a writable --data-dir"
    elif code.startswith("SQLITE_IOERR") and code not in _READ_ERRORS:
        # A refused write (file size limit, disk quota, failing or removed disk): SQLite says
        # only "disk I/O error", which would send the user looking for a missing folder.
        reason = "the cache file could not be written (the disk may be full, over quota or failing)"
    elif "unable to open" in text or "disk i/o" in text:
        reason = _unopenable_reason(path)
    else:
        reason = str(exc)
    return CacheError(f"Cache {path}: {reason}. Nothing was changed.")


_READ_ERRORS = ("SQLITE_IOERR", "SQLITE_IOERR_READ", "SQLITE_IOERR_SHORT_READ")


def _unopenable_reason(path: Path) -> str:
    folder = path.parent
    if not folder.is_dir():
        return f"the data folder {folder} is missing"
    if not os.access(folder, os.W_OK):
        return f"the data folder {folder} is read-only; choose a writable --data-dir"
    return "the cache file cannot be opened (check its permissions)"


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, or None when it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _ensure_instrument(db: sqlite3.Connection, spec, currency: str, timezone: str) -> int:
    db.execute(
        "INSERT INTO instruments (key, source, ticker, exchange, currency, timezone) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
        "currency=CASE WHEN excluded.currency<>'' THEN excluded.currency ELSE currency END, "
        "timezone=CASE WHEN excluded.timezone<>'' THEN excluded.timezone ELSE timezone END",
        (spec.key, spec.source, spec.ticker, spec.exchange, currency, timezone),
    )
    return db.execute("SELECT id FROM instruments WHERE key=?", (spec.key,)).fetchone()[0]


def _refresh_summary(db: sqlite3.Connection, instrument_id: int) -> None:
    db.execute(
        "UPDATE instruments SET (first_day, last_day, rows) = "
        "(SELECT MIN(day), MAX(day), COUNT(*) FROM bars WHERE instrument_id=?) WHERE id=?",
        (instrument_id, instrument_id),
    )


def _bar_columns(bars: pd.DataFrame) -> list[list]:
    """Day and value columns as Python lists; NaN becomes None so SQLite stores NULL."""
    columns: list[list] = [epoch_days(bars.index).tolist()]
    for name in COLUMNS:
        values = bars[name].to_numpy(dtype=float)
        as_list = values.tolist()
        if np.isnan(values).any():
            as_list = [None if v != v else v for v in as_list]  # v != v only for NaN
        columns.append(as_list)
    return columns


def _frame_from_rows(rows: list[tuple]) -> pd.DataFrame:
    if not rows:
        from app.bars import empty_bars

        return empty_bars()
    # float() of None is NaN via the object->float cast below.
    table = np.array(rows, dtype=float)
    days = table[:, 0].astype(np.int64)
    return bars_from_arrays(days, {c: table[:, i + 1] for i, c in enumerate(COLUMNS)})


def _info_from_row(row: tuple) -> InstrumentInfo:
    key, source, ticker, exchange, currency, tz, rows, first, last, fetch, err, kind = row
    return InstrumentInfo(
        key=key,
        source=source,
        ticker=ticker,
        exchange=exchange,
        currency=currency,
        timezone=tz,
        rows=rows,
        first_date=_EPOCH + dt.timedelta(days=first) if first is not None else None,
        last_date=_EPOCH + dt.timedelta(days=last) if last is not None else None,
        last_fetch=dt.datetime.fromtimestamp(fetch, dt.UTC) if fetch is not None else None,
        last_error=err,
        last_error_kind=kind,
    )
