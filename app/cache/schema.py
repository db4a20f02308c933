"""The cache's tables and migrations, and opening a file: a damaged one is moved aside.

`PRAGMA user_version` is the schema version; MIGRATIONS[i] takes a database from version i to
i + 1. A file that SQLite cannot read as a database, or that fails one of the checks in
app.cache.checks, is moved aside byte for byte (with its -wal and -shm) and a fresh cache is
created in its place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import sqlite3
import time
from pathlib import Path

from app.cache.checks import DamagedDatabase, check_shape, check_size, quick_check
from app.cache.classify import as_cache_error, is_busy, is_damage, rollback
from app.cache.wal import keep_unreplayed
from app.errors import CacheError

BUSY_TIMEOUT_S = 5.0

SCHEMA_V1 = """
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

# Version 2: the ladder's alerts (app.ladder.alerts). One row per event; the UNIQUE key is what
# makes an event alert once: kind, instrument and the event's trading day. `detail` is JSON
# (the market's name and, for a breakout, the pair verdicts); last_day and last_close are the
# newest bar the alert was computed from.
ALERTS_V2 = """
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    event_day INTEGER NOT NULL,
    created_at REAL NOT NULL,
    text TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    last_day INTEGER NOT NULL,
    last_close REAL NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, key, event_day)
);
"""


# Version 3: where every bar came from, and earlier versions of replaced or deleted bars.
# Only new tables and one new column, so it stands apart from the tables before it:
# - provenance: one row per import (kind 'file', name: the file's name) or fetch (kind
#   'provider', name 'yahoo' or 'ccxt:EXCHANGE'), `at` the time it was stored;
# - bars.provenance_id: the row each bar came from;
# - source_spans: per instrument, the runs of consecutive days from one origin (kept up to date
#   by every write, so naming an instrument's sources never scans its bars);
# - history_events / bar_history: a copy of an instrument's bars taken, in the same
#   transaction, before an import replaces them or a delete removes them (`restore`).
# Bars of an older cache keep what version 1 recorded (its per-bar source and store time): a
# 'csv' bar came from a file whose name was not kept, a bar with no source is 'unknown'.
PROVENANCE_V3 = """
CREATE TABLE provenance (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    at REAL
);
ALTER TABLE bars ADD COLUMN provenance_id INTEGER REFERENCES provenance(id);
CREATE TABLE source_spans (
    instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    bars INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    stored_at REAL,
    PRIMARY KEY (instrument_id, first_day)
) WITHOUT ROWID;
CREATE TABLE history_events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    at REAL NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_events_by_key ON history_events (key, id);
CREATE TABLE bar_history (
    event_id INTEGER NOT NULL REFERENCES history_events(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    open REAL,
    high REAL,
    low REAL,
    close REAL NOT NULL,
    volume REAL,
    source TEXT NOT NULL DEFAULT '',
    fetched_at REAL NOT NULL,
    provenance_id INTEGER,
    PRIMARY KEY (event_id, day)
) WITHOUT ROWID;
INSERT INTO provenance (kind, name, at)
    SELECT DISTINCT
        CASE source WHEN 'csv' THEN 'file' WHEN '' THEN 'unknown' ELSE 'provider' END,
        CASE source WHEN 'csv' THEN '' ELSE source END,
        fetched_at
    FROM bars;
UPDATE bars SET provenance_id = (
    SELECT p.id FROM provenance p
    WHERE p.at = bars.fetched_at
      AND p.kind = CASE bars.source WHEN 'csv' THEN 'file' WHEN '' THEN 'unknown'
                   ELSE 'provider' END
      AND p.name = CASE bars.source WHEN 'csv' THEN '' ELSE bars.source END
);
INSERT INTO source_spans (instrument_id, first_day, last_day, bars, kind, name, stored_at)
    SELECT instrument_id, MIN(day), MAX(day), COUNT(*), kind, name, MAX(at) FROM (
        SELECT b.instrument_id, b.day, p.kind, p.name, p.at,
            ROW_NUMBER() OVER (PARTITION BY b.instrument_id ORDER BY b.day)
            - ROW_NUMBER() OVER (PARTITION BY b.instrument_id, p.kind, p.name ORDER BY b.day)
            AS run
        FROM bars b JOIN provenance p ON p.id = b.provenance_id
    ) GROUP BY instrument_id, kind, name, run
"""

# Index i holds the script that takes a database from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, ALERTS_V2, PROVENANCE_V3)
#: The version a cache has once every migration ran (PRAGMA user_version).
SCHEMA_VERSION = len(MIGRATIONS)


def connect_checked(path: Path) -> tuple[sqlite3.Connection, str]:
    """A configured, migrated connection and a notice ("" when all is well).

    DamagedDatabase when the file is not a usable cache. The notice tells of a damaged
    write-ahead log, of which a copy was kept (app.cache.wal).

    A new cache is built whole under a temporary name and linked into place, so no process ever
    opens a half-created one. Lock contention while opening is retried until BUSY_TIMEOUT_S has
    passed (SQLite gives up at once in some lock orders instead of waiting).
    """
    started = time.monotonic()
    while True:
        try:
            return _connect(path)
        except sqlite3.Error as exc:
            waited = time.monotonic() - started
            if is_busy(exc) and waited < BUSY_TIMEOUT_S:
                time.sleep(_BUSY_RETRY_S)
                continue
            if is_damage(exc):
                raise DamagedDatabase(str(exc)) from None
            raise as_cache_error(exc, path, waited) from None


_BUSY_RETRY_S = 0.02


def _connect(path: Path) -> tuple[sqlite3.Connection, str]:
    existed = path.exists()
    if not existed:
        _create_whole(path)
    db = _open_existing(path)
    try:
        if existed:
            check_size(db, path)
        _configure(db)
        notice = keep_unreplayed(db, path)  # before anything can checkpoint the WAL away
        if existed:
            quick_check(db)
        _migrate(db)
    except BaseException:
        db.close()
        raise
    return db, notice


def _open_existing(path: Path) -> sqlite3.Connection:
    """Open `path` without creating it: a file deleted meanwhile is an error, not a new cache."""
    uri = path.resolve().as_uri() + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _create_whole(path: Path) -> None:
    """Build an empty, migrated cache under a private name and link it into place.

    Linking never replaces a file: when another process created the cache first, its file
    stays and ours is dropped. Where the file system has no hard links, a rename takes over
    (two first uses at the same moment could then each build one; the second one wins).
    """
    temporary = path.with_name(f".{path.name}.new-{secrets.token_hex(6)}")
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            _configure(db)
            _migrate(db)
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(temporary, path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(temporary) + suffix)


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION in one write transaction.

    The version is read again after BEGIN IMMEDIATE: another process may have migrated the file
    while this one waited for the lock, and running a migration twice fails ("table already
    exists"). Version and tables are always read in one transaction, so a migration committed
    in between never looks like damage.
    """
    db.execute("BEGIN")
    try:
        version = _checked_version(db)
    finally:
        rollback(db)
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for target in range(_checked_version(db), SCHEMA_VERSION):
            for statement in MIGRATIONS[target].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version={target + 1}")
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise


def _checked_version(db: sqlite3.Connection) -> int:
    """The schema version, once the tables are known to be the ones it has (checks.check_shape)."""
    version = _version(db)
    check_shape(db, version, MIGRATIONS)
    return version


def _version(db: sqlite3.Connection) -> int:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise CacheError(
            f"The cache was written by a newer Riskcurve (schema {version}; this one knows "
            f"up to {SCHEMA_VERSION}). Update Riskcurve or use another --data-dir."
        )
    return version


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its -wal, -shm) to a time-stamped backup; return its name."""
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
