"""Shared set-up for the main-window tests: a filled cache, fast settings, a shown window."""

from __future__ import annotations

import dataclasses

from app.cache import Cache
from app.config import Settings
from app.paths import AppPaths
from app.settings_file import save_settings
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, synthetic_pair

#: Qt's offscreen platform warns that it cannot propagate size hints; harmless here.
OFFSCREEN_NOISE = "propagateSizeHints"


def fast_settings(**changes: object) -> Settings:
    """Default settings with a cheap bootstrap, no refresh on start and no extra instruments."""
    base = Settings(
        leader=LEADER_KEY,
        follower=FOLLOWER_KEY,
        extra_instruments=(),
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
