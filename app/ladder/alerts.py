"""Alerts: what a refresh found new on the ladder, raised once per event and kept in the cache.

After a fetch, the bars the cache had before are compared with the bars it has now. A rung
whose new bars include a breakout (an all-time high at least the minimum consolidation after
the previous one), a rung with any new all-time high, and a rung whose bull/bear regime turned
each become an `Alert`. An event is identified by its kind, instrument and event date
(`Alert.identity`): the cache refuses a second alert with the same identity, so the next
refresh never raises it again, and bars that were only corrected (a provisional last bar
revised, no new date) raise nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.config import ALERT_KINDS
from app.ladder.pairs import PairCell

__all__ = ["ALERT_KINDS", "Alert"]


@dataclass(frozen=True)
class Alert:
    """One event on one rung, with the data it was computed from.

    Attributes:
        id: the cache's row id (None until it is stored).
        created_at: when it was raised (UTC).
        event_date: the trading date of the event (the breakout, the new high, the turning
            point's confirmation bar).
        key: the instrument key; name: the market's name for people.
        kind: one of ALERT_KINDS ("breakout", "new_high", "regime_turn").
        text: one plain sentence saying what happened.
        pairs: for a breakout, the pair verdicts it concerns (this rung leading each rung
            below it), at the headline horizon; empty for the other kinds.
        last_bar_date, last_close: the newest bar the alert was computed from.
        read: whether the user has seen it in the window's Alerts list.
    """

    id: int | None
    created_at: dt.datetime
    event_date: dt.date
    key: str
    name: str
    kind: str
    text: str
    pairs: tuple[PairCell, ...]
    last_bar_date: dt.date
    last_close: float
    read: bool = False

    @property
    def identity(self) -> tuple[str, str, dt.date]:
        """What makes two alerts the same event: kind, instrument and event date."""
        return self.kind, self.key, self.event_date
