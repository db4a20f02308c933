"""Moving in time as a charting user expects: keys, Ctrl+wheel, double-click, the public calls,
and a signal (and the "… shown" readout) that follows every change of the view."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.bars import EPOCH_DAY_SECONDS as DAY
from app.chart_input import chart_input
from tests.widgets.charts.histories import long_result
from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts.coords import to_x
from widgets.charts.navigation import PAN_STEP, ZOOM_STEP
from widgets.charts.pane_spec import Pane
from widgets.charts.stack import ChartStack, default_overlap_only

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture
def stack(qtbot, result):
    widget = show_with_result(qtbot, ChartStack(), result, (1000, 700))
    widget.show_range("2014-01-01", "2014-12-31")
    return widget


def _span(stack) -> float:
    x0, x1 = stack.x_range()
    return x1 - x0


def test_left_and_right_pan_by_a_tenth_of_the_view(qtbot, stack):
    canvas = stack.graphics_view()
    x0, x1 = stack.x_range()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert stack.x_range()[0] == pytest.approx(x0 + (x1 - x0) * PAN_STEP)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert stack.x_range()[0] == pytest.approx(x0 - (x1 - x0) * PAN_STEP)
    assert _span(stack) == pytest.approx(x1 - x0)


def _point_at(stack, date: str):
    """A mouse resting over the leader pane at `date`: the crosshair follows it."""
    plot = stack.plot(Pane.LEADER)
    y = sum(plot.vb.viewRange()[1]) / 2
    scene_point = plot.vb.mapViewToScene(QPointF(to_x(date) + DAY / 2, y))
    stack.graphics_view().scene().sigMouseMoved.emit(scene_point)
    return scene_point


@pytest.mark.parametrize("key", [Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Plus])
def test_the_crosshair_follows_the_view_under_a_resting_mouse(qtbot, stack, key):
    # It once stayed on the old date, its readout too, while the keys moved the view under it.
    canvas = stack.graphics_view()
    scene_point = _point_at(stack, "2014-03-03")  # away from the middle, where zoom moves it
    before = canvas.crosshair.position()
    with qtbot.waitSignal(stack.readoutChanged) as signal:
        qtbot.keyClick(canvas, key)
    after = canvas.crosshair.position()
    under_mouse = stack.plot(Pane.LEADER).vb.mapSceneToView(scene_point).x()
    assert after == pytest.approx(under_mouse) and abs(after - before) > DAY
    day = pd.Timestamp(after, unit="s").normalize()
    shown = pd.Timestamp(signal.args[0][:10])
    assert abs((shown - day).days) <= 4, (signal.args[0], day)  # the bar at or before it
    assert not signal.args[0].startswith("2014-03-0")


def test_the_crosshair_hides_when_the_view_moves_after_the_mouse_left(qtbot, stack):
    canvas = stack.graphics_view()
    _point_at(stack, "2014-07-01")
    stack.graphics_view().scene().sigMouseMoved.emit(QPointF(-50, -50))  # out of every pane
    with qtbot.waitSignal(stack.readoutChanged) as signal:
        qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.crosshair.position() is None
    assert "point at a chart" in signal.args[0]


def test_plus_and_minus_zoom_around_the_middle(qtbot, stack):
    canvas = stack.graphics_view()
    span, middle = _span(stack), sum(stack.x_range()) / 2
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert _span(stack) == pytest.approx(span / ZOOM_STEP)
    assert sum(stack.x_range()) / 2 == pytest.approx(middle)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Equal)  # "+" without Shift
    assert _span(stack) == pytest.approx(span / ZOOM_STEP)


def test_home_and_double_click_show_every_date_end_the_latest(qtbot, stack, result):
    canvas = stack.graphics_view()
    first, last = result.follower.index[0], result.follower.index[-1]
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    shown = stack.visible_range()
    assert shown[0] <= first and shown[1] >= last
    stack.show_range("2014-01-01", "2014-03-31")
    span = _span(stack)
    qtbot.keyClick(canvas, Qt.Key.Key_End)
    assert stack.visible_range()[1] >= last and _span(stack) == pytest.approx(span)
    stack.show_range("2014-01-01", "2014-03-31")
    centre = canvas.plots[Pane.FOLLOWER].vb.sceneBoundingRect().center()
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(centre))
    shown = stack.visible_range()
    assert shown[0] <= first and shown[1] >= last


def test_ctrl_wheel_zooms_in_time(qtbot, stack):
    canvas = stack.graphics_view()
    span = _span(stack)
    point = canvas.mapFromScene(canvas.plots[Pane.LEADER].vb.sceneBoundingRect().center())
    event = QWheelEvent(
        QPointF(point), QPointF(canvas.viewport().mapToGlobal(point)), QPoint(0, 0),
        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(canvas.viewport(), event)
    assert _span(stack) < span * 0.95


def test_public_moves(stack):
    stack.show_range("2013-03-01", "2013-03-31")
    first, last = stack.visible_range()
    assert first == pd.Timestamp("2013-03-01") and last == pd.Timestamp("2013-04-01")
    span = _span(stack)
    stack.pan(0.5)
    assert stack.x_range()[0] == pytest.approx(to_x("2013-03-01") + span / 2)
    stack.zoom(2.0)
    assert _span(stack) == pytest.approx(span / 2)
    with pytest.raises(ValueError, match="positive"):
        stack.zoom(0)


def test_every_change_of_the_view_is_signalled_and_read_out(qtbot, stack):
    moves = [
        lambda: stack.pan(0.2),
        lambda: stack.zoom(1.5),
        stack.show_all,
        lambda: stack.center_on(pd.Timestamp("2015-05-05")),
        lambda: qtbot.keyClick(stack.graphics_view(), Qt.Key.Key_Left),
        lambda: stack.resize(900, 650),
    ]
    for move in moves:
        with qtbot.waitSignal(stack.readoutChanged, timeout=2000) as signal:
            move()
        first, last = stack.visible_range()
        assert signal.args[0].startswith(f"{first:%Y-%m-%d} – {last:%Y-%m-%d} shown")
    with qtbot.waitSignal(stack.readoutChanged) as signal:
        stack.show_range("2016-01-01", "2016-06-30")
    assert signal.args[0].startswith("2016-01-01 – 2016-07-01 shown")


def test_keys_do_nothing_in_the_empty_state(qtbot):
    widget = ChartStack()
    qtbot.addWidget(widget)
    qtbot.keyClick(widget.graphics_view(), Qt.Key.Key_Right)  # no exception, nothing drawn
    assert not widget.has_result()


def test_overlap_only_shows_the_dates_both_markets_have(qtbot):
    long = long_result()
    assert default_overlap_only(chart_input(long)), "Bitcoin starts 23 years after the leader"
    assert not default_overlap_only(chart_input(make_result()))
    stack = show_with_result(qtbot, ChartStack(), long, (1000, 600))
    stack.set_overlap_only(True)
    assert stack.is_overlap_only()
    first, _last = stack.visible_range()
    follower_first = long.follower.index[0]
    assert follower_first - pd.Timedelta(days=200) < first <= follower_first
    stack.pan(-5.0)  # cannot wander back into the leader-only decades
    assert stack.visible_range()[0] > follower_first - pd.Timedelta(days=400)
    stack.set_overlap_only(False)
    stack.show_all()
    assert stack.visible_range()[0] <= long.leader.index[0]
    assert stack.x_range()[1] - stack.x_range()[0] > 30 * 365 * DAY


def test_both_markets_keeps_the_newest_bar_of_either_in_view(qtbot):
    # The view ended with the staler market: ^GSPC's last six months were out of reach while
    # Bitcoin's bars stopped in March.
    from app.key_dates import load_key_dates
    from tests.widgets.charts.histories import bitcoin_like, index_walk

    leader = index_walk("1987-09-10", 120.0, 2_400.0, seed=3)
    follower = bitcoin_like().loc[:"2025-08-31"]
    result = make_result(leader, follower, load_key_dates())
    drawn = chart_input(result)
    bounds = drawn.both_markets_bounds()
    assert bounds == (to_x(follower.index[0]), to_x(leader.index[-1]))
    stack = show_with_result(qtbot, ChartStack(), result, (1000, 600))
    stack.set_overlap_only(True)
    stack.show_all()
    first, last = stack.visible_range()
    assert first > follower.index[0] - pd.Timedelta(days=200)
    assert last >= leader.index[-1]
    assert stack.can_show(leader.index[-1]) and not stack.can_show(leader.index[0])
