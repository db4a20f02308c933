"""Forward returns: prices on or before, missing when the window is not over, best/worst."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.signals.forward import base_rate_returns, days_to_next_record, forward_returns
from tests.app.signals.helpers import days, loop_forward

# Follower bars on days 10, 12, 13, 20 with closes 100, 110, 90, 120.
F_DAYS = np.array([10, 12, 13, 20], dtype=np.int64)
F_CLOSE = np.array([100.0, 110.0, 90.0, 120.0])


def test_hand_computed_returns_use_the_close_on_or_before():
    # Event on day 11 (no bar): p0 = close of day 10 = 100. Horizon 2 -> day 13: 90.
    # Window (11, 13] holds days 12 and 13: best 110, worst 90.
    fr = forward_returns(np.array([11]), F_DAYS, F_CLOSE, 2)
    assert fr.fwd[0] == pytest.approx(-0.10)
    assert fr.best[0] == pytest.approx(0.10)
    assert fr.worst[0] == pytest.approx(-0.10)


def test_the_event_day_itself_is_outside_the_best_worst_window():
    # Event on day 12 (close 110), horizon 1 -> day 13 (90). Day 12's own close is not "after".
    fr = forward_returns(np.array([12]), F_DAYS, F_CLOSE, 1)
    assert fr.fwd[0] == pytest.approx(90 / 110 - 1)
    assert fr.best[0] == pytest.approx(90 / 110 - 1)
    assert fr.worst[0] == pytest.approx(90 / 110 - 1)


def test_horizon_end_between_bars_uses_the_latest_close_before_it():
    # Event day 13 (90), horizon 5 -> day 18: latest close on or before is day 13 itself...
    # but the history must reach day 18: last day is 20, so it does. No bar in (13, 18].
    fr = forward_returns(np.array([13]), F_DAYS, F_CLOSE, 5)
    assert fr.fwd[0] == 0.0
    assert np.isnan(fr.best[0]) and np.isnan(fr.worst[0])


def test_missing_when_follower_starts_after_the_event():
    fr = forward_returns(np.array([9, 10]), F_DAYS, F_CLOSE, 2)
    assert np.isnan(fr.fwd[0]) and np.isnan(fr.best[0]) and np.isnan(fr.worst[0])
    assert fr.fwd[1] == pytest.approx(0.10)


def test_missing_when_history_ends_before_the_horizon_but_not_on_it():
    fr = forward_returns(np.array([13, 12]), F_DAYS, F_CLOSE, 8)
    assert np.isnan(fr.fwd[0])  # 13 + 8 = 21 > last day 20: the window is not over
    assert np.isnan(fr.best[0])
    assert fr.fwd[1] == pytest.approx(120 / 110 - 1)  # 12 + 8 = 20: exactly the last day


def test_weekend_only_follower_against_weekday_events():
    # Follower trades Saturdays and Sundays only; events are on weekdays.
    follower_days = days("2024-01-06", "2024-01-07", "2024-01-13", "2024-01-14", "2024-01-20")
    close = np.array([10.0, 11.0, 12.0, 13.0, 14.0])
    events = days("2024-01-08", "2024-01-12")  # Monday, Friday
    fr = forward_returns(events, follower_days, close, 7)
    # Monday 8th: p0 = Sunday 7th (11); +7 = Monday 15th -> Sunday 14th (13).
    assert fr.fwd[0] == pytest.approx(13 / 11 - 1)
    # Friday 12th: p0 = Sunday 7th (11); +7 = Friday 19th -> Sunday 14th (13); window
    # (12th, 19th] holds the 13th and 14th.
    assert fr.fwd[1] == pytest.approx(13 / 11 - 1)
    assert fr.best[1] == pytest.approx(13 / 11 - 1)
    assert fr.worst[1] == pytest.approx(12 / 11 - 1)


def test_empty_inputs_give_empty_or_missing_results():
    fr = forward_returns(np.array([5]), np.array([], dtype=np.int64), np.array([]), 3)
    assert np.isnan(fr.fwd).all()
    assert forward_returns(np.array([], dtype=np.int64), F_DAYS, F_CLOSE, 3).fwd.size == 0


def test_base_rate_uses_every_follower_bar_whose_horizon_fits():
    # Horizon 7: starts with day + 7 <= 20 are days 10, 12, 13.
    # 10 -> 17: close on/before 17 is day 13 (90): -10 %; 12 -> 19: 90/110; 13 -> 20: 120/90.
    base = base_rate_returns(F_DAYS, F_CLOSE, 7)
    np.testing.assert_allclose(base, [-0.10, 90 / 110 - 1, 120 / 90 - 1])
    assert base_rate_returns(F_DAYS, F_CLOSE, 11).size == 0
    assert base_rate_returns(np.array([], dtype=np.int64), np.array([]), 1).size == 0


def test_days_to_next_follower_record():
    # Records (after the first bar): day 12 (110) and day 20 (120).
    out = days_to_next_record(np.array([9, 10, 12, 13, 21]), F_DAYS, F_CLOSE)
    assert np.isnan(out[0])  # before the follower's history
    assert out[1:4].tolist() == [2.0, 0.0, 7.0]
    assert np.isnan(out[4])  # no record since
    assert np.isnan(days_to_next_record(np.array([1]), F_DAYS[:0], F_CLOSE[:0])).all()


@settings(max_examples=120, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(1, 5), st.floats(0.5, 500.0, allow_nan=False)),
        min_size=1,
        max_size=60,
    ),
    events=st.lists(st.integers(-5, 250), max_size=12),
    horizon=st.integers(1, 60),
)
def test_forward_returns_agree_with_a_plain_loop(data, events, horizon):
    follower_days = np.cumsum([gap for gap, _ in data]).astype(np.int64)
    close = np.array([price for _, price in data])
    event_days = np.array(events, dtype=np.int64)  # unsorted, repeats: still per event
    fr = forward_returns(event_days, follower_days, close, horizon)
    for i, event in enumerate(event_days):
        expected = loop_forward(int(event), follower_days, close, horizon)
        np.testing.assert_allclose(
            [fr.fwd[i], fr.best[i], fr.worst[i]], expected, rtol=1e-12, equal_nan=True
        )


def test_rough_windows_mark_incomplete_bars_and_long_gaps():
    from app.signals.forward import rough_windows

    days = np.array([0, 1, 2, 3, 4, 5, 6, 14, 15, 16, 17, 18, 19, 20], dtype=np.int64)
    complete = np.ones(days.size, dtype=bool)
    complete[11] = False  # day 18 lacks a price
    events = np.array([0, 1, 13, 20], dtype=np.int64)
    windows = np.array([5.0, 14.0, 4.0, np.nan])
    got = rough_windows(events, windows, days, complete, 7)
    # 0..5: clean. 1..15: the gap 6 -> 14 is 8 days > 7. 13..17 is priced from day 6, so the
    # same gap lies inside it. 20: no window, unknown.
    assert got[:3].tolist() == [0.0, 1.0, 1.0] and np.isnan(got[3])
    assert rough_windows(np.array([15]), np.array([4.0]), days, complete, 7)[0] == 1.0  # day 18
    # No bar inside 10..12: priced from day 6 at both ends, 6 days stale at the end: clean for
    # a market that trades every day (7), rough for one whose normal week is 5.
    assert rough_windows(np.array([10]), np.array([2.0]), days, complete, 7)[0] == 0.0
    assert rough_windows(np.array([10]), np.array([2.0]), days, complete, 5)[0] == 1.0


def test_a_window_whose_bars_switch_source_is_rough_and_one_that_starts_on_the_switch_is_not():
    from app.signals.forward import rough_windows

    days = np.arange(100, dtype=np.int64)
    complete = np.ones(100, dtype=bool)
    new_origin = days == 50  # bars 0..49 from a file, 50.. from a provider
    events = np.array([10, 45, 50], dtype=np.int64)
    window = np.array([30.0, 30.0, 30.0])
    rough = rough_windows(events, window, days, complete, 7, new_origin)
    assert rough.tolist() == [0.0, 1.0, 0.0]  # 10..40 one source; 45..75 crosses day 50
    assert rough_windows(events, window, days, complete, 7).tolist() == [0.0, 0.0, 0.0]
