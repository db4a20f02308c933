"""Correlation: returns on common dates, the rolling window, weekly buckets, the lead-lag scan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.errors import AnalysisError
from app.signals.correlation import (
    aligned_log_returns,
    lead_lag,
    pearson,
    rolling_correlation,
    weekly_closes,
)
from tests.app.signals.helpers import day, days


def test_returns_are_taken_between_common_dates():
    # The leader skips day 2, the follower skips day 3: common dates 1, 4, 5.
    leader_days, leader_close = np.array([1, 2, 3, 4, 5]), np.array([10.0, 20, 30, 40, 50])
    follower_days, follower_close = np.array([1, 2, 4, 5]), np.array([1.0, 2, 4, 8])
    d, rl, rf = aligned_log_returns(leader_days, leader_close, follower_days, follower_close)
    assert d.tolist() == [2, 4, 5]
    np.testing.assert_allclose(rl, np.log([20 / 10, 40 / 20, 50 / 40]))
    np.testing.assert_allclose(rf, np.log([2.0, 2.0, 2.0]))


def test_weekend_follower_and_weekday_leader_share_no_dates():
    weekend = days("2024-01-06", "2024-01-07", "2024-01-13")
    weekdays = days("2024-01-08", "2024-01-09", "2024-01-10")
    d, rl, rf = aligned_log_returns(weekdays, np.ones(3), weekend, np.ones(3))
    assert d.size == rl.size == rf.size == 0
    assert rolling_correlation(rl, rf, 2).size == 0


def test_rolling_correlation_matches_pandas():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 0.01, 500)
    y = 0.5 * x + rng.normal(0, 0.01, 500)
    ours = rolling_correlation(x, y, 30)
    theirs = pd.Series(x).rolling(30).corr(pd.Series(y)).to_numpy()[29:]
    assert ours.size == 471
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_rolling_correlation_edges():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert rolling_correlation(x, -x, 4).tolist() == [-1.0]
    assert rolling_correlation(x, x, 5).size == 0  # shorter than the window
    flat = rolling_correlation(x, np.full(4, 0.3), 3)
    assert np.isnan(flat).all()  # a flat window has no correlation, not 0
    with pytest.raises(AnalysisError, match="at least 2"):
        rolling_correlation(x, x, 1)


def test_pearson_edges():
    assert np.isnan(pearson(np.array([1.0, 2.0]), np.array([1.0, 2.0])))
    assert np.isnan(pearson(np.ones(5), np.arange(5.0)))
    assert pearson(np.arange(5.0), 2 * np.arange(5.0)) == pytest.approx(1.0)


def test_weekly_closes_match_pandas_w_fri():
    rng = np.random.default_rng(2)
    all_days = np.arange(day("2023-12-20"), day("2024-03-01"))
    kept = np.sort(rng.choice(all_days, 40, replace=False))
    close = rng.uniform(1, 2, kept.size)
    weeks, last = weekly_closes(kept, close)
    index = pd.DatetimeIndex((kept * 86_400).astype("datetime64[s]"))
    expected = pd.Series(close, index=index).resample("W-FRI").last().dropna()
    np.testing.assert_allclose(last, expected.to_numpy())
    fridays = (expected.index.as_unit("s").asi8 // 86_400 + 5) // 7
    assert weeks.tolist() == fridays.tolist()
    assert weekly_closes(np.array([], dtype=np.int64), np.array([]))[0].size == 0


def test_lead_lag_finds_a_two_week_lead():
    rng = np.random.default_rng(3)
    fridays = day("2020-01-03") + 7 * np.arange(200)
    leader_returns = rng.normal(0, 0.03, 200)
    follower_returns = np.roll(leader_returns, 2)  # the follower repeats the leader 2 weeks on
    leader = 100 * np.exp(np.cumsum(leader_returns))
    follower = 100 * np.exp(np.cumsum(follower_returns))
    table = lead_lag(fridays, leader, fridays, follower, max_lag=4)
    assert table["lag"].tolist() == [-4, -3, -2, -1, 0, 1, 2, 3, 4]
    best = table.loc[table["corr"].idxmax()]
    assert best["lag"] == 2 and best["corr"] == pytest.approx(1.0)
    assert best["n"] == 199 - 2  # 200 weekly closes give 199 returns; lag 2 pairs 197
    assert best["band"] == pytest.approx(1.96 / np.sqrt(best["n"]))


def test_lead_lag_without_common_weeks_is_all_missing():
    a = day("2020-01-03") + 7 * np.arange(5)
    b = day("2021-01-01") + 7 * np.arange(5)
    table = lead_lag(a, np.arange(1.0, 6.0), b, np.arange(1.0, 6.0), max_lag=2)
    assert table["corr"].isna().all() and (table["n"] == 0).all() and table["band"].isna().all()
    empty = lead_lag(a[:0], np.array([]), b, np.arange(1.0, 6.0), max_lag=1)
    assert len(empty) == 3 and empty["corr"].isna().all()


def test_lead_lag_on_fewer_weeks_than_lags():
    fridays = day("2020-01-03") + 7 * np.arange(4)
    table = lead_lag(fridays, np.array([1.0, 2.0, 1.5, 3.0]), fridays, np.ones(4), max_lag=12)
    assert len(table) == 25
    assert table.loc[table["lag"].abs() >= 3, "n"].eq(0).all()
    assert table.loc[table["lag"] == 0, "n"].item() == 3
    assert table["corr"].isna().all()  # a flat follower correlates with nothing
