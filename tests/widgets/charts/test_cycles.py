"""Halving-aligned cycles chart: one curve per cycle, the current one emphasised, log scale."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts.cycles import NO_CYCLES_MESSAGE, CyclesChart, format_multiple

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture
def chart(qtbot, result):
    return show_with_result(qtbot, CyclesChart(), result, (800, 500))


def test_one_curve_per_cycle_with_the_current_one_emphasised(chart, result):
    curves = chart.curves()
    assert [c.halving for c in curves] == sorted(result.cycle_curves)
    current = [c for c in curves if c.current]
    assert [c.halving for c in current] == [result.current_cycle]
    widths = {
        c.halving: item.opts["pen"].widthF()
        for c, item in zip(curves, chart.curve_items(), strict=True)
    }
    others = [w for halving, w in widths.items() if halving != result.current_cycle]
    assert widths[result.current_cycle] > 1.5 * max(others)
    assert current[0].colour == chart.theme().css(chart.theme().current_cycle)
    labels = chart.legend_strip().shown()
    assert any("(current cycle)" in text and result.current_cycle[:4] in text for text in labels)


def test_y_axis_is_logarithmic(chart):
    assert chart.plot().getAxis("left").logMode


def test_readout_gives_each_cycles_multiple(qtbot, chart, result):
    day = 200
    text = chart.readout_at(day)
    assert text.startswith("day 200")
    for halving, series in result.cycle_curves.items():
        expected = format_multiple(float(series.loc[:day].iloc[-1]))
        assert f"{halving} {expected}" in text


def test_crosshair_emits_the_readout(qtbot, chart):
    from PySide6.QtCore import QPointF

    point = chart.plot().vb.mapViewToScene(QPointF(100.0, 0.2))
    with qtbot.waitSignal(chart.readoutChanged) as signal:
        chart.graphics_view().scene().sigMouseMoved.emit(point)
    assert signal.args[0].startswith("day 100")


def test_no_cycles_shows_a_message(qtbot, result):
    widget = CyclesChart()
    qtbot.addWidget(widget)
    widget.set_result(dataclasses.replace(result, cycle_curves={}, current_cycle=None))
    assert widget.message() == NO_CYCLES_MESSAGE
    assert widget.curves() == []


def test_export_png(chart, tmp_path):
    path = chart.export_png(tmp_path / "cycles.png", width=900, caption="cycles")
    image = QImage(str(path))
    assert image.width() == 900
    assert len({image.pixel(x, image.height() // 3) for x in range(0, 900, 5)}) > 3


@pytest.mark.parametrize("size", [(1280, 300), (1024, 260), (700, 300)])
def test_the_chart_is_readable_at_the_cycles_tab_size(qtbot, result, size):
    """A plain y title that fits, the current cycle's legend entry whole, its label inside."""
    from tests.widgets.charts.geometry import inside, overlaps, tick_labels, title_rect
    from widgets.charts.cycles import Y_TITLES

    chart = show_with_result(qtbot, CyclesChart(), result, size)
    plot = chart.plot()
    axis = plot.getAxis("left")
    assert axis.title() in Y_TITLES[:2], f"the y title reads {axis.title()!r}"
    title = title_rect(axis)
    assert title is not None and inside(title, axis.sceneBoundingRect().adjusted(-6, 0, 0, 0))
    strip = chart.legend_strip()
    current = next(c for c in chart.curves() if c.current)
    assert f"{current.halving[:4]} halving (current cycle)" in strip.shown()
    assert not strip.sceneBoundingRect().intersects(plot.vb.sceneBoundingRect())
    label = chart.now_label()
    assert label is not None
    chart.graphics_view().grab()  # a TextItem places itself when it is painted
    assert inside(label.textItem.sceneBoundingRect(), plot.vb.sceneBoundingRect())
    labels = tick_labels(axis)
    assert len(labels) >= 3, labels
    assert not overlaps([*labels, (title, "title")])


def _four_cycles(result):
    """Four cycles shaped like Bitcoin's: older ones long and high, the current one a hump that
    fell back to about where it started."""
    import pandas as pd

    def cycle(days: int, peak: float, end: float) -> pd.Series:
        t = np.arange(days, dtype=float)
        hump = peak * np.sin(np.pi * np.minimum(t / (0.8 * days), 1.0))
        return pd.Series(np.exp(hump + end * t / days), index=t.astype(int))

    curves = {
        "2012-11-28": cycle(1319, 4.0, 1.0),
        "2016-07-09": cycle(1402, 3.0, 0.8),
        "2020-05-11": cycle(1440, 2.0, 0.5),
        "2024-04-20": cycle(682, 0.6, 0.05),
    }
    return dataclasses.replace(result, cycle_curves=curves, current_cycle="2024-04-20")


@pytest.mark.parametrize("size", [(770, 330), (600, 300), (420, 300)])
def test_every_cycle_has_a_legend_entry_and_the_now_label_covers_no_curve_point(
    qtbot, result, size
):
    # At 1024×700 the Cycles chart is ~420 px wide: its legend named the current cycle only.
    from PySide6.QtCore import QPointF

    chart = show_with_result(qtbot, CyclesChart(), _four_cycles(result), size)
    strip = chart.legend_strip()
    names = ["2012 halving", "2016 halving", "2020 halving", "2024 halving (current cycle)"]
    if size[0] >= 770:  # the Cycles tab at the default window size: every curve named
        assert strip.shown() == names and strip.hidden() == []
    else:  # narrower: every cycle by its year, the full names in the strip's tooltip
        assert strip.shown() == ["2012", "2016", "2020", "2024 (current)"]
        assert strip.hidden() == [] and all(n in strip.toolTip() for n in names)
    chart.graphics_view().grab()  # a TextItem places itself when it is painted
    label = chart.now_label()
    box = label.textItem.sceneBoundingRect()
    current = next(c for c in chart.curves() if c.current)
    vb = chart.plot().vb
    covered = [
        int(day)
        for day, ratio in zip(current.days, current.ratios, strict=True)
        if box.contains(vb.mapViewToScene(QPointF(day, float(np.log10(ratio)))))
    ]
    assert covered == [], f"the label hides days {covered[:3]}…{covered[-3:]} of the cycle"


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_the_cycles_tab_says_when_the_pair_has_no_bitcoin_and_names_the_market(qtbot):
    # Charting S&P 500 -> Russell 2000 from the Ladder gave the Russell 2000 "halving cycles"
    # that named no market.
    from app.analysis import AnalysisParams, run_analysis
    from app.key_dates import load_key_dates
    from tests.widgets.charts.histories import bitcoin_like, index_walk
    from widgets.tables.cycles_tab import CyclesTab

    rut, btc = index_walk("1987-09-10", 120.0, 2_400.0, seed=3), bitcoin_like()
    params = AnalysisParams(bootstrap_draws=100)
    tab = CyclesTab()
    qtbot.addWidget(tab)
    tab.resize(1000, 400)
    tab.show()
    neither = run_analysis("yahoo:^GSPC", rut, "yahoo:^RUT", rut, params, load_key_dates())
    tab.show_result(neither)
    assert tab.is_empty and "neither market of this pair is Bitcoin" in tab.empty.text()
    leads = run_analysis("yahoo:BTC-USD", btc, "yahoo:^RUT", rut, params, load_key_dates())
    tab.show_result(leads)
    qtbot.waitUntil(lambda: tab.chart is not None and bool(tab.chart.curves()))
    assert not tab.is_empty and tab.model.rowCount() >= 3
    assert "Bitcoin (Yahoo, BTC-USD) cycles: point at" in tab.chart._readout.text()
