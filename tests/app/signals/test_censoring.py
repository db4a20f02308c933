"""Censoring of the turning points: each rule on a hand-built series, then the invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.signals import censoring
from app.signals.censoring import FirstExtreme, censor_phases
from app.signals.regimes import RegimeRule, regime_phases

OFF = {"censor_days": 0, "min_cycle_days": 0, "min_phase_days": 0, "min_phase_move": 0.0}


def path(*anchors: tuple[int, float]) -> np.ndarray:
    """Daily closes through (day, price) anchors, straight lines in log price between them."""
    days = [d for d, _ in anchors]
    logs = np.log([p for _, p in anchors])
    return np.exp(np.interp(np.arange(days[-1] + 1), days, logs))


def censored(close: np.ndarray, bull: float = 0.2, bear: float = 0.2, **rules) -> list:
    rule = RegimeRule(bull=bull, bear=bear, **{**OFF, **rules})
    days = np.arange(close.size)
    return censor_phases(days, close, regime_phases(close, bull, bear), rule)


def test_no_turn_within_censor_days_of_the_start():
    # Up 50 % to day 50, down 40 % to day 100, then up to the end: turns on days 50 and 100.
    close = path((0, 100.0), (50, 150.0), (100, 90.0), (700, 300.0))
    assert censored(close) == [(0, 50, "bull"), (50, 100, "bear"), (100, 700, "bull")]
    # Censoring 60 days drops the peak; the first phase is then the bear down to day 100.
    assert censored(close, censor_days=60) == [(0, 100, "bear"), (100, 700, "bull")]
    # Censoring 180 days drops both: one phase, of the kind still running at the end.
    assert censored(close, censor_days=180) == [(0, 700, "bull")]


def test_short_cycle_loses_its_weaker_phase():
    # Trough day 200 (50), peak day 400 (100), trough day 500, peak day 1000 (200), then down.
    # Trough to trough is 300 days (< 480): its weaker phase goes.
    def close(second_trough: float) -> np.ndarray:
        return path((0, 100.0), (200, 50.0), (400, 100.0), (500, second_trough), (1000, 200.0),
                    (1600, 100.0), (1700, 110.0))  # fmt: skip

    # To 70: the bear (log move 0.36) is weaker than the bull (0.69): one bull 200..1000.
    expected = [(0, 200, "bear"), (200, 1000, "bull"), (1000, 1700, "bear")]
    assert censored(close(70.0), min_cycle_days=480) == expected
    # To 30: the bear (1.20) is the stronger; the bull goes and the first bear runs to day 500.
    expected = [(0, 500, "bear"), (500, 1000, "bull"), (1000, 1700, "bear")]
    assert censored(close(30.0), min_cycle_days=480) == expected
    # Without the rule all four turns stay.
    assert len(censored(close(70.0))) == 5


def test_short_small_phase_is_removed_but_a_short_big_move_is_kept():
    # Two 40-day dips after peaks: -15 % (small, removed) and -25 % (big, kept).
    close = path((0, 100.0), (200, 80.0), (500, 200.0), (540, 170.0), (1000, 400.0),
                 (1040, 300.0), (1500, 500.0), (1600, 400.0))  # fmt: skip
    rules = {"min_phase_days": 120, "min_phase_move": 0.20}
    assert censored(close, 0.1, 0.1) == [
        (0, 200, "bear"), (200, 500, "bull"), (500, 540, "bear"), (540, 1000, "bull"),
        (1000, 1040, "bear"), (1040, 1500, "bull"), (1500, 1600, "bear"),
    ]  # fmt: skip
    assert censored(close, 0.1, 0.1, **rules) == [
        (0, 200, "bear"), (200, 1000, "bull"), (1000, 1040, "bear"), (1040, 1500, "bull"),
        (1500, 1600, "bear"),
    ]  # fmt: skip


def test_turns_move_to_the_extreme_between_their_neighbours_after_a_removal():
    # Peak 200 on day 500, a 40-day dip of 15 %, then a lower peak of 195 on day 700. With the
    # dip removed, the bull's peak is the higher, earlier one.
    close = path((0, 100.0), (200, 80.0), (500, 200.0), (540, 170.0), (700, 195.0),
                 (900, 150.0), (1400, 300.0))  # fmt: skip
    candidates = censored(close, 0.1, 0.1)
    assert (500, 540, "bear") in candidates and (540, 700, "bull") in candidates
    assert censored(close, 0.1, 0.1, min_phase_days=120, min_phase_move=0.2) == [
        (0, 200, "bear"), (200, 500, "bull"), (500, 900, "bear"), (900, 1400, "bull"),
    ]  # fmt: skip


def test_a_turn_on_the_last_bar_is_no_turn():
    # With a bull threshold of 50 % and a bear of 10 %, a new high after a confirmed bear
    # stays a bear by the threshold rule; relocation moves the peak to the last bar, where
    # it cannot be a turning point: the bull runs on.
    close = path((0, 100.0), (300, 60.0), (600, 100.0), (650, 88.0), (700, 101.0))
    assert regime_phases(close, 0.5, 0.1)[-1] == (600, 700, "bear")
    assert censored(close, 0.5, 0.1) == [(0, 300, "bear"), (300, 700, "bull")]


def test_nothing_to_censor():
    assert censor_phases(np.arange(3), np.ones(3), [], RegimeRule()) == []


# ---------------------------------------------------------------------------------------------
# Invariants on random walks


def _check_invariants(days, close, phases, rule):
    assert phases[0][0] == 0 and phases[-1][1] == close.size - 1
    for (_, end, kind), (start, _, following) in itertools.pairwise(phases):
        assert end == start and kind != following
    turns = [start for start, _, _ in phases[1:]]
    bounds = [-1, *turns, close.size]
    for i, turn in enumerate(turns, start=1):
        assert 0 < turn < close.size - 1
        between = close[bounds[i - 1] + 1 : bounds[i + 1]]
        peak = phases[i][2] == "bear"
        best = np.argmax(between) if peak else np.argmin(between)
        assert bounds[i - 1] + 1 + best == turn  # the first extreme between its neighbours
    if turns:
        assert days[turns[0]] - days[0] >= rule.censor_days
    complete = phases[1:-1]
    for start, end, _ in complete:
        short = days[end] - days[start] < rule.min_phase_days
        assert not (short and abs(close[end] / close[start] - 1) < rule.min_phase_move)
    for (start, _, _), (_, end, _) in itertools.pairwise(complete):
        assert days[end] - days[start] >= rule.min_cycle_days


walks = st.lists(st.floats(-0.06, 0.06, allow_nan=False), min_size=2, max_size=1_500)


@settings(max_examples=150, deadline=None)
@given(
    steps=walks,
    threshold=st.sampled_from([0.1, 0.2, 0.3]),
    censor=st.sampled_from([0, 30, 180]),
    cycle=st.sampled_from([0, 100, 480]),
    phase=st.sampled_from([0, 40, 120]),
    move=st.sampled_from([0.0, 0.2, 0.5]),
)
def test_censored_phases_obey_every_rule_and_censoring_again_changes_nothing(
    steps, threshold, censor, cycle, phase, move
):
    close = 100.0 * np.exp(np.cumsum(steps))
    days = np.arange(close.size)
    rule = RegimeRule(threshold, threshold, censor, cycle, phase, move)
    candidates = regime_phases(close, threshold, threshold)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(censoring, "_BLOCK", 8)  # exercise the block table on short series
        patch.setattr(censoring, "_SCAN", 0)
        phases = censor_phases(days, close, candidates, rule)
        if not candidates:
            assert phases == []
            return
        _check_invariants(days, close, phases, rule)
        assert censor_phases(days, close, phases, rule) == phases
    assert censor_phases(days, close, candidates, rule) == phases  # the search is no rule


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.sampled_from([1.0, 2.0, 3.0, 5.0]), min_size=1, max_size=120),
    data=st.data(),
)
def test_first_extreme_agrees_with_argmax(values, data):
    array = np.array(values)
    lo = data.draw(st.integers(0, array.size - 1))
    hi = data.draw(st.integers(lo, array.size - 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(censoring, "_BLOCK", 4)
        assert FirstExtreme(array).at(lo, hi) == lo + int(np.argmax(array[lo : hi + 1]))
        assert FirstExtreme(-array).at(lo, hi) == lo + int(np.argmin(array[lo : hi + 1]))


@settings(max_examples=150, deadline=None)
@given(
    prices=st.lists(st.sampled_from([70.0, 80.0, 90.0, 100.0, 125.0]), min_size=2, max_size=300),
    cycle=st.sampled_from([0, 20, 60]),
    phase=st.sampled_from([0, 5, 30]),
)
def test_prices_full_of_ties_are_censored_by_the_same_rules(prices, cycle, phase):
    close = np.array(prices)
    days = np.arange(close.size)
    rule = RegimeRule(0.1, 0.1, 3, cycle, phase, 0.3)
    candidates = regime_phases(close, 0.1, 0.1)
    if not candidates:
        return
    phases = censor_phases(days, close, candidates, rule)
    _check_invariants(days, close, phases, rule)
    assert censor_phases(days, close, phases, rule) == phases
