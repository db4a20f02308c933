"""Provenance rows and `source_spans`: which origin each run of an instrument's days came from.

Every write names its origin once (`add_provenance`); each bar references it. The runs of
consecutive days from one origin are kept in `source_spans` and updated by each write, inside
its transaction, rescanning only the days the write touched (the runs it overlaps): an
incremental fetch costs a few rows, a first import of a million bars none.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from app.bars import EPOCH_DATE
from app.provenance import Origin, SourceSpan

_SPAN_COLUMNS = "first_day, last_day, bars, kind, name, stored_at"


def add_provenance(db: sqlite3.Connection, origin: Origin, at: float) -> int:
    """A new provenance row for one import or fetch; returns its id."""
    cursor = db.execute(
        "INSERT INTO provenance (kind, name, at) VALUES (?, ?, ?)", (origin.kind, origin.name, at)
    )
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
    return cursor.lastrowid


def update_spans(
    db: sqlite3.Connection, instrument_id: int, days: Sequence[int], origin: Origin, at: float
) -> None:
    """Bring the runs up to date after `days` (any order) were stored from `origin`."""
    if not len(days):
        return
    low, high = min(days), max(days)
    touched = db.execute(
        f"SELECT {_SPAN_COLUMNS} FROM source_spans "
        "WHERE instrument_id=? AND last_day>=? AND first_day<=?",
        (instrument_id, low, high),
    ).fetchall()
    if not touched:  # nothing stored in [low, high] before: the write is one run
        runs: list[Run] = [(low, high, len(days), origin.kind, origin.name, at)]
    else:
        low = min(low, min(row[0] for row in touched))
        high = max(high, max(row[1] for row in touched))
        runs = _scan_runs(db, instrument_id, low, high)
    _replace_range(db, instrument_id, low, high, runs)


def rebuild_spans(db: sqlite3.Connection, instrument_id: int) -> None:
    """All runs of one instrument from its bars (after a restore)."""
    db.execute("DELETE FROM source_spans WHERE instrument_id=?", (instrument_id,))
    bounds = db.execute(
        "SELECT MIN(day), MAX(day) FROM bars WHERE instrument_id=?", (instrument_id,)
    ).fetchone()
    if bounds[0] is not None:
        runs = _scan_runs(db, instrument_id, bounds[0], bounds[1])
        _replace_range(db, instrument_id, bounds[0], bounds[1], runs)


def read_spans(db: sqlite3.Connection, instrument_id: int) -> tuple[SourceSpan, ...]:
    rows = db.execute(
        f"SELECT {_SPAN_COLUMNS} FROM source_spans WHERE instrument_id=? ORDER BY first_day",
        (instrument_id,),
    ).fetchall()
    return tuple(_span(row) for row in rows)


def read_all_spans(db: sqlite3.Connection) -> dict[int, tuple[SourceSpan, ...]]:
    """Every instrument's runs by instrument id (one query for the whole Data tab)."""
    spans: dict[int, list[SourceSpan]] = {}
    for instrument_id, *row in db.execute(
        f"SELECT instrument_id, {_SPAN_COLUMNS} FROM source_spans ORDER BY instrument_id, first_day"
    ):
        spans.setdefault(instrument_id, []).append(_span(tuple(row)))
    return {k: tuple(v) for k, v in spans.items()}


def _span(row: tuple) -> SourceSpan:
    first, last, count, kind, name, stored_at = row
    return SourceSpan(
        Origin(kind, name),
        EPOCH_DATE + dt.timedelta(days=first),
        EPOCH_DATE + dt.timedelta(days=last),
        count,
        dt.datetime.fromtimestamp(stored_at, dt.UTC) if stored_at is not None else None,
    )


#: first day, last day, bar count, origin kind, origin name, newest store time
Run = tuple[int, int, int, str, str, "float | None"]


def _scan_runs(db: sqlite3.Connection, instrument_id: int, low: int, high: int) -> list[Run]:
    """The runs of bars in [low, high], from the bars themselves."""
    rows = db.execute(
        "SELECT b.day, COALESCE(p.kind, 'unknown'), COALESCE(p.name, ''), p.at FROM bars b "
        "LEFT JOIN provenance p ON p.id = b.provenance_id "
        "WHERE b.instrument_id=? AND b.day BETWEEN ? AND ? ORDER BY b.day",
        (instrument_id, low, high),
    )
    runs: list[list] = []
    for day, kind, name, at in rows:
        run = runs[-1] if runs else None
        if run is not None and (run[3], run[4]) == (kind, name):
            run[1], run[2] = day, run[2] + 1
            run[5] = at if run[5] is None or (at is not None and at > run[5]) else run[5]
        else:
            runs.append([day, day, 1, kind, name, at])
    return [(a, b, n, kind, name, at) for a, b, n, kind, name, at in runs]


def _replace_range(
    db: sqlite3.Connection, instrument_id: int, low: int, high: int, runs: list[Run]
) -> None:
    """Put `runs` in place of the runs within [low, high], joined to a neighbour of the same
    origin on either side."""
    db.execute(
        "DELETE FROM source_spans WHERE instrument_id=? AND last_day>=? AND first_day<=?",
        (instrument_id, low, high),
    )
    if not runs:
        return
    before = db.execute(
        f"SELECT {_SPAN_COLUMNS} FROM source_spans WHERE instrument_id=? AND last_day<? "
        "ORDER BY first_day DESC LIMIT 1",
        (instrument_id, low),
    ).fetchone()
    after = db.execute(
        f"SELECT {_SPAN_COLUMNS} FROM source_spans WHERE instrument_id=? AND first_day>? "
        "ORDER BY first_day LIMIT 1",
        (instrument_id, high),
    ).fetchone()
    runs = list(runs)
    if before is not None and before[3:5] == runs[0][3:5]:
        runs[0] = _joined(before, runs[0])
        db.execute(
            "DELETE FROM source_spans WHERE instrument_id=? AND first_day=?",
            (instrument_id, before[0]),
        )
    if after is not None and after[3:5] == runs[-1][3:5]:
        runs[-1] = _joined(runs[-1], after)
        db.execute(
            "DELETE FROM source_spans WHERE instrument_id=? AND first_day=?",
            (instrument_id, after[0]),
        )
    db.executemany(
        f"INSERT INTO source_spans (instrument_id, {_SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(instrument_id, *run) for run in runs],
    )


def _joined(first: tuple, second: tuple) -> Run:
    times = [t for t in (first[5], second[5]) if t is not None]
    return (first[0], second[1], first[2] + second[2], first[3], first[4], max(times, default=None))
