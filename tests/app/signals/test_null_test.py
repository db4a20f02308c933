"""The era-matched null: p-values by their definition, leave-one-out, Holm."""

from __future__ import annotations

import numpy as np
import pytest

import app.signals.null_test as nt
from app.signals.era import EraPools
from app.signals.null_test import era_null_test, holm, null_draws, two_sided


def _pools() -> EraPools:
    base = np.log1p(np.random.default_rng(3).normal(0.01, 0.1, 300).clip(-0.9))
    lo = np.array([0, 40, 100, 180, 250])
    return EraPools(base, lo, lo + np.array([60, 80, 50, 90, 50]))


def _reference_draws(pools: EraPools, n: int, draws: int, seed: int) -> np.ndarray:
    """The draw matrix (sets x events) that the test is computed from."""
    matrix = np.concatenate(list(null_draws(pools, draws, seed)), axis=1).T
    assert matrix.shape == (draws, n)
    return matrix


def test_p_values_follow_their_definition():
    pools, events = _pools(), np.array([0.15, -0.02, 0.08, 0.20, 0.01])
    matrix = _reference_draws(pools, events.size, 2_000, 9)
    null = matrix.mean(axis=1)
    test = era_null_test(events, pools, 2_000, 9)
    assert test.p_high == (1 + np.count_nonzero(null >= events.mean())) / 2_001
    assert test.p_low == (1 + np.count_nonzero(null <= events.mean())) / 2_001
    assert era_null_test(events, pools, 2_000, 9).p_high == test.p_high  # seeded: repeatable


def test_each_event_draws_only_from_its_own_era():
    # Pools of constant values: every null set's mean is the mean of the pools' constants.
    base = np.concatenate([np.full(10, 0.1), np.full(10, 0.3)])
    pools = EraPools(base, np.array([0, 10]), np.array([10, 20]))
    at_null = era_null_test(np.array([0.1, 0.3]), pools, 500, 1)
    assert at_null.p_high == 1.0 and at_null.p_low == 1.0  # every set ties the observed
    above = era_null_test(np.array([0.1, 0.31]), pools, 500, 1)
    assert above.p_high == pytest.approx(1 / 501) and above.p_low == 1.0


def test_leave_one_out_matches_dropping_each_event_from_the_same_draws():
    pools, events = _pools(), np.array([0.9, -0.02, 0.08, 0.05, 0.01])
    matrix = _reference_draws(pools, events.size, 3_000, 4)
    test = era_null_test(events, pools, 3_000, 4)
    for j in range(events.size):
        keep = np.arange(events.size) != j
        null, observed = matrix[:, keep].mean(axis=1), events[keep].mean()
        assert test.loo_high[j] == pytest.approx((1 + np.sum(null >= observed - 1e-12)) / 3_001)
        assert test.loo_low[j] == pytest.approx((1 + np.sum(null <= observed + 1e-12)) / 3_001)
    # The outlier carries the result: without it the p-value is far higher.
    assert test.p_high < 0.05 < test.loo_high[0] == test.loo_high.max()


def test_each_event_draws_uniformly_from_its_own_pool():
    base = np.arange(10, dtype=float)
    pools = EraPools(base, np.array([0, 6]), np.array([4, 10]))
    matrix = _reference_draws(pools, 2, 40_000, 3)
    for j, (lo, hi) in enumerate(((0, 4), (6, 10))):
        values, counts = np.unique(matrix[:, j], return_counts=True)
        assert values.tolist() == list(range(lo, hi))
        assert counts / 40_000 == pytest.approx([0.25] * 4, abs=0.01)  # 4 SE ≈ 0.009
    assert abs(np.corrcoef(matrix[:, 0], matrix[:, 1])[0, 1]) < 0.02  # independent events


def test_blocks_of_draws_give_the_definition(monkeypatch):
    monkeypatch.setattr(nt, "_DRAW_CELLS", 35)  # 7 sets per block
    pools, events = _pools(), np.array([0.15, -0.02, 0.08, 0.20, 0.01])
    null = _reference_draws(pools, events.size, 3_000, 11).mean(axis=1)
    test = era_null_test(events, pools, 3_000, 11)
    assert test.p_high == (1 + np.count_nonzero(null >= events.mean() - 1e-12)) / 3_001


def test_no_data_gives_nan_and_one_event_has_no_leave_one_out():
    pools = _pools()
    empty = era_null_test(np.array([]), EraPools(pools.base, pools.lo[:0], pools.hi[:0]), 100, 1)
    assert np.isnan(empty.p_high) and np.isnan(empty.p_low)
    no_pool = EraPools(pools.base, np.array([5]), np.array([5]))
    assert np.isnan(era_null_test(np.array([0.1]), no_pool, 100, 1).p_high)
    single = era_null_test(
        np.array([0.1]), EraPools(pools.base, pools.lo[:1], pools.hi[:1]), 100, 1
    )
    assert 0 < single.p_high <= 1 and np.isnan(single.loo_high).all()


def test_holm_by_hand():
    # Sorted: 0.005 x4 = 0.02, 0.01 x3 = 0.03, 0.03 x2 = 0.06, 0.04 x1 = 0.04 -> max 0.06.
    got = holm(np.array([0.01, 0.04, 0.03, 0.005]))
    assert got == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm(np.array([0.4, 0.9])).tolist() == [0.8, 0.9]
    assert holm(np.array([0.6, 0.7])).tolist() == [1.0, 1.0]  # capped at 1
    # NaN is not a test: it stays NaN and does not count in m.
    got = holm(np.array([np.nan, 0.02, 0.03]))
    assert np.isnan(got[0]) and got[1:] == pytest.approx([0.04, 0.04])
    assert np.isnan(holm(np.array([np.nan]))).all() and holm(np.array([])).size == 0


def test_two_sided_is_twice_the_smaller_side():
    assert two_sided(0.01, 0.99) == 0.02
    assert two_sided(0.97, 0.04) == 0.08
    assert two_sided(0.6, 0.6) == 1.0
    assert np.isnan(two_sided(float("nan"), float("nan")))
