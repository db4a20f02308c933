"""How old the cached data is, in the words the window and `analyze` both use.

A week without a new bar is longer than any market holiday, so past that the views say how old
the data is and what to do about it: "data as of 2026-02-20, 286 days old — Refresh when online".
"""

from __future__ import annotations

import datetime as dt

#: Older than this many calendar days, the data's age is said out loud.
OLD_AFTER_DAYS = 7


def age_days(last_date: dt.date, today: dt.date | None = None) -> int:
    """Calendar days from the newest bar to `today` (default: today in UTC)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return (today - last_date).days


def data_age_note(
    last_date: dt.date | None, today: dt.date | None = None, old_after_days: int = OLD_AFTER_DAYS
) -> str:
    """The sentence about the data's age, or "" while it is fresh (or there is none)."""
    if last_date is None:
        return ""
    if isinstance(last_date, dt.datetime):
        last_date = last_date.date()
    days = age_days(last_date, today)
    if days <= old_after_days:
        return ""
    return (
        f"data as of {last_date.isoformat()}, {days:,} day{'s' if days != 1 else ''} old "
        "— Refresh when online"
    )
