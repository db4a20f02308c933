"""A new date range refits the panes once (a refresh is a few ms per pane of a long history)."""

from __future__ import annotations

import pytest

from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts.stack import ChartStack

pytestmark = pytest.mark.gui


@pytest.fixture
def stack(qtbot):
    widget = show_with_result(qtbot, ChartStack(), make_result(), (1000, 700))
    qtbot.wait(50)
    return widget


def test_a_new_date_range_is_one_refresh_and_the_same_range_still_one(stack):
    canvas = stack._canvas
    before = canvas.refresh_count
    stack.show_range("2014-01-01", "2014-12-31")
    assert canvas.refresh_count == before + 1
    stack.show_range("2014-01-01", "2014-12-31")
    assert canvas.refresh_count == before + 2
