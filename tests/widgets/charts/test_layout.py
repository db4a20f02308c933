"""Legibility of the chart stack at the window's sizes, asserted on what Qt reports.

Every price axis labels at least three ticks at any zoom; no two pieces of text (tick labels,
axis titles, legend entries, date labels) overlap; legends sit above the data, date labels
inside their pane and above the prices; the same holds in exported images.
"""

from __future__ import annotations

import pytest

from app.bars import EPOCH_DAY_SECONDS
from tests.widgets.charts.geometry import inside, overlaps, texts, tick_labels, title_rect
from tests.widgets.charts.histories import gspc_like_result, long_result
from widgets.charts import image_export
from widgets.charts.coords import to_x
from widgets.charts.pane_spec import ALL_PANES, PRICE_PANES, Pane
from widgets.charts.stack import ChartStack

pytestmark = pytest.mark.gui

# The chart area of a 1024×700, 1280×860 and 1600×1000 window.
SIZES = ((1024, 400), (1280, 540), (1600, 700))
VIEWS = {
    "all dates": None,
    "2012-13": ("2012-01-01", "2013-12-31"),
    "Oct-Dec 2012": ("2012-10-01", "2012-12-31"),
    "two weeks": ("2020-03-02", "2020-03-16"),
}


@pytest.fixture(scope="module")
def result():
    return long_result()


@pytest.fixture(scope="module")
def gspc():
    return gspc_like_result()


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def stack(request, qapp, result):
    widget = ChartStack()
    widget.resize(*request.param)
    widget.show()
    widget.set_result(result)
    qapp.processEvents()
    yield widget
    widget.close()
    widget.deleteLater()


def _show(stack: ChartStack, view, log: bool, compare: bool = False) -> None:
    stack.set_log(log)
    stack.set_compare(compare)
    if view is None:
        stack.show_all()
    else:
        stack.show_range(*view)


def check_legible(canvas, min_labels: int = 3) -> None:
    """The assertions every view of the charts must pass (on screen and in images)."""
    for pane in PRICE_PANES:
        if pane in canvas.panes:
            labels = [text for _, text in tick_labels(canvas.plots[pane].getAxis("left"))]
            assert len(labels) >= min_labels, f"{pane.name} axis labels {labels}"
    found = texts(canvas)
    assert not overlaps(found), overlaps(found)
    view_rect = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    for rect, name in found:
        assert inside(rect, view_rect), f"{name} is clipped at the edge of the charts"
    for pane in canvas.panes:
        box = canvas.plots[pane].vb.sceneBoundingRect()
        for rect in canvas.strips[pane].item_rects():
            assert not rect.intersects(box), f"the {pane.name} legend covers the plot"
        for label, rect in canvas.bands[pane].placed():
            assert inside(rect, box), f"date label {label.text!r} is clipped"
        axis = canvas.plots[pane].getAxis("left")
        title = title_rect(axis)
        if title is not None:
            assert axis.sceneBoundingRect().top() - 1 <= title.top(), f"{pane.name} title"
            assert title.bottom() <= axis.sceneBoundingRect().bottom() + 1, f"{pane.name} title"


@pytest.mark.parametrize("log", [True, False], ids=["log", "linear"])
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_every_view_is_labelled_and_nothing_overlaps(qapp, stack, view, log):
    _show(stack, view, log)
    qapp.processEvents()
    check_legible(stack.graphics_view())


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_compare_mode_titles_fit_and_the_strip_names_the_base_date(qapp, stack, view):
    _show(stack, view, log=True, compare=True)
    qapp.processEvents()
    canvas = stack.graphics_view()
    check_legible(canvas)
    axis = canvas.plots[Pane.LEADER].getAxis("left")
    assert axis.title().startswith("Index"), "the index axis must say what it shows"
    assert axis.title_fits(axis.title())
    note = canvas.strips[Pane.LEADER].note()
    assert " = 100 on " in note and note not in canvas.strips[Pane.LEADER].hidden()
    stack.set_compare(False)


def test_legends_sit_above_the_data_not_over_it(stack):
    canvas = stack.graphics_view()
    stack.show_all()
    for pane in ALL_PANES:
        strip = canvas.strips[pane]
        assert strip.shown(), f"the {pane.name} pane has no legend"
        plot_top = canvas.plots[pane].vb.sceneBoundingRect().top()
        assert strip.sceneBoundingRect().bottom() <= plot_top + 1


def test_key_date_labels_sit_above_the_follower_prices(qapp, stack):
    canvas = stack.graphics_view()
    for log in (True, False):
        _show(stack, None, log)
        qapp.processEvents()
        band = canvas.bands[Pane.FOLLOWER]
        assert band.placed(), "some key date must be named"
        lowest_label = max(rect.bottom() for _, rect in band.placed())
        curve = canvas.content.panes[Pane.FOLLOWER].curves[0]
        x0, x1 = stack.x_range()
        top_value = curve.visible_y_range(x0, x1)[1]
        plot = canvas.plots[Pane.FOLLOWER]
        view_y = plot.vb.mapViewToScene(plot.vb.viewRect().center()).y()  # ensure mapping
        from PySide6.QtCore import QPointF

        from widgets.charts.coords import view_y as to_view_y

        top_px = plot.vb.mapViewToScene(QPointF(x0, to_view_y(top_value, log))).y()
        assert view_y is not None and top_px >= lowest_label, "a label sits on the prices"
    stack.set_log(True)


def test_labels_that_find_no_room_are_left_out_with_a_tooltip_on_their_line(qapp, gspc):
    stack = ChartStack()
    stack.resize(1024, 400)
    stack.show()
    stack.set_result(gspc)
    qapp.processEvents()
    canvas = stack.graphics_view()
    check_legible(canvas)
    band = canvas.bands[Pane.FOLLOWER]
    assert band.hidden(), "a century of ^GSPC squeezes the halvings together"
    lines = [item for item in canvas.plots[Pane.FOLLOWER].items if item.toolTip()]
    for label in band.hidden():
        assert any(label.text.rstrip("…") in line.toolTip() for line in lines), label.text
    stack.close()


def test_short_panes_shorten_or_drop_their_titles(qapp, result):
    """Tabs dragged up until each price pane is ~55 px: titles shrink, nothing overlaps."""
    stack = ChartStack()
    stack.resize(1024, 300)
    stack.show()
    stack.set_result(result)
    qapp.processEvents()
    canvas = stack.graphics_view()
    check_legible(canvas, min_labels=2)  # three 12-px labels need a taller pane than this
    for pane in ALL_PANES:
        axis = canvas.plots[pane].getAxis("left")
        if axis.title():
            assert axis.title_fits(axis.title())
    stack.resize(1024, 900)
    qapp.processEvents()
    titles = [canvas.plots[p].getAxis("left").title() for p in ALL_PANES]
    assert titles[Pane.LEADER] == "^RUT price (log)", "a tall pane gets its full title back"
    stack.close()


def test_the_volatility_pane_says_its_unit_at_the_default_window_size(qapp, result):
    """At 1280x860 the volatility pane is ~50 px high: too short for "% a year", not for "%"."""
    stack = ChartStack()
    stack.resize(1280, 390)  # the chart area of the default window
    stack.show()
    stack.set_result(result)
    qapp.processEvents()
    axis = stack.graphics_view().plots[Pane.VOLATILITY].getAxis("left")
    assert axis.height() < 60 and not axis.title_fits("% a year")
    assert axis.title() == "%" and axis.title_fits("%")
    stack.close()


@pytest.mark.parametrize("width", [800, 1920])
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_exported_images_are_as_legible(qapp, stack, width, view):
    """The export lays out its own copy; check that copy as the export draws it."""
    _show(stack, view, log=True)
    state = stack.state()
    scaled = stack.theme().scaled(width / image_export.REFERENCE_WIDTH)
    copy = ChartStack(theme=scaled, interactive=False)
    copy.set_readout_visible(False)
    try:
        image_export.lay_out(copy, width, round(width * image_export.STACK_ASPECT))
        copy.apply_state(state)
        image_export.render(copy.graphics_view(), width, round(width * image_export.STACK_ASPECT))
        check_legible(copy.graphics_view())
        assert copy.x_range() == pytest.approx(state.x_range)
    finally:
        image_export.dispose(copy)


def test_zoom_limit_views_still_fit(qapp, stack):
    """The narrowest view the stack allows (MIN_VISIBLE_DAYS) is still labelled."""
    x = to_x("2013-06-03")
    stack.set_x_range((x, x + 3 * EPOCH_DAY_SECONDS))
    qapp.processEvents()
    check_legible(stack.graphics_view())


def test_key_dates_go_to_the_bitcoin_markets_pane_and_nowhere_without_one(qapp):
    # With Bitcoin leading the Russell 2000 the halvings were drawn on the Russell's pane.
    from app.analysis import AnalysisParams, run_analysis
    from app.key_dates import load_key_dates
    from tests.widgets.charts.histories import bitcoin_like, index_walk

    rut, btc = index_walk("1987-09-10", 120.0, 2_400.0, seed=3), bitcoin_like()
    params = AnalysisParams(bootstrap_draws=100)
    stack = ChartStack()
    stack.resize(1280, 600)
    stack.show()
    canvas = stack.graphics_view()
    for leader, lead, follower, foll, on in (
        ("yahoo:BTC-USD", btc, "yahoo:^RUT", rut, Pane.LEADER),
        ("yahoo:^RUT", rut, "yahoo:BTC-USD", btc, Pane.FOLLOWER),
        ("yahoo:^GSPC", rut, "yahoo:^RUT", rut, None),
    ):
        result = run_analysis(leader, lead, follower, foll, params, load_key_dates())
        stack.set_result(result)
        stack.show_all()
        qapp.processEvents()
        named = {pane: [label.text for label, _ in canvas.bands[pane].placed()] for pane in Pane}
        halvings = [text for texts_ in named.values() for text in texts_ if "halving" in text]
        if on is None:
            assert halvings == [] and canvas.content.key_dates == []
            continue
        assert halvings and all("halving" in t for t in named[on] if "halving" in t)
        other = Pane.FOLLOWER if on is Pane.LEADER else Pane.LEADER
        assert not [t for t in named[other] if "halving" in t], (leader, named)
        legend = [e.text for e in canvas.content.panes[on].legend]
        assert "Halving" in legend
    stack.close()
