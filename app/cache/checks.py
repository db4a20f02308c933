"""Telling a damaged cache file from a good one, before any of it is used.

Each check raises DamagedDatabase with a short reason for the notice; the caller moves the file
aside (schema.move_aside) and starts a fresh cache. SQLite itself reports only some damage:
a file cut short inside its last page reads back as zeros, an empty file opens as a new
database, and a dropped table or column shows up much later as a raw "no such table" error.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

#: A table name -> its column names.
Shape = dict[str, frozenset[str]]


class DamagedDatabase(Exception):
    """The file exists but is not a usable SQLite database."""


def check_size(db: sqlite3.Connection, path: Path) -> None:
    """An empty file, or one that ends inside a page, was cut short: SQLite would not say so."""
    size = path.stat().st_size
    if size == 0:  # never one of ours: a new cache is created whole (schema._create_whole)
        raise DamagedDatabase("the file is empty")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    if size % page_size:
        raise DamagedDatabase(f"the file ends inside a page ({size} bytes, pages of {page_size})")


def quick_check(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        # The report can run to hundreds of lines; the notice needs the first finding only.
        findings = [line for line in result.splitlines() if line and not line.startswith("***")]
        first = findings[0][:100] if findings else "unknown damage"
        raise DamagedDatabase(f"integrity check failed: {first}")


def check_shape(db: sqlite3.Connection, version: int, migrations: tuple[str, ...]) -> None:
    """The file's tables and columns must be those its schema version says.

    A version below 0, a table or column that is missing, or a table that only a later version
    creates: the file was edited or damaged, and migrating or using it would fail with raw
    SQLite errors for ever.
    """
    if not 0 <= version <= len(migrations):
        raise DamagedDatabase(f"its schema version {version} is not one Riskcurve writes")
    expected, final = _expected_shape(migrations[:version]), _expected_shape(migrations)
    actual = _shape(db)
    for table, columns in expected.items():
        if table not in actual:
            raise DamagedDatabase(f"the table {table} is missing")
        missing = sorted(columns - actual[table])
        if missing:
            raise DamagedDatabase(f"the column {table}.{missing[0]} is missing")
    early = sorted(set(final) - set(expected) & set(actual))
    if early:
        raise DamagedDatabase(
            f"it holds the table {early[0]}, which its schema version {version} does not have"
        )


@functools.cache
def _expected_shape(scripts: tuple[str, ...]) -> Shape:
    reference = sqlite3.connect(":memory:")
    try:
        for script in scripts:
            reference.executescript(script)
        return _shape(reference)
    finally:
        reference.close()


def _shape(db: sqlite3.Connection) -> Shape:
    tables = db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {
        name: frozenset(row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", (name,)))
        for (name,) in tables
    }
