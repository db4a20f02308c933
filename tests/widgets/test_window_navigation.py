"""Moving around the window: keys, View menu, presets, the '… shown' line, tables, theme, titles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tests.widgets.gui_helpers import (
    OFFSCREEN_NOISE,
    fast_settings,
    fill_cache,
    fill_cache_with_breakouts,
    save,
)
from widgets import navigation
from widgets.charts.coords import date_text, to_x
from widgets.charts.navigation import ZOOM_STEP
from widgets.main_window import MainWindow
from widgets.tables.copying import copy_selected_rows

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
DAY = 86_400.0


def open_window(qtbot, paths, **changes) -> MainWindow:
    window = MainWindow(paths, save(paths, fast_settings(**changes)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


@pytest.fixture
def window(qtbot, paths):
    fill_cache_with_breakouts(paths)
    return open_window(qtbot, paths)


def shown_text(window: MainWindow) -> str:
    x0, x1 = window.charts.x_range()
    return f"{date_text(x0)} – {date_text(x1)} shown"


def readout(window: MainWindow) -> str:
    return window.charts._readout.text()  # the strip above the charts, as painted


def test_the_shown_line_follows_a_row_click_keys_show_all_and_resize(qtbot, window):
    window.charts.set_x_range((window.charts.x_range()[0], window.charts.x_range()[0] + 90 * DAY))
    table = window.signals_tab.table
    table.setFocus()
    rect = table.visualRect(table.model().index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: shown_text(window) in readout(window))
    before = readout(window)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: readout(window) != before and shown_text(window) in readout(window))
    # A pane's menu → Show all dates.
    next(iter(window.charts.graphics_view().plots.values())).vb.showAllRequested.emit()
    qtbot.waitUntil(lambda: shown_text(window) in readout(window))
    window.resize(1100, 760)
    qtbot.waitUntil(lambda: shown_text(window) in readout(window))


def test_left_right_plus_minus_and_home_move_the_view(qtbot, window):
    charts = window.charts
    start = charts.x_range()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    inner = charts.x_range()
    assert inner[1] - inner[0] == pytest.approx((start[1] - start[0]) / ZOOM_STEP)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    left = charts.x_range()
    assert left[0] < inner[0] and left[1] - left[0] == pytest.approx(inner[1] - inner[0])
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert charts.x_range()[0] == pytest.approx(inner[0], abs=DAY)
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    assert charts.x_range()[1] - charts.x_range()[0] == pytest.approx(start[1] - start[0])
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    qtbot.keyClick(window, Qt.Key.Key_Home)
    everything = charts.chart().x_bounds()
    assert charts.x_range()[0] <= everything[0] and charts.x_range()[1] >= everything[1]
    # Keys reach the charts even while the table has the focus (it has no use for Left/Right).
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    window.signals_tab.table.setFocus()
    before = charts.x_range()
    qtbot.keyClick(window.signals_tab.table, Qt.Key.Key_Left)
    assert charts.x_range() != before


def test_view_menu_lists_each_move_with_its_shortcut(window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    entries = {a.text(): a for a in view.actions()}
    for name in ("Pan &left", "Pan &right", "Zoom &in", "Zoom &out", "Show &all dates"):
        assert not entries[name].shortcut().isEmpty(), name


def test_range_presets_show_one_year_five_years_since_the_follower_and_all(window):
    result, charts, a = window.session.result, window.charts, window.menu_actions
    end = navigation.last_x(result)
    a.range_1y.trigger()
    x0, x1 = charts.x_range()
    assert x1 - x0 == pytest.approx(navigation.YEAR_S, rel=0.02)
    assert x1 == pytest.approx(end, abs=DAY)
    a.range_5y.trigger()
    x0, x1 = charts.x_range()
    assert x1 - x0 == pytest.approx(5 * navigation.YEAR_S, rel=0.05) or x0 <= navigation.first_x(
        result, "leader"
    )
    a.range_follower.trigger()
    assert charts.x_range()[0] == pytest.approx(navigation.first_x(result, "follower"), abs=2 * DAY)
    a.range_all.trigger()
    first = min(navigation.first_x(result, r) for r in ("leader", "follower"))
    assert charts.x_range()[0] <= first + DAY
    assert a.range_follower.text() == "Since Bitcoin (Bitstamp)"


def test_ctrl_c_copies_the_selected_rows_with_the_header_as_tab_separated_text(qtbot, window):
    table = window.signals_tab.table
    table.setFocus()
    table.selectRow(0)
    table.selectionModel().select(
        table.model().index(2, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows,
    )
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Breakout", "Level", "Previous high"]
    assert len(lines) == 3
    assert lines[1].split("\t")[0] == table.model().index(0, 0).data()
    assert lines[2].split("\t")[0] == table.model().index(2, 0).data()
    assert lines[1].count("\t") == table.model().columnCount() - 1
    assert any(cell.endswith("%") for cell in lines[1].split("\t"))


def test_every_table_selects_several_rows_and_copies(qtbot, window):
    for table in (window.statistics_tab.table, window.data_tab.table):
        table.selectAll()
        assert len(table.selectionModel().selectedRows()) == table.model().rowCount() > 0
        text = copy_selected_rows(table)
        assert len(text.splitlines()) == table.model().rowCount() + 1


def test_columns_size_to_their_content(window):
    for table in (window.signals_tab.table, window.statistics_tab.table):
        header = table.horizontalHeader()
        for column in range(header.count()):
            hint = max(header.sectionSizeHint(column), table.sizeHintForColumn(column))
            assert header.sectionSize(column) <= hint + 4, column  # no number stretched wide


def test_breakouts_before_the_follower_are_hidden_counted_and_shown_on_request(qtbot, paths):
    fill_cache_with_breakouts(paths, follower_from=900)  # the follower starts after a breakout
    window = open_window(qtbot, paths)
    tab, result = window.signals_tab, window.session.result
    earlier = int((result.breakouts["date"] < result.follower.index[0]).sum())
    assert earlier > 0
    assert tab.table.model().rowCount() == len(result.breakouts) - earlier
    assert f"{earlier} earlier" in tab.summary.text()
    assert tab.show_all.isVisible()
    tab.show_all.setChecked(True)
    assert tab.table.model().rowCount() == len(result.breakouts)
    tab.show_all.setChecked(False)
    first = result.breakouts["date"].iloc[0]  # before the follower: hidden
    assert tab.select_date(first) and tab.show_all.isChecked()  # shown to be selected
    assert window.charts.highlighted() == first


def test_all_and_an_earlier_breakouts_row_show_every_date_under_both_markets(qtbot, paths):
    # "All" and the row of a breakout before the follower's data left the view where both
    # markets have data: the row's breakout was out of reach, and "All" seemed to do nothing.
    fill_cache_with_breakouts(paths, follower_from=900)
    window = open_window(qtbot, paths)
    a, charts, result = window.menu_actions, window.charts, window.session.result
    a.both_markets.trigger()
    assert a.both_markets.isChecked() and charts.is_overlap_only()
    leader_first = navigation.first_x(result, "leader")
    assert charts.x_range()[0] > leader_first + 100 * DAY
    a.show_all.trigger()  # Home keeps to the dates of both markets
    assert a.both_markets.isChecked() and charts.x_range()[0] > leader_first + 100 * DAY
    a.range_all.trigger()
    assert not a.both_markets.isChecked() and not charts.is_overlap_only()
    assert charts.x_range()[0] <= leader_first + DAY
    assert "Start where both markets have data is now off" in window.status.message.text()
    a.both_markets.trigger()
    first = result.breakouts["date"].iloc[0]  # before the follower's first bar
    assert window.signals_tab.select_date(first)
    assert not a.both_markets.isChecked()
    x0, x1 = charts.x_range()
    assert x0 < to_x(first) < x1 and window.charts.highlighted() == first
    assert f"The breakout of {first:%Y-%m-%d}" in window.status.message.text()


def test_theme_choice_applies_is_remembered_and_restored(qtbot, paths, monkeypatch):
    from widgets.theme import THEME_ENV

    monkeypatch.delenv(THEME_ENV, raising=False)
    fill_cache(paths, leader_days=600, follower_days=900)
    app = QApplication.instance()
    system = QPalette(app.palette())
    window = open_window(qtbot, paths)
    try:
        window.menu_actions.theme_dark.trigger()
        base = app.palette().color(QPalette.ColorRole.Base)
        assert base.lightness() < 80
        qtbot.waitUntil(lambda: window.charts.theme().dark)
        window.close()
        again = MainWindow(paths, fast_settings())
        qtbot.addWidget(again)
        assert again.menu_actions.theme_dark.isChecked()
        assert app.palette().color(QPalette.ColorRole.Base).lightness() < 80
        again.menu_actions.theme_system.trigger()
        assert app.palette() == system
    finally:
        window.view.set_theme("system", remember=False)


def test_the_offline_badge_opens_the_data_tab(qtbot, window):
    window.status.set_offline(True)
    window.tabs.setCurrentIndex(0)
    qtbot.mouseClick(window.status.offline, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.data_tab


def test_progress_text_is_one_elided_line_with_the_full_text_as_tooltip(window):
    status = window.status
    long = "ccxt:bitstamp:BTC/USD-with-a-very-long-market-name (2/4)"
    status.start_progress("Downloading…")
    status.set_progress(0.5, long)
    label = status.progress_text
    assert label.toolTip() == long
    assert not label.wordWrap()
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    assert label.text().endswith("(2/4)") and "…" in label.text()
    status.set_progress(0.5, "yahoo:^RUT (1/4)")
    assert label.text() == "yahoo:^RUT (1/4)"


def test_titles_never_repeat_the_app_name(qtbot, window, monkeypatch):
    from widgets.dialogs.settings import SettingsDialog

    def full_title(title: str) -> str:  # what Qt shows: the display name appended
        name = QGuiApplication.applicationDisplayName()
        return title if title.endswith(name) else f"{title} — {name}"

    dialog = SettingsDialog(window.settings, window.session.pool, window.paths, window)
    qtbot.addWidget(dialog)
    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda p, t, x: about.append(t)))
    window.show_about()
    for title in (window.windowTitle(), dialog.windowTitle(), *about):
        assert full_title(title).count("Riskcurve") <= 1, title


def test_a_status_tip_never_outlives_its_dialog(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QToolBar

    bar = window.findChild(QToolBar)
    button = bar.widgetForAction(window.menu_actions.log_scale)
    qtbot.mouseMove(button, QPoint(5, 5))
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    window.menu_actions.settings.trigger()
    assert window.statusBar().currentMessage() == ""
    window.status.leader.setText("^RUT is at an all-time high")
    assert window.status.leader.isVisible()
    window.status.show_message("Saved something", 0)
    assert window.status.leader.isVisible()  # our messages never hide the leader's state


def test_selecting_a_marker_date_selects_its_row(window):
    result = window.session.result
    window.menu_actions.range_1y.trigger()  # zoomed in, so the view can move to the date
    date = result.breakouts["date"].iloc[-1]
    assert window.signals_tab.select_date(date)
    assert window.signals_tab.selected_date() == date
    assert window.charts.highlighted() == date
    assert abs(sum(window.charts.x_range()) / 2 - to_x(date)) < 2 * DAY


def test_a_marker_click_selects_its_signals_row(window):
    result = window.session.result
    window.menu_actions.range_1y.trigger()
    date = result.breakouts["date"].iloc[1]
    window.chart_area.breakoutClicked.emit(date)  # what the stack reports for a marker click
    assert window.signals_tab.selected_date() == date
    assert window.charts.highlighted() == date
