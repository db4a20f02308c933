"""What an import would change, and the earlier versions of replaced or deleted bars.

An import into an instrument that already has bars is compared day by day with them
(`compare`): days it adds, days it would replace with different values. Replacing needs the
user's yes; an import that only adds days (or repeats days unchanged) goes ahead. Before bars
are replaced, deleted or restored over, the instrument's bars are copied into `bar_history`
inside the same transaction (`keep_version`), so `restore` can put them back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

import numpy as np

from app.bars import EPOCH_DATE
from app.errors import ConfirmationNeeded, NoHistoryError
from app.formatting import plural

#: Earlier versions kept per instrument; an older one is dropped when a newer one is added.
VERSIONS_KEPT = 10
REPLACE, DELETE, RESTORE = "replace", "delete", "restore"
_BAR_FIELDS = "day, open, high, low, close, volume, source, fetched_at, provenance_id"


@dataclass(frozen=True)
class Changes:
    """What storing a batch of bars would do to an instrument's cached bars."""

    key: str
    cached_days: int
    new_days: int
    unchanged_days: int
    changed_days: int
    changed_values: int
    first_changed: dt.date | None = None
    last_changed: dt.date | None = None

    @property
    def replaces(self) -> bool:
        """True when some cached value would change (the user must agree)."""
        return self.changed_days > 0

    def describe(self, what: str) -> str:
        """One sentence: "Importing X into K would replace 6,471 of its 6,471 cached days …"."""
        added = f"add {plural(self.new_days, 'new day')}"
        if not self.replaces:
            return f"{what} into {self.key} would {added} and change none of its cached days."
        span = f"{self.first_changed} – {self.last_changed}"
        return (
            f"{what} into {self.key} would replace {self.changed_days:,} of its "
            f"{self.cached_days:,} cached days with different values "
            f"({plural(self.changed_values, 'value')} changed, {span}) and {added}."
        )


class ReplaceRefused(ConfirmationNeeded):
    """An import would change cached values and was not allowed to (`changes` says what)."""

    def __init__(self, changes: Changes, what: str) -> None:
        super().__init__(f"{changes.describe(what)} Nothing was written.")
        self.changes = changes
        self.what = what


@dataclass(frozen=True)
class Version:
    """One kept version of an instrument's bars (the `history` list)."""

    id: int
    key: str
    action: str
    at: dt.datetime
    detail: str
    bars: int
    first_date: dt.date | None
    last_date: dt.date | None


def compare(
    key: str, cached: tuple[np.ndarray, np.ndarray], incoming: tuple[np.ndarray, np.ndarray]
) -> tuple[Changes, np.ndarray]:
    """Changes of storing `incoming` over `cached` (each: epoch days, values row per day), and
    the mask of incoming days that are new."""
    old_days, old_values = cached
    new_days, new_values = incoming
    is_new = ~np.isin(new_days, old_days)
    both, old_at, new_at = np.intersect1d(old_days, new_days, return_indices=True)
    before, after = old_values[old_at], new_values[new_at]
    differs = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    changed_rows = differs.any(axis=1)
    changed = both[changed_rows]
    changes = Changes(
        key=key,
        cached_days=len(old_days),
        new_days=int(is_new.sum()),
        unchanged_days=int((~changed_rows).sum()),
        changed_days=len(changed),
        changed_values=int(differs.sum()),
        first_changed=_date(changed[0]) if len(changed) else None,
        last_changed=_date(changed[-1]) if len(changed) else None,
    )
    return changes, is_new


def keep_version(
    db: sqlite3.Connection, key: str, instrument_id: int, action: str, detail: str
) -> int | None:
    """Copy the instrument's bars into a new kept version; None when it has none."""
    row = db.execute(
        "SELECT currency, timezone, rows FROM instruments WHERE id=?", (instrument_id,)
    ).fetchone()
    if row is None or not row[2]:
        return None
    event_id = db.execute(
        "INSERT INTO history_events (key, action, at, detail, currency, timezone) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key, action, dt.datetime.now(dt.UTC).timestamp(), detail, row[0], row[1]),
    ).lastrowid
    db.execute(
        f"INSERT INTO bar_history (event_id, {_BAR_FIELDS}) "
        f"SELECT ?, {_BAR_FIELDS} FROM bars WHERE instrument_id=?",
        (event_id, instrument_id),
    )
    db.execute(
        "DELETE FROM history_events WHERE key=? AND id NOT IN "
        "(SELECT id FROM history_events WHERE key=? ORDER BY id DESC LIMIT ?)",
        (key, key, VERSIONS_KEPT),
    )
    return event_id


def versions(db: sqlite3.Connection, key: str) -> list[Version]:
    """The kept versions of `key`, newest first."""
    rows = db.execute(
        "SELECT e.id, e.key, e.action, e.at, e.detail, COUNT(b.day), MIN(b.day), MAX(b.day) "
        "FROM history_events e LEFT JOIN bar_history b ON b.event_id = e.id "
        "WHERE e.key=? GROUP BY e.id ORDER BY e.id DESC",
        (key,),
    ).fetchall()
    return [
        Version(
            i, k, action, dt.datetime.fromtimestamp(at, dt.UTC), detail, n, _date(lo), _date(hi)
        )
        for i, k, action, at, detail, n, lo, hi in rows
    ]


def version_to_restore(db: sqlite3.Connection, key: str, event_id: int | None) -> Version:
    """The chosen version, or by default the one taken before the last replace or delete."""
    kept = versions(db, key)
    if event_id is not None:
        chosen = [v for v in kept if v.id == event_id]
    else:
        chosen = [v for v in kept if v.action in (REPLACE, DELETE)][:1]
    if chosen:
        return chosen[0]
    if event_id is not None:
        listed = ", ".join(f"#{v.id}" for v in kept) or "none"
        raise NoHistoryError(f"{key} has no kept version #{event_id} (kept: {listed}).")
    raise NoHistoryError(
        f"No earlier version of {key} is kept: nothing was replaced or deleted since "
        "versions are kept."
    )


def put_back(db: sqlite3.Connection, version: Version, instrument_id: int) -> None:
    """Replace the instrument's bars with the kept version's (inside the caller's transaction)."""
    db.execute("DELETE FROM bars WHERE instrument_id=?", (instrument_id,))
    db.execute(
        f"INSERT INTO bars (instrument_id, {_BAR_FIELDS}) "
        f"SELECT ?, {_BAR_FIELDS} FROM bar_history WHERE event_id=?",
        (instrument_id, version.id),
    )


def version_metadata(db: sqlite3.Connection, version: Version) -> tuple[str, str]:
    """Currency and time zone the instrument had when the version was kept."""
    row = db.execute(
        "SELECT currency, timezone FROM history_events WHERE id=?", (version.id,)
    ).fetchone()
    return (row[0], row[1]) if row else ("", "")


def _date(day: object) -> dt.date | None:
    return EPOCH_DATE + dt.timedelta(days=int(day)) if day is not None else None  # type: ignore[call-overload]
