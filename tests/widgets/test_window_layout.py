"""The window's layout at the sizes people use: what must be visible without scrolling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from app.cache import Cache
from app.errors import OfflineError
from app.signals.state import LeaderState
from tests.widgets.charts.geometry import overlaps, tick_labels
from tests.widgets.gui_helpers import (
    OFFSCREEN_NOISE,
    fast_settings,
    fill_cache_with_breakouts,
    many_breakouts_leader,
    save,
)
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, bars
from widgets.charts.pane_spec import Pane
from widgets.main_window import MainWindow
from widgets.splitter import GripHandle
from widgets.status import fetch_summary, leader_state_text
from widgets.tables.models import RAW_ROLE

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def open_window(qtbot, paths, size: tuple[int, int]) -> MainWindow:
    fill_cache_with_breakouts(paths)
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def visible_rect(widget) -> QRect:
    """The part of `widget` its ancestors let show, in the widget's own coordinates."""
    return widget.visibleRegion().boundingRect()


def test_default_size_shows_four_horizons_and_a_tall_cycles_chart(qtbot, paths):
    window = open_window(qtbot, paths, (1280, 860))
    window.tabs.setCurrentWidget(window.statistics_tab)
    qtbot.wait(50)
    table = window.statistics_tab.table
    rows = [table.visualRect(table.model().index(r, 0)) for r in range(4)]
    shown = visible_rect(table.viewport())
    assert all(shown.contains(rect) for rect in rows), (shown, rows)
    window.tabs.setCurrentWidget(window.cycles_tab)
    qtbot.waitUntil(lambda: window.cycles_tab.chart is not None)
    qtbot.wait(50)
    chart = window.cycles_tab.chart
    assert chart.height() >= 300
    bottom = chart.mapTo(window, chart.rect().bottomLeft()).y()
    assert bottom <= window.statusBar().geometry().top()  # all of it on screen, not scrolled


def test_the_cycles_table_shows_every_column_beside_the_chart(qtbot, paths):
    # It was cut after "Mu…": the chart took 60 % of the width whatever the table needed.
    window = open_window(qtbot, paths, (1280, 860))
    window.tabs.setCurrentWidget(window.cycles_tab)
    qtbot.waitUntil(lambda: window.cycles_tab.chart is not None)
    qtbot.wait(50)
    table, chart = window.cycles_tab.table, window.cycles_tab.chart
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    assert chart.width() >= 0.4 * window.cycles_tab.splitter.width() and chart.height() >= 300


#: Bitcoin's path in round figures (day, close): every halving cycle's start, peak and trough,
#: so the Cycles table holds prices from 12.50 to 124,752.53, as on the real history.
BITCOIN_PATH = (
    ("2010-08-18", 0.07),
    ("2011-06-08", 30.0),
    ("2011-11-18", 2.0),
    ("2012-11-28", 12.5),
    ("2013-12-04", 1_136.9),
    ("2015-01-14", 180.0),
    ("2016-07-09", 651.0),
    ("2017-12-16", 19_497.4),
    ("2018-12-15", 3_200.0),
    ("2020-05-11", 8_601.8),
    ("2021-11-08", 67_500.0),
    ("2022-11-21", 15_800.0),
    ("2024-04-20", 64_994.4),
    ("2025-10-06", 124_752.5),
    ("2026-03-03", 68_000.0),
)


def open_window_with_bitcoin_history(qtbot, paths, size: tuple[int, int]) -> MainWindow:
    """The window over a follower shaped like Bitcoin's real history (BITCOIN_PATH)."""
    import numpy as np

    from app.cache import Cache
    from tests.widgets.gui_helpers import many_breakouts_leader
    from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, bars

    anchors = pd.DatetimeIndex([day for day, _ in BITCOIN_PATH])
    days = pd.date_range(anchors[0], anchors[-1], freq="D")
    logs = np.interp(days.asi8, anchors.asi8, np.log([close for _, close in BITCOIN_PATH]))
    wiggle = 0.03 * np.sin(np.arange(days.size) / 9.0)
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER_KEY, many_breakouts_leader(start="2014-01-02"))
        cache.store_bars(FOLLOWER_KEY, bars(days, np.exp(logs + wiggle)))
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def test_the_cycles_table_needs_no_sideways_scroll_at_1024(qtbot, paths):
    # Its columns were about one column wider than the room beside the chart at 1024×700.
    window = open_window_with_bitcoin_history(qtbot, paths, (1024, 700))
    tab = window.cycles_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.chart is not None)
    qtbot.wait(50)
    table, chart = tab.table, tab.chart
    assert table.model().rowCount() == 4  # the 2012, 2016, 2020 and 2024 cycles
    assert tab.model.index(3, 4).data(RAW_ROLE) > 100_000  # a six-figure peak close
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    assert chart.width() >= 0.4 * tab.splitter.width()


def test_the_statistics_table_shows_every_column_at_the_default_size(qtbot, paths):
    window = open_window(qtbot, paths, (1280, 860))
    window.tabs.setCurrentWidget(window.statistics_tab)
    qtbot.wait(50)
    table = window.statistics_tab.table
    assert table.model().columnCount() >= 15  # the verdict-led table with all its figures
    assert table.horizontalHeader().length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    shown = visible_rect(table.viewport())  # what the tab lets show, not merely the table's size
    assert shown.width() >= table.horizontalHeader().length(), (shown, table.width())


def test_the_statistics_table_shows_its_four_horizons_at_1024(qtbot, paths):
    # The wrapped verdict sentences above it took the room: one row was in view at 1024×700.
    window = open_window_with_bitcoin_history(qtbot, paths, (1024, 700))
    tab = window.statistics_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.wait(50)
    table = tab.table
    assert table.model().rowCount() == 4
    rows = [table.visualRect(table.model().index(r, 0)) for r in range(4)]
    shown = visible_rect(table.viewport())
    assert all(shown.contains(rect) for rect in rows), (shown, rows)
    summary = window.session.result.summary
    assert len(tab.verdicts.sentences()) == 4
    lines = zip(tab.verdicts.rows, summary["verdict"], strict=True)
    for (_horizon, conclusion, sentence), verdict in lines:
        assert sentence.height() < 2 * sentence.fontMetrics().height()  # one line each
        assert verdict.endswith(sentence.toolTip()[1:]) and conclusion.text()  # whole in tips


@pytest.mark.parametrize("size", [(1024, 700), (1280, 860)])
def test_the_verdicts_end_at_the_width_the_reader_sees(qtbot, paths, size):
    # A wide table once made the whole tab wider than the window: the verdict sentences ran off
    # its right edge, their conclusions out of sight.
    window = open_window(qtbot, paths, size)
    tab = window.statistics_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.wait(50)
    viewport = tab.verdicts.parentWidget().parentWidget()  # the scroll area's viewport
    for label in (tab.verdicts, tab.warning, tab.footer):
        right = label.mapTo(viewport, label.rect().topRight()).x()
        assert right <= viewport.width(), (label.toolTip()[:40], right, viewport.width())
    table = tab.table
    bottom_row = table.visualRect(table.model().index(table.model().rowCount() - 1, 0))
    assert table.viewport().rect().contains(bottom_row)  # the scroll bar does not cover a row


@pytest.mark.parametrize("size", [(1280, 860), (1600, 1000)])
def test_every_price_axis_has_three_labels_at_the_usual_sizes(qtbot, paths, size):
    # The panes were once 58 px high at 1280×860: the price axes read only "1,000" and "2,000".
    window = open_window(qtbot, paths, size)
    qtbot.wait(50)
    for pane in (Pane.LEADER, Pane.FOLLOWER):
        plot = window.charts.plot(pane)
        assert plot.getViewBox().height() >= 80, (pane, plot.getViewBox().height())
        labels = [text for _rect, text in tick_labels(plot.getAxis("left")) if text]
        assert len(labels) >= 3, (pane, labels)


def fill_cache_with_a_wild_start(paths) -> None:
    """The breakouts leader, and a follower whose first 90 days swing 22 % a day (as Bitcoin's
    first months did): its volatility pane spans about 0 to 450."""
    leader = many_breakouts_leader()
    days = pd.date_range(leader.index[0], leader.index[-1], freq="D")
    steps = np.random.default_rng(11).normal(0.0015, 0.035, days.size)
    steps[:90] = np.where(np.arange(90) % 2, 0.22, -0.22)
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER_KEY, leader)
        cache.store_bars(FOLLOWER_KEY, bars(days, 5.0 * np.exp(np.cumsum(steps))))


def test_the_correlation_and_volatility_axes_label_three_ticks_at_1024(qtbot, paths):
    # At 1024×700 that volatility axis (48 px) once read only "250": labels 100 apart sat too
    # close on it, and 200 apart only one fell inside the view.
    fill_cache_with_a_wild_start(paths)
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    qtbot.wait(50)
    for pane in (Pane.CORRELATION, Pane.VOLATILITY):
        axis = window.charts.plot(pane).getAxis("left")
        labels = [(rect, text) for rect, text in tick_labels(axis) if text]
        texts = [text for _rect, text in labels]
        # Three labels and half a label beyond each end of the axis fit in four labels' height.
        assert len(labels) >= (3 if axis.height() >= 4 * axis.label_px else 2), (pane, texts)
        assert not overlaps(labels), (pane, texts)
        box = axis.sceneBoundingRect()
        assert all(box.top() <= r.top() and r.bottom() <= box.bottom() for r, _ in labels), texts


def test_the_data_age_shares_the_headline_row(qtbot, paths):
    # A row of its own for "Data as of …" took its height from the charts.
    window = open_window(qtbot, paths, (1024, 700))
    window.notice.show_notice("Data as of 2026-03-03, 275 days old — Refresh when online")
    qtbot.wait(50)
    headline, notice = window.headline.geometry(), window.notice.geometry()
    assert window.headline.isVisible() and notice.height() <= headline.height() + 8
    assert notice.top() < headline.bottom() and notice.left() >= headline.right()
    assert window.notice.text.height() < 2 * window.notice.text.fontMetrics().height()


def test_the_signals_table_shows_every_horizon_at_the_default_size(qtbot, paths):
    # Two-line headers keep the columns as narrow as their numbers: the follower's returns and
    # their era ranks for every horizon fit without scrolling (the phase columns may not).
    window = open_window(qtbot, paths, (1280, 860))
    table = window.signals_tab.table
    header = table.horizontalHeader()
    titles = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
    last_rank = max(i for i, title in enumerate(titles) if title.startswith("Era rank"))
    right = header.sectionViewportPosition(last_rank) + header.sectionSize(last_rank)
    assert right <= table.viewport().width(), (right, table.viewport().width())
    assert sum("\n" in title for title in titles) >= 8


def test_the_splitter_handle_can_be_seen_and_grabbed(qtbot, paths):
    window = open_window(qtbot, paths, (1280, 860))
    handle = window.splitter.handle(1)
    assert isinstance(handle, GripHandle) and handle.height() >= 5
    image = handle.grab().toImage()
    colours = {image.pixel(x, image.height() // 2) for x in range(image.width())}
    assert len(colours) > 1  # a painted grip, not an empty strip


def test_dragging_the_splitter_up_leaves_the_charts_their_least_height(qtbot, paths):
    # At 800×560 the handle could be dragged until each pane was 8 px, legends over the lines.
    from widgets.main_window import CHARTS_MIN_PX

    window = open_window(qtbot, paths, (1024, 560))
    window.splitter.moveSplitter(0, 1)  # as far up as the handle goes
    qtbot.wait(20)
    assert window.chart_area.height() >= CHARTS_MIN_PX
    stack = window.charts
    for pane in Pane:
        assert stack.plot(pane).sceneBoundingRect().height() >= 40, pane


@pytest.mark.parametrize("size", [(1024, 700), (1280, 860), (1600, 1000)])
def test_nothing_is_wider_than_the_window(qtbot, paths, size):
    window = open_window(qtbot, paths, size)
    assert window.width() == size[0], "the content pushed the window wider than asked"
    assert window.minimumSizeHint().width() <= 1024
    assert window.minimumSizeHint().height() <= 700
    for label in (window.status.leader, window.notice.text, window.signals_tab.summary):
        if label.isVisible():
            right = label.mapTo(window, label.rect().topRight()).x()
            assert right <= window.width(), label.text()


def test_the_default_size_shrinks_to_a_smaller_screen(qtbot, paths):
    window = MainWindow(paths, save(paths, fast_settings()))  # a real session: fitted
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    assert window.width() <= max(screen.width(), 1) and window.height() <= screen.height()
    if screen.width() >= 1280 and screen.height() >= 860:
        assert (window.width(), window.height()) == (1280, 860)


def _fits(label) -> bool:
    shown = label.shown_text()
    full = label.text()
    whole_or_cut = shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))
    width = label.fontMetrics().horizontalAdvance(shown)
    return whole_or_cut and width <= label.contentsRect().width() and label.toolTip() == full


def test_the_offline_message_keeps_its_room_in_the_status_line(qtbot, paths):
    # At 1024 px the leader's state kept its whole width and the message beside it was cut.
    window = open_window(qtbot, paths, (1024, 700))
    status = window.status
    status.set_offline(True)
    status.retry.show()
    text = fetch_summary(0, [("yahoo:^RUT", OfflineError("No network connection."))])
    status.show_message(text)
    # The real leader's state (the synthetic one is at a high, a shorter line).
    below = LeaderState(pd.Timestamp("2026-02-20"), 2400.0, False, None, 29, -0.02)
    status.leader.setText(leader_state_text("Russell 2000 (^RUT)", below))
    QApplication.processEvents()
    assert status.message.shown_text() == text and _fits(status.message)
    assert status.leader.text() and _fits(status.leader)  # the state gives way, elided
    status.start_progress("Downloading 2 instrument(s)…")
    status.set_progress(0.5, "ccxt:bitstamp:BTC/USD (2/2)")
    for width in (1024, 800, 640):
        window.resize(width, 700)
        QApplication.processEvents()
        assert _fits(status.message) and _fits(status.leader), width
    assert status.message.shown_text().endswith("…")  # too narrow: elided, never cut
