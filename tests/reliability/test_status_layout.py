"""The status bar never paints one widget over another (issue 10, item 19, the window's part).

After a broken settings file the window tells so in the status bar's message; the leader's
state sits beside it, and a download adds its progress, the Offline badge, Retry and Cancel.
At every window width from the smallest the window allows, with and without a download
running, no two of these widgets may overlap (each is painted in its own rectangle), and the
notice and the leader's state both keep some room.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.settings_file import SETTINGS_FILE, load_settings
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache
from widgets.app import _show_notice
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture
def window(qtbot, paths):
    fill_cache(paths)
    (paths.config / SETTINGS_FILE).write_text('{"min_gap_days": 30,')  # broken: set aside
    loaded = load_settings(paths.config)
    assert "not valid JSON" in loaded.notice
    window = MainWindow(paths, fast_settings())
    qtbot.addWidget(window)
    window.show()
    _show_notice(window, loaded.notice, blocking_allowed=False)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    assert window.status.leader.text() and window.status.message.text() == loaded.notice
    return window


def _overlaps(window: MainWindow) -> list[tuple[str, str]]:
    status = window.status
    named = {
        name: getattr(status, name)
        for name in ("message", "leader", "retry", "offline", "progress_text", "progress", "cancel")
    }
    shown = {name: widget.geometry() for name, widget in named.items() if widget.isVisible()}
    names = sorted(shown)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    return [(a, b) for a, b in pairs if shown[a].intersects(shown[b])]


@pytest.mark.parametrize("downloading", [False, True], ids=["idle", "downloading"])
def test_no_status_widget_is_painted_over_another(window, downloading):
    status = window.status
    if downloading:
        status.start_progress("Downloading…")
        status.set_progress(0.5, "ccxt:bitstamp:BTC/USD (2/4)")
        status.set_offline(True)
        status.retry.show()
    narrowest = window.minimumSizeHint().width()
    for width in (1600, 1280, 1024, 800, 640, 520, narrowest):
        window.resize(width, 700)
        QApplication.processEvents()
        assert _overlaps(window) == [], f"at {window.width()} px wide"
        for label in (status.message, status.leader):
            assert label.isVisible() and label.width() >= 40, (width, label.toolTip())
        assert status.message.geometry().right() < status.leader.geometry().left()
