"""Lunde–Timmermann phases: hand-dated turning points, the ends of the data, bull_near."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AnalysisError
from app.signals import regimes
from app.signals.regimes import (
    REGIME_COLUMNS,
    bull_near,
    bull_start_days,
    regime_frame,
    regime_phases,
)
from tests.app.signals.helpers import loop_regimes


def test_hand_dated_phases_starting_with_a_rise():
    # 100 -> 130 is a 30 % rise from the first bar: a bull from bar 0. 130 -> 100 falls 23 %:
    # the bull ends at 130 (bar 1). 100 -> 125 rises 25 %: the bear ends at 100 (bar 2).
    close = np.array([100.0, 130.0, 100.0, 125.0, 126.0])
    assert regime_phases(close, 0.2, 0.2) == [(0, 1, "bull"), (1, 2, "bear"), (2, 4, "bull")]
    frame = regime_frame(np.arange(5), close, regime_phases(close, 0.2, 0.2))
    assert list(frame.columns) == list(REGIME_COLUMNS)
    np.testing.assert_allclose(frame["return"], [0.3, 100 / 130 - 1, 0.26])
    assert frame["kind"].tolist() == ["bull", "bear", "bull"]


def test_the_stretch_before_the_first_turning_point_gets_the_opposite_kind():
    # Rises 10 % (not enough), then falls 22.7 % from 110: the peak at bar 1 is the first
    # turning point, so bars 0..1 are a (left-censored) bull, then a bear to the end.
    close = np.array([100.0, 110.0, 85.0, 90.0])
    assert regime_phases(close, 0.2, 0.2) == [(0, 1, "bull"), (1, 3, "bear")]


def test_moves_below_the_thresholds_date_nothing():
    assert regime_phases(np.array([100.0, 110.0, 95.0, 105.0]), 0.2, 0.2) == []
    assert regime_phases(np.array([100.0]), 0.2, 0.2) == []
    assert regime_phases(np.array([]), 0.2, 0.2) == []
    assert regime_frame(np.array([], dtype=np.int64), np.array([]), []).empty


def test_equal_peaks_end_the_bull_on_the_first_one():
    close = np.array([100.0, 130.0, 120.0, 130.0, 100.0])
    assert regime_phases(close, 0.2, 0.2) == [(0, 1, "bull"), (1, 4, "bear")]


def test_strictly_falling_series_is_one_bear_from_the_first_bar():
    close = np.linspace(100, 50, 20)
    assert regime_phases(close, 0.2, 0.2) == [(0, 19, "bear")]


def test_asymmetric_thresholds():
    close = np.array([100.0, 105.0, 95.0, 120.0, 100.0, 70.0])
    # bull 10 %: 95 -> 120 dates a trough at bar 2 after the 100 -> 105 -> 95 drift.
    # bear 35 %: 120 -> 100 is not enough; 120 -> 70 (41.7 %) ends the bull at 120 (bar 3).
    # The drift before the first trough is a (left-censored) bear.
    expected = [(0, 2, "bear"), (2, 3, "bull"), (3, 5, "bear")]
    assert regime_phases(close, 0.10, 0.35) == expected


def test_bad_thresholds_raise():
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        regime_phases(np.ones(3), 0.0, 0.2)
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        regime_phases(np.ones(3), 0.2, 1.5)


walks = st.lists(st.floats(-0.12, 0.12, allow_nan=False), min_size=1, max_size=400)


@settings(max_examples=120, deadline=None)
@given(steps=walks, bull=st.sampled_from([0.1, 0.2, 0.3]), bear=st.sampled_from([0.1, 0.2]))
def test_fast_scan_agrees_with_the_bar_by_bar_state_machine(steps, bull, bear):
    close = 100.0 * np.exp(np.cumsum(steps))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(regimes, "_FIRST_WINDOW", 2)  # exercise the window doubling
        assert regime_phases(close, bull, bear) == loop_regimes(close, bull, bear)
    assert regime_phases(close, bull, bear) == loop_regimes(close, bull, bear)


def test_bull_starts_exclude_the_first_bar():
    phases = [(0, 3, "bull"), (3, 5, "bear"), (5, 9, "bull")]
    assert bull_start_days(np.arange(100, 110), phases).tolist() == [105]


def test_bull_near_within_the_window_missing_when_not_covered():
    starts = np.array([100, 400])
    events = np.array([280, 300, 250, 590, 30, 700])
    out = bull_near(events, starts, first_day=0, last_day=760, window=100)
    # 280: 400 is 120 away, 100 is 180 away -> 0. 300: 400 is 100 away -> 1 (inclusive).
    # 250: nothing within 100 -> 0. 590: nothing, covered (490..690) -> 0.
    # 30: 100 is 70 away -> 1 although the window starts before the data.
    # 700: window 600..800 runs past the last day and nothing found -> unknown.
    assert out[:5].tolist() == [0.0, 1.0, 0.0, 0.0, 1.0]
    assert np.isnan(out[5])
    assert np.isnan(bull_near(np.array([5]), np.array([], dtype=np.int64), 100, 200, 10)).all()
    assert np.isnan(bull_near(np.array([5]), starts, None, None, 10)).all()


@settings(max_examples=120, deadline=None)
@given(
    prices=st.lists(st.sampled_from([70.0, 80.0, 90.0, 100.0, 110.0, 125.0]), max_size=60),
    bull=st.sampled_from([0.1, 0.25]),
    bear=st.sampled_from([0.1, 0.2]),
)
def test_fast_scan_agrees_on_prices_full_of_ties(prices, bull, bear):
    close = np.array(prices)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(regimes, "_FIRST_WINDOW", 1)
        assert regime_phases(close, bull, bear) == loop_regimes(close, bull, bear)
