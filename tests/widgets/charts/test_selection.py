"""The selected breakout and the breakout markers: follow-up windows, clicks, tooltips,
dimming before the follower's data, a selection that follows new results, and images that
keep the selection only where it is named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from tests.widgets.charts.histories import long_result
from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts import image_export
from widgets.charts.pane_spec import ALL_PANES, Pane
from widgets.charts.stack import ChartStack
from widgets.theme import contrast_ratio, dark_palette, theme_from_palette

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return long_result()


@pytest.fixture
def stack(qtbot, result):
    return show_with_result(qtbot, ChartStack(), result, (1280, 600))


def _measured(result) -> pd.Series:
    """Breakout dates after the follower's first bar, newest last."""
    dates = result.breakouts["date"]
    return dates[dates > result.follower.index[0]]


def test_selecting_a_breakout_draws_its_follow_up_windows(qtbot, stack, result):
    date = _measured(result).iloc[-2]
    row = result.breakouts.loc[result.breakouts["date"] == date].iloc[0]
    stack.show_range(date - pd.Timedelta(days=60), date + pd.Timedelta(days=420))
    with qtbot.waitSignal(stack.selectionChanged) as signal:
        stack.select_breakout(date)
    assert signal.args == [date]
    canvas = stack.graphics_view()
    horizons = [h for h in result.params.horizons if np.isfinite(row[f"fwd_{h}d"])]
    assert canvas.selection.window_count() == len(horizons) > 0
    texts = [label.text for label, _ in canvas.bands[Pane.FOLLOWER].placed()]
    assert f"Breakout {date:%Y-%m-%d}" in texts
    h = horizons[0]
    assert f"+{h} d {row[f'fwd_{h}d'] * 100:+.1f}%" in texts, texts
    for pane in ALL_PANES:
        assert canvas.selection.lines[pane].isVisible()
    stack.clear_selection()
    assert stack.highlighted() is None and canvas.selection.window_count() == 0


def test_a_new_result_keeps_the_selection_only_while_it_is_a_breakout(qtbot, stack, result):
    date = _measured(result).iloc[-1]
    stack.select_breakout(date)
    stack.set_result(result)  # same breakouts: still selected, windows redrawn
    assert stack.highlighted() == date
    assert stack.graphics_view().selection.window_count() > 0
    fewer = dataclasses.replace(result, breakouts=result.breakouts.iloc[:0])
    with qtbot.waitSignal(stack.selectionChanged) as signal:
        stack.set_result(fewer)  # e.g. a new leader without that breakout
    assert signal.args == [None]
    assert stack.highlighted() is None
    assert not any(line.isVisible() for line in stack.graphics_view().selection.lines.values())


def test_clicking_a_marker_reports_its_date(qtbot, stack, result):
    canvas = stack.graphics_view()
    markers = canvas.content.panes[Pane.LEADER].marks[0]
    date = _measured(result).iloc[-1]
    stack.show_range(date - pd.Timedelta(days=300), date + pd.Timedelta(days=300))
    point = next(p for p in markers.points() if p.pos().x() == pytest.approx(date.timestamp()))
    where = canvas.mapFromScene(markers.mapToScene(point.pos()))
    with qtbot.waitSignal(stack.breakoutClicked) as signal:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert signal.args == [date]


def test_markers_explain_themselves(stack, result):
    markers = stack.graphics_view().content.panes[Pane.LEADER].marks[0]
    row = len(result.breakouts) - 1
    breakout = result.breakouts.iloc[row]
    tip = markers.tip(int(markers.points()[row].data()))
    assert f"Breakout {breakout['date']:%Y-%m-%d}" in tip
    assert f"{breakout['level']:,.2f}" in tip and f"{int(breakout['gap_days']):,} days" in tip
    assert f"{breakout['fwd_30d'] * 100:+.1f}% (30 d)" in tip


def test_breakouts_before_the_follower_has_data_are_dimmed(stack, result):
    markers = stack.graphics_view().content.panes[Pane.LEADER].marks[0]
    before = (result.breakouts["date"] < result.follower.index[0]).to_numpy()
    assert before.any() and (~before).any()
    colours = [p.brush().color().name() for p in markers.points()]
    bright = stack.theme().breakout.name()
    assert all((c != bright) == b for c, b in zip(colours, before, strict=True))
    assert "had no data yet" in markers.tip(0)
    legend = [e.text for e in stack.graphics_view().strips[Pane.LEADER].entries()]
    assert any("before" in text for text in legend)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_dimmed_breakouts_and_their_legend_marker_stand_out_on_either_theme(qtbot, result, dark):
    # A 35 % blend was all but invisible on the dark background (1.5:1).
    palette = dark_palette() if dark else QPalette(QColor("#efefef"), QColor("#ffffff"))
    theme = theme_from_palette(palette)
    stack = show_with_result(qtbot, ChartStack(theme=theme), result, (1280, 600))
    background = stack.theme().background
    assert (background.lightness() < 128) == dark
    legend = [e for e in stack.graphics_view().strips[Pane.LEADER].entries() if "before" in e.text]
    markers = stack.graphics_view().content.panes[Pane.LEADER].marks[0]
    before = (result.breakouts["date"] < result.follower.index[0]).to_numpy()
    dim = [markers.points()[i].brush().color() for i in np.flatnonzero(before)]
    for colour in [QColor(legend[0].colour), *dim]:
        assert contrast_ratio(colour, background) >= 2.0, (colour.name(), background.name())
        assert contrast_ratio(colour, stack.theme().breakout) >= 1.3  # still the fainter one


def _export_copy(stack: ChartStack, panes, width: int = 1200) -> ChartStack:
    scaled = stack.theme().scaled(width / image_export.REFERENCE_WIDTH)
    copy = ChartStack(theme=scaled, panes=panes, interactive=False)
    copy.set_readout_visible(False)
    image_export.lay_out(copy, width, round(width * 0.62))
    copy.apply_state(stack.state())
    return copy


def test_an_image_keeps_the_selection_only_where_it_is_labelled(qtbot, stack, result):
    date = _measured(result).iloc[-2]
    stack.show_range(date - pd.Timedelta(days=100), date + pd.Timedelta(days=400))
    stack.select_breakout(date)
    copy = _export_copy(stack, ALL_PANES)
    try:
        lines = copy.graphics_view().selection.lines
        assert lines[Pane.FOLLOWER].isVisible(), "named there: 'Breakout …'"
        for pane in (Pane.LEADER, Pane.CORRELATION, Pane.VOLATILITY):
            assert not lines[pane].isVisible(), f"an unlabelled line in the {pane.name} pane"
    finally:
        image_export.dispose(copy)
    alone = _export_copy(stack, (Pane.LEADER,))
    try:
        assert not alone.graphics_view().selection.lines[Pane.LEADER].isVisible()
    finally:
        image_export.dispose(alone)
    assert all(line.isVisible() for line in stack.graphics_view().selection.lines.values())


def test_selecting_any_other_day_just_marks_it(stack):
    stack.select_breakout(pd.Timestamp("2015-03-04"))
    canvas = stack.graphics_view()
    assert canvas.selection.window_count() == 0
    texts = [label.text for label in canvas.selection.labels]
    assert texts == ["Selected 2015-03-04"]


def test_a_short_result_without_breakouts_draws_no_markers(qtbot):
    plain = make_result(min_gap_days=10_000)
    stack = show_with_result(qtbot, ChartStack(), plain, (800, 500))
    assert stack.graphics_view().content.panes[Pane.LEADER].marks == []
