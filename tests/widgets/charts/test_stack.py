"""The linked chart stack: alignment, crosshair readout, log and compare modes, empty state."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF

from app.bars import EPOCH_DAY_SECONDS as DAY_SECONDS
from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import close_on, make_result
from widgets.charts.coords import to_x
from widgets.charts.items import EXPORT_PANE_TEXT
from widgets.charts.pane_spec import Pane
from widgets.charts.stack import DEFAULT_EMPTY_MESSAGE, ChartStack

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture
def stack(qtbot, result):
    return show_with_result(qtbot, ChartStack(), result, (1000, 760))


def _set_dates(stack: ChartStack, first: str, last: str) -> None:
    stack.plots()[0].vb.setXRange(to_x(first), to_x(last), padding=0)


def test_left_axes_share_one_width_and_dates_line_up(stack):
    plots = stack.plots()
    widths = {round(plot.getAxis("left").width()) for plot in plots}
    assert len(widths) == 1
    x = to_x("2015-03-02")
    columns = {round(plot.vb.mapViewToScene(QPointF(x, 0)).x(), 3) for plot in plots}
    assert len(columns) == 1, "the same date must sit at the same pixel column in every pane"


def test_panes_are_linked_in_time(stack):
    _set_dates(stack, "2014-01-01", "2015-01-01")
    ranges = [tuple(round(v) for v in plot.vb.viewRange()[0]) for plot in stack.plots()]
    assert len(set(ranges)) == 1
    first, last = stack.visible_range()
    assert first == pd.Timestamp("2014-01-01") and last == pd.Timestamp("2015-01-01")


def test_only_the_last_pane_shows_dates(stack):
    shown = [plot.getAxis("bottom").isVisible() for plot in stack.plots()]
    assert shown == [False, False, False, True]


def test_mouse_moves_time_only(stack):
    for plot in stack.plots():
        assert plot.vb.state["mouseEnabled"] == [True, False]


def test_crosshair_readout_shows_real_prices_in_log_mode(qtbot, stack, result):
    stack.set_log(True)
    date = "2015-06-10"
    price = close_on(result.leader, date)
    plot = stack.plots()[0]
    assert plot.getAxis("left").logMode
    # In log mode pyqtgraph's view coordinates are log10(price): aim at the price itself.
    scene_point = plot.vb.mapViewToScene(QPointF(to_x(date) + DAY_SECONDS / 2, math.log10(price)))
    with qtbot.waitSignal(stack.readoutChanged) as signal:
        stack.graphics_view().scene().sigMouseMoved.emit(scene_point)
    text = signal.args[0]
    assert text.startswith(date)
    assert f"^RUT {price:,.2f}" in text
    cursor = float(text.rsplit("cursor ", 1)[1].replace(",", ""))
    assert cursor == pytest.approx(price, rel=0.02), "the cursor value must be a price, not log10"
    follower = close_on(result.follower, date)
    assert f"BTC/USD {follower:,.2f}" in text


def test_readout_outside_the_panes_hides_the_crosshair(qtbot, stack):
    with qtbot.waitSignal(stack.readoutChanged) as signal:
        stack.graphics_view().scene().sigMouseMoved.emit(QPointF(-50, -50))
    assert "point at a chart" in signal.args[0]


def test_set_log_keeps_the_dates_and_switches_the_price_axes(stack):
    _set_dates(stack, "2014-01-01", "2016-01-01")
    before = stack.x_range()
    stack.set_log(False)
    assert not stack.plots()[0].getAxis("left").logMode
    assert not stack.plots()[1].getAxis("left").logMode
    assert stack.x_range() == pytest.approx(before)
    stack.set_log(True)
    assert stack.plots()[1].getAxis("left").logMode


def _first_visible(xs: np.ndarray, ys: np.ndarray, left: float) -> float:
    return float(ys[np.searchsorted(xs, left)])


def test_compare_rebases_both_markets_to_100_at_the_left_edge(qtbot, stack):
    _set_dates(stack, "2014-02-03", "2015-02-03")
    stack.set_compare(True)
    left = stack.x_range()[0]
    assert _first_visible(*stack.plotted("leader"), left) == pytest.approx(100.0)
    assert _first_visible(*stack.plotted("overlay"), left) == pytest.approx(100.0)
    assert stack.plots()[0].getAxis("left").title().startswith("Index")

    _set_dates(stack, "2016-03-01", "2017-03-01")  # panning re-bases at the new left edge
    new_left = stack.x_range()[0]
    qtbot.waitUntil(
        lambda: _first_visible(*stack.plotted("leader"), new_left) == pytest.approx(100.0)
    )
    assert _first_visible(*stack.plotted("overlay"), new_left) == pytest.approx(100.0)


def test_compare_off_restores_prices(stack, result):
    stack.set_compare(True)
    stack.set_compare(False)
    _, ys = stack.plotted("leader")
    np.testing.assert_allclose(ys, result.leader["close"].to_numpy())
    legend = [entry.text for entry in stack.graphics_view().strips[Pane.LEADER].entries()]
    assert not any("BTC" in text for text in legend)


def test_compare_readout_shows_the_index_and_the_price(stack, result):
    _set_dates(stack, "2014-02-03", "2015-02-03")
    stack.set_compare(True)
    text = stack.readout_at(to_x("2014-02-03"))
    assert "(index 100.0)" in text
    assert f"{close_on(result.leader, '2014-02-03'):,.2f}" in text


def test_center_on_keeps_the_span(stack):
    _set_dates(stack, "2013-01-01", "2014-01-01")
    span = stack.x_range()[1] - stack.x_range()[0]
    stack.center_on(pd.Timestamp("2016-06-15"))
    x0, x1 = stack.x_range()
    assert x1 - x0 == pytest.approx(span)
    assert (x0 + x1) / 2 == pytest.approx(to_x("2016-06-15") + DAY_SECONDS / 2)
    first, last = stack.visible_range()
    assert first < pd.Timestamp("2016-06-15") < last


def test_highlight_marks_the_date_in_every_pane(stack):
    stack.highlight(pd.Timestamp("2016-11-08"))
    assert stack.highlighted() == pd.Timestamp("2016-11-08")
    x = to_x("2016-11-08") + DAY_SECONDS / 2
    for plot in stack.plots():
        marks = [i for i in plot.items if getattr(i, "angle", None) == 90 and i.isVisible()]
        assert any(line.value() == pytest.approx(x) for line in marks)
    stack.highlight(None)
    assert stack.highlighted() is None


def test_y_axes_fit_the_visible_prices(qtbot, stack, result):
    _set_dates(stack, "2012-02-01", "2012-08-01")
    stack.set_log(False)
    visible = result.leader["close"].loc["2012-02-01":"2012-08-01"]
    lo, hi = visible.min(), visible.max()

    def fits() -> bool:  # pyqtgraph refits Y when it next paints
        low, high = stack.plots()[0].vb.viewRange()[1]
        return low <= lo and high >= hi and high - low < 1.5 * (hi - lo)

    qtbot.waitUntil(fits)


def test_empty_state_and_back(qtbot):
    widget = ChartStack()
    qtbot.addWidget(widget)
    assert widget.message() == DEFAULT_EMPTY_MESSAGE
    assert not widget.has_result()
    widget.clear("Nothing cached yet")
    assert widget.message() == "Nothing cached yet"
    widget.set_result(make_result())
    assert widget.message() == "" and widget.has_result()
    widget.clear("Gone")
    assert widget.message() == "Gone" and widget.state() is None


def test_pane_context_menu_asks_to_export_that_pane(qtbot, stack):
    menu = stack.plots()[2].vb.context_menu()
    action = next(a for a in menu.actions() if a.text() == EXPORT_PANE_TEXT)
    with qtbot.waitSignal(stack.exportPaneRequested) as signal:
        action.trigger()
    assert signal.args == [2]


def test_pyqtgraph_export_menu_is_gone(stack):
    """pyqtgraph's own menu offers SVG export, which is broken in 0.14."""
    texts = [a.text() for a in stack.plots()[0].vb.context_menu().actions()]
    assert not any("SVG" in t or t == "Export..." for t in texts)


def test_same_pair_keeps_the_view_on_redraw(stack, result):
    _set_dates(stack, "2014-01-01", "2014-07-01")
    before = stack.x_range()
    stack.set_result(result)
    assert stack.x_range() == pytest.approx(before)


def test_dragging_draws_fast_then_settles_antialiased(qtbot, stack):
    canvas = stack.graphics_view()
    _set_dates(stack, "2014-01-01", "2016-01-01")
    assert canvas.is_settled(), "code-driven moves keep full quality"
    before = stack.x_range()
    view_box = stack.plots()[1].vb
    for _ in range(3):  # what pyqtgraph does for each step of a mouse drag
        view_box.translateBy(x=-(before[1] - before[0]) / 50)
        view_box.sigRangeChangedManually.emit(view_box.state["mouseEnabled"])
    assert stack.x_range()[0] < before[0]
    assert stack.x_range()[1] - stack.x_range()[0] == pytest.approx(before[1] - before[0])
    assert not canvas.is_settled()
    assert not any(c.item.opts["antialias"] for c in canvas.content.curves())
    qtbot.waitUntil(canvas.is_settled)
    assert all(c.item.opts["antialias"] for c in canvas.content.curves())


def test_theme_follows_a_dark_palette(qapp):
    from PySide6.QtGui import QColor, QPalette

    from widgets.theme import theme_from_palette

    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dark = theme_from_palette(palette)
    assert dark.dark and dark.background.name() == "#1e1e1e"
    assert dark.foreground.lightness() > 200
    light = theme_from_palette(QPalette(QColor("#efefef")))
    assert not light.dark
    for theme in (dark, light):  # series stay distinct from the background they sit on
        for colour in (theme.leader, theme.follower, theme.current_cycle):
            assert abs(colour.lightness() - theme.background.lightness()) > 60


class _RightClick:
    """The parts of a pyqtgraph mouse click event a ViewBox reads."""

    accepted = False

    def button(self):
        from PySide6.QtCore import Qt

        return Qt.MouseButton.RightButton

    def accept(self):
        self.accepted = True

    def screenPos(self):
        return QPointF(10, 10)


def test_right_click_opens_the_apps_menu_without_pyqtgraph_menus_built(stack, monkeypatch):
    """pyqtgraph's ViewBoxMenu (forms per pane, built at start-up) is never built."""
    assert all(plot.vb.menu is None for plot in stack.plots())
    view_box = stack.plots()[1].vb
    shown = []
    menu_type = type(view_box.context_menu())
    monkeypatch.setattr(menu_type, "popup", lambda menu, _at: shown.append(menu))
    click = _RightClick()
    view_box.mouseClickEvent(click)
    assert click.accepted and shown == [view_box.context_menu()]
    assert view_box.getContextMenus(click) == []
