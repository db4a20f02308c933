"""The user's own names for the pair (Settings → Markets) are the names the window uses
everywhere: chart legends, image captions, the Signals summary, the missing-data notice, and
the analysed charts kept for the next start."""

from __future__ import annotations

import pytest

from app.cache import Cache
from app.chart_snapshot import load_snapshot
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, synthetic_pair
from widgets.charts.image_export import caption_text, result_range
from widgets.charts.pane_spec import Pane
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def _labelled():
    settings = fast_settings().with_instrument(LEADER_KEY, label="Small caps")
    return settings.with_instrument(FOLLOWER_KEY, label="My coin")


def _opened(qtbot, paths, settings) -> MainWindow:
    window = MainWindow(paths, save(paths, settings), remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.start(refresh=False, warm_up=False)
    return window


def _legend(window: MainWindow, pane: Pane) -> list[str]:
    return [entry.text for entry in window.charts.graphics_view().strips[pane].entries()]


def test_the_users_names_reach_the_charts_captions_tables_and_the_kept_drawing(qtbot, paths):
    fill_cache(paths)
    window = _opened(qtbot, paths, _labelled())
    assert "Small caps" in _legend(window, Pane.LEADER)
    assert "My coin" in _legend(window, Pane.FOLLOWER)
    chart = window.charts.chart()
    caption = caption_text(chart, *result_range(chart))
    assert caption.startswith("Leader Small caps, follower My coin")
    assert "Small caps: " in caption and "My coin: " in caption
    assert "of Small caps after" in window.signals_tab.summary.text()
    window.close()
    kept = load_snapshot(window.session.snapshot_file(), chart.quick)
    assert kept is not None and (kept.markets.leader, kept.markets.follower) == (
        "Small caps",
        "My coin",
    )


def test_the_notice_names_a_missing_market_by_the_users_name(qtbot, paths):
    leader, _ = synthetic_pair(1800, 10)
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER_KEY, leader)
    window = _opened(qtbot, paths, _labelled())
    assert window.notice.notice().startswith("No cached bars for My coin yet")
