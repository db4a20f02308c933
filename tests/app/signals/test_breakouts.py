"""Breakouts: strict all-time highs, the calendar-day gap, the first bar, the high basis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AnalysisError
from app.signals.breakouts import (
    BREAKOUT_COLUMNS,
    basis_values,
    find_breakouts,
    record_mask,
    running_high,
)
from tests.app.signals.helpers import day, days, loop_breakouts


def test_hand_computed_breakouts_with_a_tie_and_the_exact_gap_day():
    # 100 on day 0 is the first record; 100 again (a tie) is not a new high; 101 comes
    # exactly 10 days after the record -> a breakout with min_gap 10; 102 one day later is a
    # record but only 1 day after 101 -> no breakout; 103 on day 20 is 9 days after 102 -> no.
    d = np.array([0, 5, 10, 11, 20], dtype=np.int64)
    v = np.array([100.0, 100.0, 101.0, 102.0, 103.0])
    frame = find_breakouts(d, v, 10)
    assert list(frame.columns) == list(BREAKOUT_COLUMNS)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["date"] == pd.Timestamp("1970-01-11")
    assert row["level"] == 101.0
    assert row["prior_ath_date"] == pd.Timestamp("1970-01-01")
    assert row["prior_ath"] == 100.0
    assert row["gap_days"] == 10
    assert row["pct_above"] == pytest.approx(0.01)


def test_one_day_short_of_the_gap_is_not_a_breakout():
    d = np.array([0, 9], dtype=np.int64)
    assert find_breakouts(d, np.array([1.0, 2.0]), 10).empty
    assert len(find_breakouts(d, np.array([1.0, 2.0]), 9)) == 1


def test_a_tie_does_not_reset_the_gap():
    # The tie on day 8 does not set a record, so the gap of the day-12 high counts from day 0.
    d = np.array([0, 8, 12], dtype=np.int64)
    frame = find_breakouts(d, np.array([5.0, 5.0, 6.0]), 10)
    assert frame["gap_days"].tolist() == [12]
    assert frame["prior_ath_date"].tolist() == [pd.Timestamp("1970-01-01")]


def test_calendar_gaps_count_calendar_days_not_bars():
    d = days("2020-01-01", "2021-01-01", "2021-06-01")
    frame = find_breakouts(d, np.array([10.0, 9.0, 11.0]), 365)
    assert frame["gap_days"].tolist() == [day("2021-06-01") - day("2020-01-01")]


def test_first_bar_single_bar_and_falling_series_have_no_breakout():
    assert find_breakouts(np.array([0]), np.array([5.0]), 0).empty
    assert find_breakouts(np.array([], dtype=np.int64), np.array([]), 0).empty
    falling = find_breakouts(np.arange(50), np.linspace(100, 1, 50), 0)
    assert falling.empty and list(falling.columns) == list(BREAKOUT_COLUMNS)


def test_min_gap_zero_makes_every_record_after_the_first_a_breakout():
    frame = find_breakouts(np.arange(4), np.array([1.0, 2.0, 2.0, 3.0]), 0)
    assert frame["level"].tolist() == [2.0, 3.0]


def test_record_mask_and_running_high():
    v = np.array([3.0, 2.0, 3.0, 4.0, 1.0])
    assert record_mask(v).tolist() == [True, False, False, True, False]
    assert running_high(v).tolist() == [3.0, 3.0, 3.0, 4.0, 4.0]


def test_high_basis_falls_back_to_close_where_high_is_missing():
    close = np.array([10.0, 11.0, 12.0])
    high = np.array([np.nan, 11.5, np.nan])
    assert basis_values(close, high, "high").tolist() == [10.0, 11.5, 12.0]
    assert basis_values(close, high, "close") is not None
    np.testing.assert_array_equal(basis_values(close, high, "close"), close)


def test_bad_parameters_raise_clear_errors():
    with pytest.raises(AnalysisError, match="min_gap_days must be 0 or more"):
        find_breakouts(np.arange(3), np.ones(3), -1)
    with pytest.raises(AnalysisError, match="whole number"):
        find_breakouts(np.arange(3), np.ones(3), 1.5)
    with pytest.raises(AnalysisError, match="basis must be close or high"):
        basis_values(np.ones(2), np.ones(2), "open")


series = st.lists(st.floats(1.0, 1000.0, allow_nan=False), min_size=1, max_size=80)
steps = st.lists(st.integers(1, 40), min_size=80, max_size=80)


@settings(max_examples=150, deadline=None)
@given(values=series, gaps=steps, min_gap=st.integers(0, 120))
def test_breakout_properties(values, gaps, min_gap):
    v = np.array(values)
    d = np.cumsum(np.array(gaps[: len(values)], dtype=np.int64))
    frame = find_breakouts(d, v, min_gap)
    # Levels strictly increase and every gap reaches min_gap_days.
    assert np.all(np.diff(frame["level"].to_numpy()) > 0)
    assert np.all(frame["gap_days"].to_numpy() >= min_gap)
    # Every breakout is an all-time high: above every earlier bar.
    for when, level in zip(frame["date"], frame["level"], strict=True):
        i = int(np.searchsorted(d, _day(when)))
        assert i > 0 and level > v[:i].max()
    # And the table is exactly what the definition gives, bar by bar.
    expected = loop_breakouts(d, v, min_gap)
    assert [
        (_day(a), _day(b)) for a, b in zip(frame["date"], frame["prior_ath_date"], strict=True)
    ] == [(int(d[i]), int(d[j])) for i, j in expected]


def _day(timestamp: pd.Timestamp) -> int:
    return (timestamp - pd.Timestamp("1970-01-01")).days
