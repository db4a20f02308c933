"""Correlation: returns on common dates, the rolling window, weekly buckets, the lead-lag scan."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from app.errors import AnalysisError
from app.signals.correlation import (
    aligned_log_returns,
    corrected_z,
    correlation_by_year,
    lead_lag,
    lead_lag_note,
    pearson,
    rolling_correlation,
    weekly_closes,
)
from tests.app.signals.helpers import day, days, iso


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


def test_correlation_by_year_splits_by_the_year_a_return_ends_in():
    # Daily bars from 2019-12-20 to 2021-01-10: the follower copies the leader in 2020 and
    # mirrors it in 2019 and 2021, so the years come out +1, -1, -1 and the whole history mixed.
    all_days = np.arange(day("2019-12-20"), day("2021-01-10") + 1)
    steps = np.random.default_rng(4).normal(0, 0.02, all_days.size - 1)
    year_of_end = np.array([int(iso(d)[:4]) for d in all_days[1:]])
    sign = np.where(year_of_end == 2020, 1.0, -1.0)
    leader = 100 * np.exp(np.concatenate([[0.0], np.cumsum(steps)]))
    follower = 100 * np.exp(np.concatenate([[0.0], np.cumsum(sign * steps)]))
    table = correlation_by_year(all_days, leader, all_days, follower)
    assert list(table.columns) == ["period", "corr", "n"]
    assert table["period"].tolist() == ["2019", "2020", "2021", "all"]
    # 2019-12-21..31 end in 2019 (11 returns); 2020-01-01's return (from Dec 31) is 2020's.
    assert table["n"].tolist() == [11, 366, 10, all_days.size - 1]
    np.testing.assert_allclose(table["corr"].iloc[:3], [-1.0, 1.0, -1.0])
    assert table["corr"].iloc[3] == pytest.approx(pearson(steps, sign * steps))
    assert -1.0 < table["corr"].iloc[3] < 1.0


def test_correlation_by_year_uses_common_dates_only():
    # The leader skips the weekend: Friday-to-Monday is one return for both markets.
    leader_days = days("2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10")
    follower_days = days(
        "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"
    )
    leader = np.array([100.0, 110, 99, 108.9])
    follower = np.array([50.0, 80, 20, 55, 49.5, 54.45])  # weekend swings leave no trace
    table = correlation_by_year(leader_days, leader, follower_days, follower)
    assert table["n"].tolist() == [3, 3]
    assert table["corr"].tolist() == pytest.approx([1.0, 1.0])


def test_correlation_by_year_edges():
    two = days("2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02")
    table = correlation_by_year(two, np.array([1.0, 2, 3, 5]), two, np.array([1.0, 3, 2, 4]))
    assert table["period"].tolist() == ["2023", "2024", "all"]
    assert table["n"].tolist() == [1, 2, 3]
    assert np.isnan(table["corr"].iloc[:2]).all()  # below 3 pairs: no correlation, not 0
    assert not np.isnan(table["corr"].iloc[2])
    flat = correlation_by_year(two, np.ones(4), two, np.array([1.0, 3, 2, 4]))
    assert np.isnan(flat["corr"]).all()
    none = correlation_by_year(two, np.ones(4), two + 400, np.ones(4))
    assert none["period"].tolist() == ["all"] and none["n"].tolist() == [0]
    assert np.isnan(none["corr"].item())


def test_lead_lag_has_both_bands_and_says_which_lags_clear_the_corrected_one():
    rng = np.random.default_rng(3)
    fridays = day("2020-01-03") + 7 * np.arange(300)
    leader_returns = rng.normal(0, 0.03, 300)
    # The follower repeats the leader 2 weeks later, under as much noise again.
    follower_returns = np.roll(leader_returns, 2) + rng.normal(0, 0.03, 300)
    leader = 100 * np.exp(np.cumsum(leader_returns))
    follower = 100 * np.exp(np.cumsum(follower_returns))
    table = lead_lag(fridays, leader, fridays, follower, max_lag=12)
    assert list(table.columns) == [
        "lag",
        "corr",
        "n",
        "band",
        "band_corrected",
        "clears_corrected",
    ]
    z = 3.0902323  # the standard normal quantile at 1 - 0.05 / (2 * 25)
    np.testing.assert_allclose(table["band"], 1.96 / np.sqrt(table["n"]))
    np.testing.assert_allclose(table["band_corrected"], z / np.sqrt(table["n"]), rtol=1e-6)
    assert table["clears_corrected"].dtype == bool
    expected = (table["corr"].abs() > table["band_corrected"]).tolist()
    assert table["clears_corrected"].tolist() == expected
    assert table.loc[table["clears_corrected"], "lag"].tolist() == [2]


def test_corrected_z_is_bonferroni_over_the_lags():
    assert corrected_z(1) == pytest.approx(1.959964, abs=1e-6)  # one lag: the usual 1.96
    assert corrected_z(25) == pytest.approx(3.0902323, abs=1e-6)
    for lags in (1, 9, 25):  # the upper tail beyond z is 0.05 / (2 * lags)
        tail = 0.5 * math.erfc(corrected_z(lags) / math.sqrt(2))
        assert tail == pytest.approx(0.05 / (2 * lags), rel=1e-9)


def _scan(corr, n=100):
    table = pd.DataFrame({"lag": np.arange(-2, 3), "corr": corr, "n": n})
    table["band"] = 1.96 / np.sqrt(table["n"])
    table["band_corrected"] = corrected_z(5) / np.sqrt(table["n"])
    table["clears_corrected"] = table["corr"].abs() > table["band_corrected"]
    return table


def test_lead_lag_note_names_the_lags_of_each_band():
    # n = 100: per-lag band 0.196, corrected (5 lags) 0.258.
    note = lead_lag_note(_scan([0.05, -0.22, 0.01, 0.30, 0.1]))
    assert note == (
        "Lead-lag (5 weekly lags tested): +1 week (+0.30) clears the band corrected for testing "
        "them all; -1 week (-0.22) clears only the per-lag ±1.96/√n band, which about one lag "
        "in 20 clears by chance."
    )
    quiet = lead_lag_note(_scan([0.05, -0.22, 0.01, 0.21, 0.1]))
    assert quiet.startswith("Lead-lag (5 weekly lags tested): no lag clears the band corrected")
    assert "-1 week (-0.22), +1 week (+0.21) clear only the per-lag" in quiet
    same_week = lead_lag_note(_scan([0.0, 0.0, 0.5, 0.0, 0.0]))
    assert "the same week (+0.50) clears the band corrected" in same_week
    assert "per-lag" not in same_week
    assert lead_lag_note(_scan([np.nan] * 5, n=0)).startswith("Lead-lag: too few common weeks")
