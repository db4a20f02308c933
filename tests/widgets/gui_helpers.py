"""Shared set-up for the main-window tests: a filled cache, fast settings, a shown window."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QEvent, QObject

from app.cache import Cache
from app.config import Settings
from app.paths import AppPaths
from app.settings_file import save_settings
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, synthetic_pair

#: Qt's offscreen platform warns that it cannot propagate size hints; harmless here.
OFFSCREEN_NOISE = "propagateSizeHints"


class PaintOrder(QObject):
    """Notes `label` in `order` at the first paint of each widget it is installed on."""

    def __init__(self, order: list[str], label: str) -> None:
        super().__init__()
        self.order, self.label = order, label

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.label not in self.order:
            self.order.append(self.label)
        return False


def fast_settings(**changes: object) -> Settings:
    """Default settings with a cheap bootstrap, no refresh on start and no extra instruments
    (the ladder is the pair itself, so nothing beyond the pair is fetched)."""
    base = Settings(
        leader=LEADER_KEY,
        follower=FOLLOWER_KEY,
        extra_instruments=(),
        ladder=(LEADER_KEY, FOLLOWER_KEY),
        bootstrap_draws=200,
        refresh_on_start=False,
    )
    return dataclasses.replace(base, **changes)


def fill_cache(paths: AppPaths, leader_days: int = 1800, follower_days: int = 2500) -> None:
    """Store the synthetic leader and follower under the default keys."""
    leader, follower = synthetic_pair(leader_days, follower_days)
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER_KEY, leader)
        cache.store_bars(FOLLOWER_KEY, follower)


def save(paths: AppPaths, settings: Settings) -> Settings:
    save_settings(paths.config, settings)
    return settings


def show_with_result(qtbot, widget, result, size: tuple[int, int]):
    """Show a chart widget at `size`, wait until it is exposed, then draw `result` in it."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_result(result)
    return widget


def many_breakouts_leader(cycles: int = 5, start: str = "2011-01-03"):
    """A leader with `cycles` breakouts: each a rise, then ~20 months below its high."""
    import numpy as np
    import pandas as pd

    from tests.widgets.result_factory import bars

    rise, flat = 120, 420  # business days: a breakout comes > 365 calendar days after its ATH
    level, closes = 100.0, []
    for cycle in range(cycles):
        closes += list(level * np.linspace(1.0, 1.4, rise))
        high = level * 1.4
        wave = 0.9 + 0.05 * np.sin(np.linspace(0, 6 * np.pi, flat))
        closes += list(high * wave)
        level = high * 1.001 if cycle < cycles - 1 else high
    closes += list(level * np.linspace(1.0, 1.2, rise))
    index = pd.bdate_range(start, periods=len(closes))
    return bars(index, np.asarray(closes))


def fill_cache_with_breakouts(paths: AppPaths, follower_from: int = 0) -> None:
    """A many-breakout leader and a daily follower (its first `follower_from` days dropped)."""
    import pandas as pd

    from tests.widgets.result_factory import bars, follower_closes

    leader = many_breakouts_leader()
    days = pd.date_range(leader.index[0], leader.index[-1], freq="D")
    follower = bars(days, follower_closes(len(days)))
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER_KEY, leader)
        cache.store_bars(FOLLOWER_KEY, follower.iloc[follower_from:])
