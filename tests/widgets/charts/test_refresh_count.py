"""A change of the view refits the panes once: a layout's resize of all four panes, or a new
date range, is one refresh (each is a few ms per pane of a long history), and the panes are
refitted before the frame after a resize is drawn."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts.stack import ChartStack

pytestmark = pytest.mark.gui


@pytest.fixture
def stack(qtbot):
    widget = show_with_result(qtbot, ChartStack(), make_result(), (1000, 700))
    qtbot.wait(50)
    return widget


def test_a_resize_of_every_pane_is_one_refresh_done_before_the_next_paint(qtbot, stack):
    canvas = stack._canvas
    refreshes, paints = canvas.refresh_count, canvas.paint_count
    stack.resize(1000, 560)  # every pane gets a new height
    qtbot.waitUntil(lambda: canvas.paint_count > paints, timeout=5_000)
    assert canvas.refresh_count == refreshes + 1
    QApplication.processEvents()
    assert canvas.refresh_count == refreshes + 1  # the queued one found nothing left to do


def test_a_resize_refreshes_even_when_no_paint_follows(qtbot, stack):
    canvas = stack._canvas
    stack.hide()  # nothing is painted any more
    refreshes = canvas.refresh_count
    for plot in canvas.plots.values():
        plot.vb.sigResized.emit(plot.vb)  # as a layout pass does, pane by pane
    qtbot.waitUntil(lambda: canvas.refresh_count == refreshes + 1, timeout=5_000)
    QApplication.processEvents()
    assert canvas.refresh_count == refreshes + 1


def test_a_new_date_range_is_one_refresh_and_the_same_range_still_one(stack):
    canvas = stack._canvas
    before = canvas.refresh_count
    stack.show_range("2014-01-01", "2014-12-31")
    assert canvas.refresh_count == before + 1
    stack.show_range("2014-01-01", "2014-12-31")
    assert canvas.refresh_count == before + 2
