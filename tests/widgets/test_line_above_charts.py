"""The headline, the notice and the alert banner share one line of fixed height above the
charts: a banner coming or going never resizes (and so repaints) the charts, never widens the
window, and the notice gives way to it until it is dismissed."""

from __future__ import annotations

import pytest

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def test_a_banner_takes_the_notices_place_without_moving_the_charts(qtbot, paths):
    fill_cache(paths)
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False, warm_up=False)
    window.notice.show_notice("Data as of 2026-02-20, 286 days old — Refresh when online")
    qtbot.wait(50)
    charts = window.chart_area.geometry()
    window.alert_banner.show_text("2 new alerts: " + "a long sentence about them " * 6, "tip")
    qtbot.wait(100)
    assert window.chart_area.geometry() == charts and window.width() == 1024
    assert not window.notice.isVisible() and window.alert_banner.banner().startswith("2 new")
    window.alert_banner.dismiss.click()
    qtbot.wait(100)
    assert window.chart_area.geometry() == charts
    assert window.alert_banner.banner() == "" and window.notice.isVisible() == bool(
        window.notice.notice()
    )
