"""A refresh that watches the ladder: fetch, compare with what the cache had, store alerts.

The `fetch` command and the window's refresh worker call `refresh_with_alerts` instead of
app.fetch.refresh: the ladder's rungs are read before and after the fetch, `find_alerts`
compares them, and the alerts not stored yet are stored and returned (so each is shown once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import CacheError
from app.ladder.alerts import Alert, find_alerts, from_row, to_row

if TYPE_CHECKING:
    from app.config import Settings
    from app.fetch import FetchOutcome, ProgressSink
    from app.signals.parts import Bars


@dataclass(frozen=True)
class WatchedRefresh:
    """What a refresh fetched, and the alerts it raised for the first time.

    Attributes:
        outcomes: one FetchOutcome per instrument, as app.fetch.refresh returns them.
        alerts: the new alerts, stored in the cache, in ladder order.
        alert_error: why alerts could not be stored ("" when they were): the bars are
            stored all the same.
    """

    outcomes: list[FetchOutcome]
    alerts: tuple[Alert, ...]
    alert_error: str = ""


def refresh_with_alerts(
    db_path: Path | str,
    keys: Sequence[str],
    settings: Settings,
    *,
    full: bool = False,
    timeout_s: float = 60.0,
    progress: ProgressSink | None = None,
    should_cancel: Callable[[], bool] | None = None,
    now: dt.datetime | None = None,
) -> WatchedRefresh:
    """app.fetch.refresh, then the alerts the new bars of the ladder's rungs raise."""
    from app.fetch import refresh

    def fetch() -> list[FetchOutcome]:
        return refresh(
            db_path,
            keys,
            full=full,
            timeout_s=timeout_s,
            progress=progress,
            should_cancel=should_cancel,
        )

    return watch(db_path, settings, fetch, now)


def watch(
    db_path: Path | str,
    settings: Settings,
    fetch: Callable[[], Sequence[FetchOutcome]],
    now: dt.datetime | None = None,
) -> WatchedRefresh:
    """Run `fetch` (any refresh of the cache returning its outcomes) between two readings of
    the ladder's rungs, and store the alerts their difference raises.

    `refresh_with_alerts` is this around app.fetch.refresh; the window's worker wraps its own
    instrument-by-instrument refresh the same way.
    """
    before = _rung_bars(db_path, settings.ladder)
    outcomes = list(fetch())
    if not any(o.ok and o.new_bars for o in outcomes):
        return WatchedRefresh(outcomes, ())
    try:
        after = _rung_bars(db_path, settings.ladder)
        alerts = find_alerts(before, after, settings, now)
        return WatchedRefresh(outcomes, store_alerts(db_path, alerts))
    except CacheError as exc:
        return WatchedRefresh(outcomes, (), str(exc))


def _rung_bars(db_path: Path | str, keys: Sequence[str]) -> dict[str, Bars]:
    from app.ladder.scan import load_rungs
    from app.signals.parts import Bars

    frames, _ = load_rungs(db_path, keys)
    return {key: Bars.of(frame, key) for key, frame in frames.items()}


def store_alerts(db_path: Path | str, alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """Store the alerts whose event is not stored yet; return those (with their ids)."""
    from app.cache import Cache

    if not alerts:
        return ()
    with Cache.open(db_path) as cache:
        added = cache.add_alerts([to_row(a) for a in alerts])
    return tuple(from_row(row) for row in added)


def stored_alerts(db_path: Path | str, *, unread_only: bool = False) -> list[Alert]:
    """The stored alerts, newest event first (none when there is no cache yet)."""
    from app.cache import Cache

    if not Path(db_path).exists():
        return []
    with Cache.open(db_path) as cache:
        return [from_row(row) for row in cache.alerts(unread_only=unread_only)]


def mark_read(db_path: Path | str, alerts: Sequence[Alert]) -> None:
    """Mark alerts as seen (the window's Alerts list; the command line never marks them)."""
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        cache.mark_alerts_read([a.id for a in alerts if a.id is not None])
