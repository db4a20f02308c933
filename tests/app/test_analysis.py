"""run_analysis: the documented result, plain notes when a part is empty, clear errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from app.analysis import (
    PARTS,
    AnalysisParams,
    AnalysisResult,
    require_complete_inputs,
    run_analysis,
    validate_params,
)
from app.bars import empty_bars
from app.config import KeyDate, Settings
from app.errors import AnalysisError
from app.signals.regimes import RegimeRule
from tests.app.signals.helpers import bars_on, day, random_walk, weekdays_from

HALVINGS = (
    KeyDate("2016-07-09", "2nd halving", "halving"),
    KeyDate("2020-05-11", "3rd", "halving"),
)
PARAMS = AnalysisParams(min_gap_days=60, bootstrap_draws=500)


def _pair(leader_count=1_500, follower_count=2_000, seed=1):
    leader = bars_on(weekdays_from("2015-01-01", leader_count), random_walk(leader_count, seed))
    follower_days = day("2015-06-01") + np.arange(follower_count)
    follower = bars_on(follower_days, random_walk(follower_count, seed + 1, vol=0.04))
    return leader, follower


def _run(leader, follower, params=PARAMS, key_dates=HALVINGS) -> AnalysisResult:
    return run_analysis("yahoo:^RUT", leader, "yahoo:BTC-USD", follower, params, key_dates)


def test_full_run_has_every_documented_column_and_timing():
    leader, follower = _pair()
    result = _run(leader, follower)
    horizon_columns = [f"{k}_{h}d" for h in PARAMS.horizons for k in ("fwd", "best", "worst")]
    assert list(result.breakouts.columns) == [
        *("date", "level", "prior_ath_date", "prior_ath", "gap_days", "pct_above"),
        *horizon_columns,
        *(f"era_pct_{h}d" for h in PARAMS.horizons),
        "rough_data",
        *("regime", "regime_start", "regime_days", "regime_return"),
        *("regime_days_left", "regime_running"),
        "days_to_follower_ath",
    ]
    assert 0 <= result.follower_bull_share <= 1
    assert len(result.breakouts) > 0
    assert result.summary["horizon"].tolist() == list(PARAMS.horizons)
    assert list(result.summary.columns)[-2:] == ["verdict", "verdict_kind"]
    for frame in (result.leader_regimes, result.follower_regimes):
        assert list(frame.columns) == ["start", "end", "kind", "return"] and len(frame) > 0
    assert result.lead_lag["lag"].tolist() == list(range(-12, 13))
    assert len(result.correlation) == 1_500 - 1 - 90 + 1 - _missing_common(leader, follower)
    by_year = result.correlation_by_year
    assert by_year["period"].tolist() == [str(y) for y in range(2015, 2021)] + ["all"]
    common_returns = 1_500 - _missing_common(leader, follower) - 1
    assert by_year["n"].iloc[-1] == by_year["n"].iloc[:-1].sum() == common_returns
    assert by_year["corr"].notna().all()
    assert result.cycles["halving_date"].tolist() == [
        pd.Timestamp("2016-07-09"),
        pd.Timestamp("2020-05-11"),
    ]
    assert result.current_cycle == "2020-05-11" and len(result.cycle_curves) == 2
    assert len(result.leader_vol) == 1_500 - 30 and 0 < result.leader_vol_pct <= 1
    assert len(result.follower_vol) == 2_000 - 30
    assert result.leader_ath.index.equals(leader.index)
    assert set(result.timings) == set(PARTS)
    assert result.notes == ()
    assert result.seed == PARAMS.seed and result.key_dates == HALVINGS


def _missing_common(leader, follower):
    return len(leader) - len(leader.index.intersection(follower.index))


def test_hand_computed_pair():
    # Leader: a record on day 0 (100), a dip, then 101 on day 100 -> one breakout (gap 100).
    leader = bars_on([0, 50, 100, 101], [100.0, 90.0, 101.0, 102.0])
    # Follower on days 0..200: 10; 8 on days 140..149 (a 20 % fall: bear from day 0);
    # 20 from day 150 (a rise of 150 % from the trough on day 140: bull from day 140).
    f_days = np.arange(0, 201)
    f_close = np.where(f_days < 140, 10.0, np.where(f_days < 150, 8.0, 20.0))
    params = AnalysisParams(
        min_gap_days=100,
        horizons=(30, 60, 120),
        headline_horizon=60,
        bootstrap_draws=200,
        follower_regime=RegimeRule(bull=0.2, bear=0.2, censor_days=0, min_phase_days=0),
    )
    result = _run(leader, bars_on(f_days, f_close), params, ())
    row = result.breakouts.iloc[0]
    assert len(result.breakouts) == 1 and row["gap_days"] == 100
    assert row["fwd_30d"] == 0.0 and row["fwd_60d"] == 1.0  # day 160 is at 20
    assert np.isnan(row["fwd_120d"])  # day 220 is after the follower's last day
    assert row["best_60d"] == 1.0 and row["worst_60d"] == pytest.approx(-0.2)
    assert row["days_to_follower_ath"] == 50
    assert row["regime"] == "" and not row["regime_running"]  # day 100: the undated first phase
    assert result.follower_bull_share == 1.0  # only the running bull from day 140 is dated
    phases = result.follower_regimes
    assert phases["kind"].tolist() == ["bear", "bull"]
    assert phases["start"].tolist() == [pd.Timestamp("1970-01-01"), pd.Timestamp("1970-05-21")]
    assert result.summary["n_events"].tolist() == [1, 1, 0]
    assert "too few" in result.summary["verdict"][0]
    assert any("halving" in note for note in result.notes)


def test_rough_follower_bars_in_a_window_mark_the_event():
    leader = bars_on([0, 50, 100, 101], [100.0, 90.0, 101.0, 102.0])  # one breakout, day 100
    f_days = np.arange(0, 201)
    follower = bars_on(f_days, 10.0 + f_days * 0.01)
    params = AnalysisParams(min_gap_days=100, horizons=(30, 60), headline_horizon=60)
    clean = _run(leader, follower, params, ())
    assert clean.breakouts["rough_data"].tolist() == [0.0]
    # A straight line: later days gain less, so days 100..170 of the 171 base days do no better.
    assert clean.breakouts["era_pct_30d"].iloc[0] == pytest.approx(71 / 171)
    gappy = follower.drop(follower.index[140:149])  # 9 days without a bar, inside 100..160
    assert _run(leader, gappy, params, ()).breakouts["rough_data"].tolist() == [1.0]
    no_low = follower.copy()
    no_low.iloc[155, no_low.columns.get_loc("low")] = np.nan  # day 155: inside the 60-day window
    assert _run(leader, no_low, params, ()).breakouts["rough_data"].tolist() == [1.0]


def test_weekend_only_follower_against_a_weekday_leader():
    leader_days = weekdays_from("2020-01-01", 400)
    leader = bars_on(leader_days, random_walk(400, 5))
    all_days = np.arange(leader_days[0] - 10, leader_days[-1] + 400)
    weekend = all_days[(all_days + 3) % 7 >= 5]
    follower = bars_on(weekend, random_walk(weekend.size, 6, vol=0.03))
    result = _run(leader, follower, dataclasses.replace(PARAMS, min_gap_days=20))
    assert len(result.breakouts) > 0
    assert result.breakouts["fwd_30d"].notna().all()  # p0 is the weekend close before
    assert result.correlation.empty
    assert any("No rolling correlation" in n for n in result.notes)
    assert result.correlation_by_year["period"].tolist() == ["all"]
    assert any("No correlation by year" in n for n in result.notes)
    assert result.lead_lag["n"].max() > 50  # weekly buckets still pair up


def test_follower_that_starts_after_the_first_breakouts():
    leader, follower = _pair()
    late = follower.loc[follower.index >= pd.Timestamp("2018-01-01")]
    result = _run(leader, late)
    early = result.breakouts["date"] < pd.Timestamp("2018-01-01")
    assert early.any()
    for h in PARAMS.horizons:
        assert result.breakouts.loc[early, f"fwd_{h}d"].isna().all()
    assert result.breakouts.loc[early, "days_to_follower_ath"].isna().all()


def test_empty_follower_and_single_bar_leader_give_notes_not_crashes():
    leader, _ = _pair()
    result = _run(leader, empty_bars())
    assert result.summary["n_events"].tolist() == [0, 0, 0, 0]
    assert result.summary["p_value"].isna().all()
    assert result.follower_regimes.empty and result.cycles.empty and result.correlation.empty
    assert np.isnan(result.follower_vol_pct)
    assert any("follower has no bars" in n for n in result.notes)
    single = _run(bars_on([day("2020-01-01")], [5.0]), empty_bars())
    assert single.breakouts.empty and single.leader_state.at_ath
    assert any("No breakout" in n for n in single.notes)
    nothing = _run(empty_bars(), empty_bars())
    assert any("nothing to analyse" in n for n in nothing.notes)
    assert nothing.leader_state.last_date is None


def test_series_shorter_than_the_windows():
    leader = bars_on(np.arange(20), np.linspace(10, 20, 20))
    follower = bars_on(np.arange(20), np.linspace(5, 6, 20))
    result = _run(leader, follower, dataclasses.replace(PARAMS, corr_window=50, vol_window=40))
    assert result.correlation.empty and result.leader_vol.empty and result.follower_vol.empty
    assert sum("No volatility" in n for n in result.notes) == 2


def test_non_overlapping_drops_events_inside_an_earlier_window():
    leader = bars_on([0, 100, 130, 300], [10.0, 11.0, 12.0, 13.0])
    follower = bars_on(np.arange(0, 800), np.linspace(1, 2, 800))
    params = AnalysisParams(
        min_gap_days=30, horizons=(50, 200), headline_horizon=50, non_overlapping=True
    )
    result = _run(leader, follower, dataclasses.replace(params, bootstrap_draws=100))
    assert len(result.breakouts) == 3  # the table keeps every event
    # h=50: 100, 130 (30 days later: dropped), 300 -> 2. h=200: 100, 300 -> 2.
    assert result.summary["n_events"].tolist() == [2, 2]
    assert any("50 days: 1 of 3 events left out" in n for n in result.notes)


def test_same_seed_same_numbers():
    leader, follower = _pair()
    first, second = _run(leader, follower), _run(leader, follower)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    assert first.summary["p_value"].notna().all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"horizons": (0, 90)}, "horizons: each must be a whole number from 1 to 3,650"),
        ({"horizons": (-5, 90)}, "horizons: each must be a whole number from 1"),
        ({"horizons": (90, 30)}, "horizons: must be increasing, without repeats"),
        ({"horizons": (90, 90)}, "horizons: must be increasing, without repeats"),
        ({"horizons": ()}, "horizons: must be a list of day counts"),
        ({"horizons": (30, 60)}, r"headline_horizon: must be one of the horizons \(30, 60 days"),
        ({"min_gap_days": -1}, "min_gap_days: must be from 1 to 10,000 days"),
        ({"era_days": -1}, "era_days: must be from 0 to 3,650 days"),
        ({"basis": "open"}, "basis: must be one of close, high"),
        ({"corr_window": 1}, "corr_window: must be from 5 to 1,000 trading days"),
        ({"vol_window": 0}, "vol_window"),
        ({"bootstrap_draws": 0}, "bootstrap_draws: must be from 100"),
        ({"leader_regime": RegimeRule(bear=1.2)}, r"leader_regime.bear: must be from 1% to 95%"),
        ({"follower_regime": RegimeRule(min_phase_days=-1)}, "follower_regime.min_phase_days"),
    ],
)
def test_bad_parameters_are_refused_by_name(changes, message):
    params = dataclasses.replace(PARAMS, **changes)
    with pytest.raises(AnalysisError, match=message):
        validate_params(params)
    leader, follower = _pair(200, 200)
    with pytest.raises(AnalysisError, match=message):
        _run(leader, follower, params)


def test_unsorted_or_broken_bars_are_refused():
    leader, follower = _pair(200, 200)
    with pytest.raises(AnalysisError, match="leader bars are not in date order"):
        _run(leader.iloc[::-1], follower)
    broken = follower.copy()
    broken.iloc[3, broken.columns.get_loc("close")] = -1.0
    with pytest.raises(AnalysisError, match="follower has a missing, zero or negative close"):
        _run(leader, broken)


def test_require_complete_inputs_names_the_problem():
    leader, follower = _pair(300, 400)
    require_complete_inputs("L", leader, "F", follower, PARAMS)
    later = bars_on(day("2030-01-01") + np.arange(200), np.ones(200))
    with pytest.raises(AnalysisError, match="no overlapping dates"):
        require_complete_inputs("L", leader, "F", later, PARAMS)
    with pytest.raises(AnalysisError, match="corr_window is 500 days, larger than the data"):
        require_complete_inputs(
            "L", leader, "F", follower, dataclasses.replace(PARAMS, corr_window=500)
        )
    with pytest.raises(AnalysisError, match="vol_window is 350 days, larger than the data: L"):
        require_complete_inputs(
            "L", leader, "F", follower, dataclasses.replace(PARAMS, corr_window=5, vol_window=350)
        )
    with pytest.raises(AnalysisError, match="F has 1 cached bar"):
        require_complete_inputs("L", leader, "F", follower.iloc[:1], PARAMS)


def test_params_from_settings():
    params = AnalysisParams.from_settings(Settings())
    assert params.follower_regime == RegimeRule(bull=0.30, bear=0.30)
    assert params.follower_trades_every_day
    assert not params.leader_trades_every_day
    validate_params(params)


def test_ten_thousand_by_six_thousand_bars_is_quick():
    leader, follower = _pair(10_000, 6_000)
    params = AnalysisParams(min_gap_days=30)  # many breakouts, B = 10,000
    _run(leader, follower, params)  # warm-up (lazy imports)
    result = _run(leader, follower, params)
    assert len(result.breakouts) >= 5
    assert sum(result.timings.values()) < 1.0  # the benchmark shows ~20 ms; leave slack


def test_high_basis_uses_the_close_where_the_high_is_missing():
    # Close-only early history (high NaN), then bars with highs above their closes.
    closes = [100.0, 90.0, 95.0, 96.0]
    highs = [np.nan, np.nan, 99.0, 101.0]
    leader = bars_on([0, 100, 400, 500], closes, highs)
    result = _run(leader, empty_bars(), dataclasses.replace(PARAMS, basis="high", min_gap_days=365))
    assert result.breakouts["date"].tolist() == [pd.Timestamp("1971-05-16")]  # day 500
    assert result.breakouts["prior_ath"].tolist() == [100.0]  # the close of day 0
    assert result.leader_ath.tolist() == [100.0, 100.0, 100.0, 101.0]
    assert result.leader_state.at_ath and result.leader_state.drawdown == pytest.approx(
        96 / 101 - 1
    )


def test_halving_cycles_and_key_dates_belong_to_the_pairs_bitcoin_market():
    # The S&P 500 -> Russell 2000 pair (one click on the Ladder) drew "1st Bitcoin halving" on
    # the Russell pane and gave the Russell 2000 "halving cycles"; with Bitcoin as the leader
    # the halvings sat on the other market's pane.
    from app.instruments import halving_market

    assert halving_market("yahoo:^RUT", "ccxt:bitstamp:BTC/USD") == "follower"
    assert halving_market("yahoo:BTC-USD", "yahoo:^RUT") == "leader"
    assert halving_market("yahoo:^GSPC", "yahoo:^RUT") == ""
    assert halving_market("yahoo:^GSPC", "csv:my-btc") == "follower"  # may be Bitcoin
    assert halving_market("csv:mine", "yahoo:^RUT") == "leader"
    leader, follower = _pair()
    neither = run_analysis("yahoo:^GSPC", leader, "yahoo:^RUT", follower, PARAMS, HALVINGS)
    assert neither.halving_market == "" and neither.key_dates == ()
    assert neither.cycles.empty and not neither.cycle_curves
    assert "No halving cycles: neither market of the pair is Bitcoin." in neither.notes
    bitcoin_leads = run_analysis("yahoo:BTC-USD", follower, "yahoo:^RUT", leader, PARAMS, HALVINGS)
    assert bitcoin_leads.halving_market == "leader" and bitcoin_leads.key_dates == HALVINGS
    assert (
        bitcoin_leads.cycles["halving_date"].tolist()
        == _run(leader, follower).cycles["halving_date"].tolist()
    )  # the cycles of the Bitcoin bars, whichever side they are on
    assert _run(leader, follower).halving_market == "follower"
