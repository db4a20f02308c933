"""Levels of detail and the background items: what a frame draws is small and loses no spike."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.charts.bands import _merge_in_pixels
from widgets.charts.lod import LodSeries, peak_decimate, visible_bounds


@pytest.fixture(scope="module")
def walk():
    rng = np.random.default_rng(5)
    xs = np.arange(200_000, dtype=float)
    ys = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, xs.size)))
    ys[123_457] *= 3.0  # a one-bar spike that decimation must keep
    return xs, ys


def test_peak_decimate_keeps_each_blocks_low_and_high_in_time_order():
    xs = np.arange(8.0)
    ys = np.array([5.0, 1.0, 9.0, 4.0, 3.0, 8.0, 2.0, 7.0])
    dx, dy = peak_decimate(xs, ys, 4)
    assert dx.tolist() == [1.0, 2.0, 5.0, 6.0]
    assert dy.tolist() == [1.0, 9.0, 8.0, 2.0]


def test_view_is_small_and_keeps_the_spike(walk):
    xs, ys = walk
    series = LodSeries(xs, ys)
    assert len(series.levels) > 3
    vx, vy = series.view(0.0, xs[-1], 800)
    assert vx.size <= 2 * 800 + 4
    assert vy.max() == pytest.approx(ys.max())
    assert vy.min() == pytest.approx(ys.min())


def test_zoomed_view_uses_full_detail(walk):
    xs, ys = walk
    vx, vy = LodSeries(xs, ys).view(1000.0, 1300.0, 800)
    np.testing.assert_array_equal(vx, xs[999:1302])
    np.testing.assert_array_equal(vy, ys[999:1302])


def test_visible_bounds_match_the_data_in_range(walk):
    xs, ys = walk
    series = LodSeries(xs, ys)
    vx, vy = series.view(50_000.0, 150_000.0, 500)
    low, high = visible_bounds(vx, vy, 50_000.0, 150_000.0)
    part = ys[50_000:150_001]
    assert low == pytest.approx(part.min()) and high == pytest.approx(part.max())
    assert visible_bounds(vx, vy, -10.0, -5.0) is None


def test_spans_merge_where_they_touch_on_screen():
    left = np.array([0.0, 0.5, 10.0, 10.2, 30.0])
    right = np.array([0.4, 3.0, 10.8, 20.0, 31.0])
    merged_left, merged_right = _merge_in_pixels(left, right)
    assert merged_left.tolist() == [0.0, 10.0, 30.0]
    assert merged_right.tolist() == [3.0, 20.0, 31.0]
