"""Lunde–Timmermann phases: hand-dated turning points, the ends of the data; the phase at a
day and the share of bull days."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AnalysisError
from app.signals import regimes
from app.signals.regimes import (
    REGIME_AT_COLUMNS,
    REGIME_COLUMNS,
    RegimeRule,
    bull_share,
    phases_of,
    regime_at,
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


PHASES = [(0, 3, "bull"), (3, 5, "bear"), (5, 9, "bull")]  # on bars 0..9, days 100..109
CLOSE = np.array([1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 2.5, 3.0, 3.5, 4.0])


def test_regime_at_dated_phases_only_and_a_peak_day_ends_its_bull():
    days = np.arange(100, 110)
    events = np.array([99, 101, 103, 104, 105, 107, 109, 110])
    out = regime_at(events, days, CLOSE, PHASES)
    assert list(out.columns) == list(REGIME_AT_COLUMNS)
    # 99 before the data, 101 and 103 in the first (undated) bull, 110 after the last bar.
    assert out["regime"].tolist() == ["", "", "", "bear", "bear", "bull", "bull", ""]
    assert out["regime_start"].dt.strftime("%Y-%m-%d").fillna("").tolist()[3:5] == [
        "1970-04-14", "1970-04-14",
    ]  # fmt: skip
    assert out["regime_start"].isna().tolist() == [True, True, True, False, False, False, False,
                                                   True]  # fmt: skip
    np.testing.assert_array_equal(out["regime_days"][3:7], [1, 2, 2, 4])
    np.testing.assert_allclose(out["regime_return"][3:7], [3 / 4 - 1, 2 / 4 - 1, 3 / 2 - 1, 1.0])
    # The bear ends on day 105: 1 and 0 days left; the last bull is still running.
    np.testing.assert_array_equal(out["regime_days_left"][3:5], [1, 0])
    assert out["regime_days_left"][5:].isna().all()
    assert out["regime_running"].tolist() == [False] * 5 + [True, True, False]
    assert out.loc[[0, 1, 2, 7], ["regime_days", "regime_return"]].isna().all().all()


def test_regime_at_uses_the_last_close_on_or_before_the_event_day():
    days = np.array([0, 10, 20, 30])
    phases = [(0, 1, "bear"), (1, 3, "bull")]
    out = regime_at(np.array([15]), days, np.array([4.0, 2.0, 3.0, 5.0]), phases)
    assert out["regime"][0] == "bull" and out["regime_days"][0] == 5
    assert out["regime_return"][0] == 0.0  # day 15 has no bar: the close of day 10


def test_regime_at_without_dated_phases_or_data_is_unknown():
    for days, close, phases in (
        (np.arange(5), np.ones(5), [(0, 4, "bull")]),
        (np.arange(5), np.ones(5), []),
        (np.array([], dtype=np.int64), np.array([]), []),
    ):
        out = regime_at(np.array([2, 3]), days, close, phases)
        assert out["regime"].tolist() == ["", ""] and not out["regime_running"].any()
        assert out["regime_days"].isna().all() and out["regime_start"].isna().all()
    assert regime_at(np.array([], dtype=np.int64), np.arange(10), CLOSE, PHASES).empty


def test_bull_share_counts_the_days_of_dated_phases():
    # Dated: the bear's days 4, 5 and the bull's days 6..9 -> 4 of 6 are bull days.
    assert bull_share(PHASES) == pytest.approx(4 / 6)
    assert np.isnan(bull_share([(0, 9, "bull")])) and np.isnan(bull_share([]))


def test_phases_of_censors_the_threshold_phases():
    close = np.array([100.0, 130.0, 100.0, 125.0, 126.0])  # turns on days 1 and 2
    days = np.arange(5)
    assert phases_of(days, close, RegimeRule(censor_days=0, min_phase_days=0)) == (
        regime_phases(close, 0.2, 0.2)
    )
    assert phases_of(days, close, RegimeRule()) == [(0, 4, "bull")]  # both within 180 days


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
