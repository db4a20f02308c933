"""The alerts table: rows in, rows out (app.ladder.alerts turns them into `Alert` records).

An alert's identity is (kind, key, event_day); inserting one that is already stored does
nothing, which is how an event alerts once whatever how many refreshes see it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

ALERT_COLUMNS = "id, kind, key, event_day, created_at, text, detail, last_day, last_close, read"


@dataclass(frozen=True)
class AlertRow:
    """One stored alert, in the table's own terms (epoch days, epoch seconds, JSON text)."""

    id: int | None
    kind: str
    key: str
    event_day: int
    created_at: float
    text: str
    detail: str
    last_day: int
    last_close: float
    read: bool = False


def insert_new(db: sqlite3.Connection, rows: list[AlertRow]) -> list[AlertRow]:
    """Insert the rows whose identity is not stored yet; return those, with their ids."""
    added = []
    for row in rows:
        cursor = db.execute(
            "INSERT INTO alerts (kind, key, event_day, created_at, text, detail, last_day, "
            "last_close, read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(kind, key, event_day) DO NOTHING",
            (
                row.kind,
                row.key,
                row.event_day,
                row.created_at,
                row.text,
                row.detail,
                row.last_day,
                row.last_close,
                int(row.read),
            ),
        )
        if cursor.rowcount:
            added.append(_with_id(row, cursor.lastrowid))
    return added


def _with_id(row: AlertRow, row_id: int | None) -> AlertRow:
    import dataclasses

    return dataclasses.replace(row, id=row_id)


def select_sql(unread_only: bool) -> str:
    """Newest event first (then newest raised), unread only or all."""
    where = " WHERE read=0" if unread_only else ""
    return f"SELECT {ALERT_COLUMNS} FROM alerts{where} ORDER BY event_day DESC, id DESC"


def row_from(values: tuple) -> AlertRow:
    row_id, kind, key, event_day, created, text, detail, last_day, last_close, read = values
    return AlertRow(
        row_id, kind, key, event_day, created, text, detail, last_day, last_close, bool(read)
    )
