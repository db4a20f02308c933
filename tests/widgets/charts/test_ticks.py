"""Value-axis ticks: at least three labels at any zoom, never crowded, one number style."""

from __future__ import annotations

import itertools
import math

import pytest

from widgets.charts.ticks import MIN_LABELS, SUFFIX_FROM, TOUCHING, tick_labels, value_ticks

LABEL_PX, GAP_PX = 12.0, 30.0
# (low, high) price ranges: the narrow views from the issue, a decade, the whole of Bitcoin.
PRICE_RANGES = [
    (770.0, 865.0),  # ^RUT, Oct-Dec 2012
    (700.0, 1_150.0),  # ^RUT, 2012-13
    (10.4, 13.9),  # Bitcoin, Oct-Dec 2012
    (99.0, 101.0),  # two weeks of a quiet index
    (0.061, 0.083),  # Bitcoin's first weeks
    (90.0, 2_600.0),
    (0.05, 126_000.0),  # Bitcoin since 2010
    (4.4, 6_900.0),  # ^GSPC since 1927
]
# A price pane at 1280×860 is about 85 px high (at 1024×700 about 48: as many labels as fit).
HEIGHTS = (80, 90, 140, 300, 700)


def _labelled(low: float, high: float, pixels: float, log: bool, reserved: float = 0.0):
    view = (math.log10(low), math.log10(high)) if log else (low, high)
    levels = value_ticks(*view, pixels, LABEL_PX, GAP_PX, log, reserved)
    majors = levels[0][1]
    values = [10.0**v for v in majors] if log else list(majors)
    return view, majors, values


@pytest.mark.parametrize("log", [True, False], ids=["log", "linear"])
@pytest.mark.parametrize("pixels", HEIGHTS)
@pytest.mark.parametrize(("low", "high"), PRICE_RANGES)
def test_every_price_view_gets_three_labels_that_do_not_touch(low, high, pixels, log):
    view, majors, values = _labelled(low, high, pixels, log)
    assert len(majors) >= MIN_LABELS, f"{low}..{high} on {pixels} px: {tick_labels(values)}"
    per_px = pixels / (view[1] - view[0])
    positions = sorted((v - view[0]) * per_px for v in majors)
    gaps = [b - a for a, b in itertools.pairwise(positions)]
    assert min(gaps) >= LABEL_PX * TOUCHING - 1e-6, "labels would overlap"
    # pyqtgraph drops a label whose box crosses an end of the axis: none may sit that close.
    assert positions[0] >= LABEL_PX / 2 and positions[-1] <= pixels - LABEL_PX / 2
    texts = tick_labels(values)
    assert len(set(texts)) == len(texts), f"two ticks read the same: {texts}"


def test_a_label_band_at_the_top_gets_no_ticks():
    view, majors, _ = _labelled(0.05, 126_000.0, 140, True, reserved=40)
    per_px = 140 / (view[1] - view[0])
    assert all((view[1] - v) * per_px >= 40 for v in majors)
    assert len(majors) >= MIN_LABELS


def test_log_axes_prefer_decades_and_round_mantissas():
    _, _, values = _labelled(90.0, 2_600.0, 300, True)
    assert tick_labels(values) == ["100", "200", "500", "1,000", "2,000"]
    _, _, values = _labelled(4.4, 6_900.0, 60, True)  # 10 would sit on the bottom edge
    assert tick_labels(values) == ["20", "200", "2,000"]
    _, _, values = _labelled(0.05, 126_000.0, 150, True)
    assert tick_labels(values) == ["1", "100", "10,000"]


def test_inside_one_decade_the_steps_are_even():
    _, _, values = _labelled(700.0, 1_150.0, 150, True)
    assert tick_labels(values) == ["800", "900", "1,000", "1,100"]
    _, _, values = _labelled(10.4, 13.9, 100, True)
    assert tick_labels(values) == ["11", "12", "13"]


def test_numbers_read_one_way_per_axis():
    assert tick_labels([3_000.0, 10_000.0, 30_000.0]) == ["3,000", "10,000", "30,000"]
    assert tick_labels([0.05, 0.1, 0.2]) == ["0.05", "0.1", "0.2"]
    assert tick_labels([10.5, 11.0, 11.5]) == ["10.5", "11", "11.5"]
    # An axis that reaches a million reads in k / M throughout, never "3,000" next to "1M".
    assert tick_labels([1_000.0, 100_000.0, 10_000_000.0]) == ["1k", "100k", "10M"]
    assert SUFFIX_FROM == 1e6


def test_dozens_of_decades_are_thinned_to_whole_decades():
    levels = value_ticks(-40.0, 40.0, 300, LABEL_PX, GAP_PX, True)
    majors = levels[0][1]
    assert 3 <= len(majors) <= 10
    assert all(float(v).is_integer() for v in majors)


def test_degenerate_views_give_no_ticks():
    for low, high, pixels in ((1.0, 1.0, 100), (2.0, 1.0, 100), (0.0, 1.0, 0), (math.nan, 1.0, 9)):
        assert value_ticks(low, high, pixels, LABEL_PX, GAP_PX, True)[0][1] == []


RANGES = [
    (0, 3e9, 800),
    (1.2e9, 1.3e9, 900),
    (1.5e9, 1.5e9 + 86400 * 40, 700),
    (1.6e9, 1.6e9 + 86400 * 400, 1200),
    (1.6e9, 1.6e9 + 86400 * 7, 800),
]


def test_utc_date_ticks_are_pyqtgraphs_without_its_local_time_conversions(qapp, monkeypatch):
    import numpy as np
    import pyqtgraph as pg
    from pyqtgraph.graphicsItems import DateAxisItem as pg_dates
    from PySide6.QtGui import QFont, QFontMetrics

    from widgets.charts.axes import UtcDateAxis

    plain = pg.DateAxisItem(orientation="bottom", utcOffset=0)
    plain.fontMetrics = QFontMetrics(QFont())
    expected = []
    for low, high, pixels in RANGES:
        plain.setZoomLevelForDensity((high - low) / pixels)
        expected.append(plain.zoomLevel.tickValues(low, high, plain.minSpacing))

    def no_conversion(*_args):
        raise AssertionError("a UTC axis converted a tick to local time")

    monkeypatch.setattr(pg_dates, "applyOffsetToUtc", no_conversion)
    ours = UtcDateAxis()
    for (low, high, pixels), want in zip(RANGES, expected, strict=True):
        got = ours.tickValues(low, high, pixels)
        assert [s for s, _ in got] == [s for s, _ in want]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(got, want, strict=True))
    assert (
        pg.DateAxisItem(utcOffset=0).zoomLevels[np.inf] is plain.zoomLevels[np.inf]
    )  # shared, untouched
