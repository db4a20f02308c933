"""How old the cached data is, in the words the window and `analyze` both use.

A week without a new bar is longer than any market holiday, so past that the views say how old
the data is and what to do about it: "Data as of 2026-02-20, 286 days old — Refresh when online"
(naming the staler market when the two end on different days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

#: Older than this many calendar days, the data's age is said out loud.
OLD_AFTER_DAYS = 7


def age_days(last_date: dt.date, today: dt.date | None = None) -> int:
    """Calendar days from the newest bar to `today` (default: today in UTC)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return (today - last_date).days


def data_age_note(
    last_days: Mapping[str, dt.date | None],
    today: dt.date | None = None,
    old_after_days: int = OLD_AFTER_DAYS,
    advice: str = "Refresh when online",
) -> str:
    """The sentence about the data's age, or "" while every market is fresh (or none has bars).

    `last_days` maps each market's name to its newest bar. A pair is only as current as its
    staler market, so that one is dated, and named when the other is newer: "Bitcoin
    (Bitstamp) data as of 2026-03-03, 276 days old — Refresh when online".
    """
    dated = {name: _day(last) for name, last in last_days.items() if last is not None}
    if not dated:
        return ""
    name, stalest = min(dated.items(), key=lambda item: item[1])
    days = age_days(stalest, today)
    if days <= old_after_days:
        return ""
    whose = "" if len(set(dated.values())) == 1 else f"{name} "
    plural = "s" if days != 1 else ""
    sentence = f"{whose}data as of {stalest.isoformat()}, {days:,} day{plural} old — {advice}"
    return sentence[:1].upper() + sentence[1:]


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
