"""Era pools: which follower days an event is compared with, their means and percentiles."""

from __future__ import annotations

import numpy as np
import pytest

from app.signals.era import (
    EraPools,
    base_log_returns,
    era_pools,
    pool_mean_logs,
    pool_percentiles,
)
from app.signals.forward import base_rate_returns

# Follower: bars on days 0..9 and 12..19 (a gap), close 100, 101, ...
DAYS = np.concatenate([np.arange(10), np.arange(12, 20)]).astype(np.int64)
CLOSE = 100.0 + np.arange(DAYS.size)


def test_base_log_returns_are_the_base_rate_in_logs():
    start_days, logs = base_log_returns(DAYS, CLOSE, 3)
    assert start_days.tolist() == [d for d in DAYS.tolist() if d + 3 <= 19]
    assert logs == pytest.approx(np.log1p(base_rate_returns(DAYS, CLOSE, 3)))
    assert base_log_returns(DAYS[:0], CLOSE[:0], 3)[1].size == 0


def test_pool_is_every_base_day_within_era_days_of_the_event():
    start_days, logs = base_log_returns(DAYS, CLOSE, 3)  # start days 0..9, 12..16
    pools = era_pools(np.array([5, 0, 14]), start_days, logs, 2)
    pooled = [start_days[lo:hi].tolist() for lo, hi in zip(pools.lo, pools.hi, strict=True)]
    assert pooled == [[3, 4, 5, 6, 7], [0, 1, 2], [12, 13, 14, 15, 16]]
    assert not pools.whole_history
    whole = era_pools(np.array([5, 0]), start_days, logs, 0)  # 0 = the whole history
    assert whole.lo.tolist() == [0, 0] and whole.hi.tolist() == [logs.size] * 2
    assert whole.whole_history


def test_pool_means_are_plain_means_of_each_slice():
    base = np.array([0.1, -0.2, 0.3, 0.05, 0.4])
    pools = EraPools(base, np.array([0, 1, 3, 2]), np.array([2, 4, 5, 2]))
    got = pool_mean_logs(pools)
    assert got[:3] == pytest.approx([-0.05, 0.05, 0.225])
    assert np.isnan(got[3])  # empty pool


def test_percentile_is_the_share_of_the_era_at_most_the_event():
    base = np.array([0.1, -0.2, 0.3, 0.05, 0.4, 0.0])
    pools = EraPools(base, np.array([0, 2, 0]), np.array([4, 6, 6]))
    got = pool_percentiles(pools, np.array([0.1, 0.01, np.nan]))
    # Pool 1: 0.1, -0.2, 0.3, 0.05 -> three at most 0.1. Pool 2: 0.3, 0.05, 0.4, 0.0 -> one.
    assert got[:2] == pytest.approx([0.75, 0.25]) and np.isnan(got[2])
    whole = EraPools(base, np.zeros(2, dtype=np.int64), np.full(2, base.size))
    assert pool_percentiles(whole, np.array([0.05, 1.0])) == pytest.approx([3 / 6, 1.0])
    # Its own day counts even when the two computations differ in the last bit.
    assert pool_percentiles(whole, np.array([np.nextafter(0.4, 0), 0.4]))[0] == 1.0
