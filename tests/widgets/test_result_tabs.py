"""The result tabs are filled after the charts, one per event-loop pass, the shown tab first."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, PaintOrder, fast_settings, fill_cache, save
from widgets.main_window import MainWindow
from widgets.result_tabs import ResultTabs

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


class RecordingTab(QWidget):
    def __init__(self, name: str, log: list[str]) -> None:
        super().__init__()
        self.name, self.log = name, log

    def show_result(self, result: object) -> None:
        self.log.append(f"{self.name}:{result}")

    def clear(self, message: str) -> None:
        self.log.append(f"{self.name} cleared")


def _tabs(qtbot, log):
    widget = QTabWidget()
    qtbot.addWidget(widget)
    parts = [RecordingTab(name, log) for name in ("signals", "statistics", "cycles")]
    for part in parts:
        widget.addTab(part, part.name)
    return widget, parts


def test_nothing_is_filled_before_the_wait_calls_back_then_the_shown_tab_first(qtbot):
    log: list[str] = []
    widget, parts = _tabs(qtbot, log)
    widget.setCurrentWidget(parts[2])
    filler = ResultTabs(widget, *parts)
    waiting: list = []
    done: list[bool] = []
    filler.fill("r1", waiting.append, lambda: done.append(True))
    QApplication.processEvents()
    assert log == [] and not done  # the charts have not been painted yet
    waiting[0]()
    assert log == ["cycles:r1"]  # one tab per pass: the others follow
    qtbot.waitUntil(lambda: bool(done), timeout=2_000)
    assert log == ["cycles:r1", "signals:r1", "statistics:r1"]


def test_a_newer_result_or_a_clear_abandons_a_fill_under_way(qtbot):
    log: list[str] = []
    widget, parts = _tabs(qtbot, log)
    filler = ResultTabs(widget, *parts)
    done: list[str] = []
    filler.fill("old", lambda go: go(), lambda: done.append("old"))
    filler.fill("new", lambda go: go(), lambda: done.append("new"))
    qtbot.waitUntil(lambda: bool(done), timeout=2_000)
    QApplication.processEvents()
    assert done == ["new"]
    assert log == ["signals:old", "signals:new", "statistics:new", "cycles:new"]
    log.clear()
    filler.fill("later", lambda go: go(), lambda: done.append("later"))
    filler.clear("gone")
    QApplication.processEvents()
    assert done == ["new"] and "statistics:later" not in log and "cycles cleared" in log


def _shown_window(qtbot, paths) -> MainWindow:
    """A window on the cache, shown and exposed, not yet started."""
    fill_cache(paths)
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_window_paints_its_charts_before_it_fills_the_tabs(qtbot, paths):
    window = _shown_window(qtbot, paths)
    order: list[str] = []
    filled = window.signals_tab.show_result
    window.signals_tab.show_result = lambda result: (order.append("tab"), filled(result))
    shown = window.chart_area.show_result

    def show_charts(result):
        shown(result)
        watch = PaintOrder(order, "charts painted")
        window.charts.graphics_view().viewport().installEventFilter(watch)
        window._paint_watch_for_test = watch

    window.chart_area.show_result = show_charts
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False, warm_up=False)
    assert order == ["charts painted", "tab"]


def test_the_analysis_resumes_only_once_the_chart_stack_is_built(qtbot, paths):
    """Building the stack and importing pandas both hold the GIL: one after the other."""
    window = _shown_window(qtbot, paths)
    built_when_released: list[bool] = []
    release = window.session.preview_shown
    window.session.preview_shown = lambda: (
        built_when_released.append(window.chart_area._charts is not None),
        release(),
    )
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False, warm_up=False)
    assert built_when_released == [True]


def test_the_window_builds_no_lead_lag_chart_before_its_first_result(qtbot, paths):
    """It is on the way to the first chart otherwise (~60 ms of pyqtgraph items)."""
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    assert window.statistics_tab.correlation._chart is None
