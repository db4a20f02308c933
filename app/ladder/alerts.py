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

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.bars import EPOCH_DATE, epoch_date
from app.cache.alerts import AlertRow
from app.config import ALERT_KINDS
from app.instruments import market_name
from app.ladder.pairs import PairCell

if TYPE_CHECKING:
    from app.config import Settings
    from app.signals.parts import Bars

__all__ = ["ALERT_KINDS", "Alert", "find_alerts", "from_row", "to_row"]


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


def find_alerts(
    before: Mapping[str, Bars],
    after: Mapping[str, Bars],
    settings: Settings,
    now: dt.datetime | None = None,
) -> list[Alert]:
    """The alerts of one refresh: what the bars after it show that the bars before did not.

    Only trading dates after the last bar the cache had count as new, so a corrected bar (a
    provisional last bar revised) raises nothing; a rung the cache had no bars of raises
    nothing either (its first download is history, not news). Only the kinds in the
    `alert_kinds` setting are raised. `before` and `after` hold the ladder's rungs.
    """
    now = now or dt.datetime.now(dt.UTC)
    wanted = set(settings.alert_kinds)
    alerts = []
    for key in settings.ladder:
        old, new = before.get(key), after.get(key)
        if old is None or new is None or old.days.size == 0 or new.days.size == 0:
            continue
        found = [e for e in _rung_events(key, old, new, settings) if e.kind in wanted]
        for event in found:
            pairs = _pair_verdicts(key, after, settings) if event.kind == "breakout" else ()
            alerts.append(event.alert(now, pairs))
    return alerts


@dataclass(frozen=True)
class _Event:
    key: str
    name: str
    kind: str
    day: int
    text: str
    last: Bars

    def alert(self, now: dt.datetime, pairs: tuple[PairCell, ...]) -> Alert:
        return Alert(
            id=None,
            created_at=now,
            event_date=epoch_date(self.day),
            key=self.key,
            name=self.name,
            kind=self.kind,
            text=self.text,
            pairs=pairs,
            last_bar_date=epoch_date(int(self.last.days[-1])),
            last_close=float(self.last.close[-1]),
        )


def _rung_events(key: str, old: Bars, new: Bars, settings: Settings) -> list[_Event]:
    """Breakouts, the latest new all-time high and a regime turn on the rung's new dates."""
    from app.signals.breakouts import basis_values, breakout_arrays, record_mask

    name = market_name(key, settings.instrument(key).label)
    old_last = int(old.days[-1])
    values = basis_values(new.close, new.high, settings.basis)
    current, prior = breakout_arrays(new.days, values, settings.min_gap_days)
    fresh = new.days[current] > old_last
    events = [
        _Event(
            key, name, "breakout", int(new.days[i]), _breakout_text(name, new, values, i, j), new
        )
        for i, j in zip(current[fresh], prior[fresh], strict=True)
    ]
    announced = {e.day for e in events} if "breakout" in settings.alert_kinds else set()
    highs = [int(i) for i in np.flatnonzero(record_mask(values) & (new.days > old_last))]
    highs = [i for i in highs if int(new.days[i]) not in announced]
    if highs:
        text = _high_text(name, new, values, highs, old_last)
        events.append(_Event(key, name, "new_high", int(new.days[highs[-1]]), text, new))
    turn = _regime_turn(key, name, old, new, settings)
    return events + ([turn] if turn else [])


def _breakout_text(name: str, bars: Bars, values: np.ndarray, at: int, prior: int) -> str:
    gap = int(bars.days[at] - bars.days[prior])
    day = epoch_date(int(bars.days[at]))
    return (
        f"{name} broke out: a new all-time high of {values[at]:,.2f} on {day}, "
        f"{gap:,} days after the previous one ({values[prior]:,.2f} on "
        f"{epoch_date(int(bars.days[prior]))})."
    )


def _high_text(name: str, bars: Bars, values: np.ndarray, highs: list[int], old_last: int) -> str:
    last = highs[-1]
    day = epoch_date(bars.days[last])
    text = f"{name} set a new all-time high of {values[last]:,.2f} on {day}"
    if len(highs) > 1:
        text += f" ({len(highs)} new highs since {epoch_date(old_last)})"
    return text + "."


def _regime_turn(key: str, name: str, old: Bars, new: Bars, settings: Settings) -> _Event | None:
    """The running phase's kind changed between the bars before and after (both dated)."""
    from app.ladder.rungs import running_regime

    was, now = running_regime(key, old, settings), running_regime(key, new, settings)
    if not was or not now or was["regime"] == now["regime"] or now["regime_since"] is None:
        return None
    since = now["regime_since"]
    turn = "a peak" if now["regime"] == "bear" else "a trough"
    text = (
        f"{name} turned {now['regime']} (was {was['regime']}): the phase starts at {turn} on "
        f"{since}, {now['regime_return']:+.1%} since then (close {new.close[-1]:,.2f} on "
        f"{epoch_date(int(new.days[-1]))})."
    )
    return _Event(key, name, "regime_turn", (since - EPOCH_DATE).days, text, new)


def _pair_verdicts(key: str, after: Mapping[str, Bars], settings: Settings) -> tuple[PairCell, ...]:
    """The breakout's rung leading each rung below it, at the headline horizon."""
    from app.ladder.pairs import leader_breakouts, pair_cell, pair_params
    from app.pipeline import markets_of

    below = settings.ladder[settings.ladder.index(key) + 1 :]
    cells = []
    for follower in below:
        params = pair_params(settings, key, follower, settings.headline_horizon)
        breakouts = leader_breakouts(after[key], params)
        names = markets_of(settings, key, follower)
        cells.append(pair_cell((key, follower), breakouts, after[follower], params, names))
    return tuple(cells)


# ---------------------------------------------------------------------------------------------
# Stored form (app.cache.alerts)


def to_row(alert: Alert) -> AlertRow:
    """The cache's row of an alert: the name and the pair verdicts go into its JSON detail."""
    detail = {"name": alert.name, "pairs": [_cell_json(c) for c in alert.pairs]}
    return AlertRow(
        id=alert.id,
        kind=alert.kind,
        key=alert.key,
        event_day=(alert.event_date - EPOCH_DATE).days,
        created_at=alert.created_at.timestamp(),
        text=alert.text,
        detail=json.dumps(detail, allow_nan=False),
        last_day=(alert.last_bar_date - EPOCH_DATE).days,
        last_close=alert.last_close,
        read=alert.read,
    )


def from_row(row: AlertRow) -> Alert:
    detail = json.loads(row.detail)
    return Alert(
        id=row.id,
        created_at=dt.datetime.fromtimestamp(row.created_at, dt.UTC),
        event_date=epoch_date(row.event_day),
        key=row.key,
        name=str(detail.get("name", row.key)),
        kind=row.kind,
        text=row.text,
        pairs=tuple(_cell_from_json(c) for c in detail.get("pairs", [])),
        last_bar_date=epoch_date(row.last_day),
        last_close=row.last_close,
        read=row.read,
    )


def _cell_json(cell: PairCell) -> dict[str, Any]:
    values = dataclasses.asdict(cell)
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}


def _cell_from_json(values: dict[str, Any]) -> PairCell:
    restored: dict[str, Any] = {k: math.nan if v is None else v for k, v in values.items()}
    return PairCell(**restored)
