"""PNG export of the chart stack, one pane and the report images."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from PySide6.QtGui import QImage

from app.errors import OutputError
from app.provenance import PROVIDER, Origin, SourceSpan
from tests.widgets.gui_helpers import show_with_result
from tests.widgets.result_factory import make_result
from widgets.charts.image_export import caption_text, is_blank
from widgets.charts.report_images import render_report_pngs
from widgets.charts.stack import ChartStack

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture
def stack(qtbot, result):
    return show_with_result(qtbot, ChartStack(), result, (900, 650))


def _read(path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    return image


def _colours(image: QImage) -> int:
    step_x, step_y = max(1, image.width() // 80), max(1, image.height() // 80)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step_x)
            for y in range(0, image.height(), step_y)
        }
    )


def test_whole_stack_png_has_the_requested_width_and_is_drawn(stack, tmp_path):
    path = stack.export_png(tmp_path / "stack.png", width=1000, caption="Leader ^RUT · caption")
    image = _read(path)
    assert image.width() == 1000
    assert image.height() > 500
    assert not is_blank(image) and _colours(image) > 20, "the image must hold a drawn chart"
    assert image.text("Description") == "Leader ^RUT · caption"


def test_caption_adds_a_strip_below_the_charts(stack, tmp_path):
    bare = _read(stack.export_png(tmp_path / "bare.png", width=800, caption=""))
    captioned = _read(stack.export_png(tmp_path / "cap.png", width=800, caption="A caption"))
    assert captioned.width() == bare.width() == 800
    assert captioned.height() > bare.height()


def test_single_pane_png(stack, tmp_path):
    whole = _read(stack.export_png(tmp_path / "all.png", width=700))
    pane = _read(stack.export_pane_png(2, tmp_path / "corr.png", width=700))
    assert pane.width() == 700
    assert pane.height() < whole.height() / 2
    assert not is_blank(pane)


def test_export_does_not_move_the_view(stack, tmp_path):
    before = stack.x_range()
    stack.export_png(tmp_path / "x.png", width=640)
    assert stack.x_range() == before


def test_export_of_a_widget_never_laid_out(qtbot, result, tmp_path):
    """ImageExporter on such a widget gives garbage; the export must not depend on layout."""
    widget = ChartStack()
    qtbot.addWidget(widget)
    widget.set_result(result)
    image = _read(widget.export_png(tmp_path / "hidden.png", width=900))
    assert image.width() == 900 and _colours(image) > 20


def test_bad_requests_get_clear_errors(qtbot, stack, tmp_path):
    with pytest.raises(ValueError, match="width"):
        stack.export_png(tmp_path / "a.png", width=10)
    with pytest.raises(ValueError, match="pane index"):
        stack.export_pane_png(4, tmp_path / "b.png")
    with pytest.raises(OutputError, match="does not exist"):
        stack.export_png(tmp_path / "missing" / "c.png", width=640)
    empty = ChartStack()
    qtbot.addWidget(empty)
    with pytest.raises(ValueError, match="no chart"):
        empty.export_png(tmp_path / "d.png")


def test_caption_names_pair_dates_sources_and_generation(result):
    yahoo = SourceSpan(Origin(PROVIDER, "yahoo"), dt.date(1990, 1, 1), dt.date(2020, 1, 1), 9)
    text = caption_text(
        result,
        pd.Timestamp("2014-01-01"),
        pd.Timestamp("2016-12-31"),
        {"yahoo:^RUT": [yahoo]},
        dt.date(2026, 1, 2),
    )
    assert "Russell 2000 (^RUT)" in text and "Bitcoin (Bitstamp)" in text
    assert "2014-01-01 – 2016-12-31" in text
    assert "Yahoo Finance" in text
    # Nothing recorded for the follower: the caption does not guess from its key.
    assert "Bitstamp via ccxt" not in text and "source not recorded" in text
    assert "Generated 2026-01-02" in text


def test_report_images(qapp, result, tmp_path):
    paths = render_report_pngs(result, tmp_path, {}, width=800)
    assert [p.name for p in paths] == ["charts.png", "cycles.png"]
    for path in paths:
        image = _read(path)
        assert image.width() == 800 and _colours(image) > 10
