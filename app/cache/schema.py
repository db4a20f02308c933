"""The cache's tables and migrations, and opening a file: a damaged one is moved aside.

`PRAGMA user_version` is the schema version; MIGRATIONS[i] takes a database from version i to
i + 1. A file that SQLite cannot read as a database, or that fails its quick check, is moved
aside byte for byte (with its -wal and -shm) and a fresh cache is created in its place.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

from app.cache.classify import as_cache_error, is_damage, rollback
from app.errors import CacheError

SCHEMA_VERSION = 2
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

# Version 2: where every bar came from, and earlier versions of replaced or deleted bars.
# Only new tables and one new column, so it stands apart from the tables of version 1:
# - provenance: one row per import (kind 'file', name: the file's name) or fetch (kind
#   'provider', name 'yahoo' or 'ccxt:EXCHANGE'), `at` the time it was stored;
# - bars.provenance_id: the row each bar came from;
# - source_spans: per instrument, the runs of consecutive days from one origin (kept up to date
#   by every write, so naming an instrument's sources never scans its bars);
# - history_events / bar_history: a copy of an instrument's bars taken, in the same
#   transaction, before an import replaces them or a delete removes them (`restore`).
# Bars of an older cache keep what version 1 recorded (its per-bar source and store time): a
# 'csv' bar came from a file whose name was not kept, a bar with no source is 'unknown'.
SCHEMA_V2 = """
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
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2)


class DamagedDatabase(Exception):
    """The file exists but is not a usable SQLite database."""


def connect_checked(path: Path) -> sqlite3.Connection:
    """A configured, migrated connection; DamagedDatabase when the file is not a usable cache."""
    existed = path.exists() and path.stat().st_size > 0
    started = time.monotonic()
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise as_cache_error(exc, path, time.monotonic() - started) from None
    try:
        _configure(db)
        if existed:
            _quick_check(db)
        _migrate(db)
    except sqlite3.Error as exc:
        db.close()
        if is_damage(exc):
            raise DamagedDatabase(str(exc)) from None
        raise as_cache_error(exc, path, time.monotonic() - started) from None
    except BaseException:
        db.close()
        raise
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
        raise DamagedDatabase(f"integrity check failed: {first}")


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
            rollback(db)
            raise


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
