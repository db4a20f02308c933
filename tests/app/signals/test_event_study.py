"""Event study: non-overlapping events, the era-matched statistics on a hand-built series,
Holm across horizons, and a real effect found."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.signals.era import EraPools
from app.signals.event_study import (
    SUMMARY_COLUMNS,
    TEXT_COLUMNS,
    NullSettings,
    study_horizon,
    summary_frame,
    summary_rows,
)
from app.signals.forward import forward_returns
from app.signals.interval import t_quantile
from app.signals.null_test import null_draws

# Follower: 30 daily bars, log closes from known steps (so every return is known exactly).
DAYS = np.arange(30, dtype=np.int64)
STEPS = np.random.default_rng(2).normal(0.0, 0.05, 30)
CLOSE = 100 * np.exp(np.cumsum(STEPS))
EVENTS = np.array([2, 10, 20], dtype=np.int64)


def _study(horizon=3, events=EVENTS, era_days=5, draws=1_000, seed=5, used=None):
    fwd = forward_returns(events, DAYS, CLOSE, horizon).fwd
    used = ~np.isnan(fwd) if used is None else used
    null = NullSettings(era_days, draws, seed)
    return study_horizon(horizon, events, fwd, used, (DAYS, CLOSE), null)


def test_statistic_era_base_and_p_value_by_their_definitions():
    log_close = np.log(CLOSE)
    base = log_close[3:] - log_close[:-3]  # start days 0..26
    logs = base[EVENTS]
    # |s - d| <= 5: event 2 -> days 0..7, event 10 -> 5..15, event 20 -> 15..25.
    lo, hi = np.array([0, 5, 15]), np.array([8, 16, 26])
    pool_means = np.array([base[a:b].mean() for a, b in zip(lo, hi, strict=True)])
    study = _study()
    e = study.evidence
    assert study.log_mean == pytest.approx(logs.mean())
    assert e.geo_mean == pytest.approx(math.exp(logs.mean()) - 1)
    assert e.mean == pytest.approx(np.expm1(logs).mean())
    assert e.median == pytest.approx(np.median(np.expm1(logs)))
    assert e.era_base_geo_mean == pytest.approx(np.expm1(pool_means).mean())
    assert e.base_geo_mean == pytest.approx(math.exp(base.mean()) - 1)
    assert study.base_n == 27 and study.base_mean == pytest.approx(np.expm1(base).mean())
    # The null sets: per set one day from each event's own pool (see null_draws).
    picks = np.concatenate(list(null_draws(EraPools(base, lo, hi), 1_000, 5)), axis=1)
    assert all(np.isin(picks[j], base[lo[j] : hi[j]]).all() for j in range(3))
    null = picks.mean(axis=0)
    assert e.p_high == (1 + np.count_nonzero(null >= logs.mean() - 1e-12)) / 1_001
    assert e.p_low == (1 + np.count_nonzero(null <= logs.mean() + 1e-12)) / 1_001
    excess = logs - pool_means
    half = t_quantile(0.975, 2) * excess.std(ddof=1) / math.sqrt(3)
    assert e.ci == pytest.approx((math.exp(excess.mean() - half), math.exp(excess.mean() + half)))
    # Percentile of each event within its own era.
    expected = [np.mean(base[a:b] <= v + 1e-12) for a, b, v in zip(lo, hi, logs, strict=True)]
    assert study.era_pct == pytest.approx(expected)


def test_era_zero_compares_with_the_whole_history():
    e = _study(era_days=0).evidence
    base = np.log(CLOSE[3:] / CLOSE[:-3])
    assert e.era_base_geo_mean == pytest.approx(math.exp(base.mean()) - 1)
    assert e.era_base_geo_mean == pytest.approx(e.base_geo_mean)


def test_fragile_event_is_the_one_whose_removal_raises_p_most():
    e = _study(events=np.array([2, 6, 10, 14, 20]), draws=2_000).evidence
    assert e.fragile_event in {"1970-01-03", "1970-01-07", "1970-01-11", "1970-01-15", "1970-01-21"}
    assert e.p_leave_one_out_max >= min(1.0, 2 * min(e.p_high, e.p_low)) - 1e-12


def test_events_left_out_are_not_tested_but_keep_their_percentile():
    used = np.array([True, False, True])
    study = _study(used=used)
    assert study.evidence.n == 2
    assert not np.isnan(study.era_pct).any()  # every event with data gets its percentile


def test_summary_rows_adjust_across_the_horizons_studied():
    studies = [_study(horizon=h) for h in (2, 3, 5)]
    rows = summary_rows(studies)
    two = [min(1.0, 2 * min(s.evidence.p_high, s.evidence.p_low)) for s in studies]
    order = np.argsort(two)
    expected = np.maximum.accumulate(np.minimum(1.0, np.array(two)[order] * [3, 2, 1]))
    assert [rows[i]["p_adjusted"] for i in order] == pytest.approx(np.minimum(expected, 1.0))
    assert all(r["verdict_kind"] == "too_few" for r in rows)  # 3 events
    assert list(summary_frame(rows).columns) == list(SUMMARY_COLUMNS)
    assert rows[0]["p_value"] == studies[0].evidence.p_high


def test_summary_frame_without_rows_keeps_its_columns():
    frame = summary_frame([])
    assert list(frame.columns) == list(SUMMARY_COLUMNS) and frame.empty
    assert set(TEXT_COLUMNS) <= set(SUMMARY_COLUMNS)


def test_a_real_effect_at_every_event_is_found_at_every_horizon():
    # A quiet follower that jumps +30 % the day after each of 8 events, 400 days apart.
    rng = np.random.default_rng(4)
    days = np.arange(4_000, dtype=np.int64)
    steps = rng.normal(0.0003, 0.01, days.size)
    events = np.arange(8, dtype=np.int64) * 400 + 300
    steps[events + 1] += math.log(1.3)
    close = 50 * np.exp(np.cumsum(steps))
    studies = []
    for h in (30, 90):
        fwd = forward_returns(events, days, close, h).fwd
        null = NullSettings(730, 2_000, 1)
        studies.append(study_horizon(h, events, fwd, ~np.isnan(fwd), (days, close), null))
    rows = summary_rows(studies)
    assert [r["verdict_kind"] for r in rows] == ["unusually_strong"] * 2
    assert all(r["p_leave_one_out_max"] < 0.05 and r["ci_low"] > 1 for r in rows)
    assert "after 8 breakouts" in rows[0]["verdict"]


def test_one_outlier_never_makes_unusually_strong():
    # The same quiet follower, but only one of 8 events is followed by a rally (+400 %).
    rng = np.random.default_rng(4)
    days = np.arange(4_000, dtype=np.int64)
    steps = rng.normal(0.0003, 0.01, days.size)
    events = np.arange(8, dtype=np.int64) * 400 + 300
    steps[events[2] + 1] += math.log(5.0)
    close = 50 * np.exp(np.cumsum(steps))
    fwd = forward_returns(events, days, close, 30).fwd
    study = study_horizon(
        30, events, fwd, ~np.isnan(fwd), (days, close), NullSettings(730, 2_000, 1)
    )
    row = summary_rows([study])[0]
    assert row["p_value"] < 0.05  # on its own the mean looks unusual...
    assert row["verdict_kind"] == "suggestive"  # ...but it rests on one event, and says which
    assert row["fragile_event"] == str(np.datetime64(int(events[2]), "D"))
    assert row["fragile_event"] in row["verdict"]


def test_non_overlapping_keeps_events_at_least_h_days_apart():
    from app.signals.event_study import non_overlapping_mask

    event_days = np.array([0, 10, 29, 30, 45, 61])
    has_data = np.ones(6, dtype=bool)
    # h = 30: keep 0; 10 and 29 start within 30 days; 30 is exactly 30 days later -> kept;
    # 45 within 30 of 30; 61 is 31 days after 30 -> kept.
    assert non_overlapping_mask(event_days, has_data, 30).tolist() == [
        True, False, False, True, False, True,
    ]  # fmt: skip


def test_events_without_data_neither_count_nor_block():
    from app.signals.event_study import non_overlapping_mask

    event_days = np.array([0, 10, 20])
    has_data = np.array([False, True, True])
    assert non_overlapping_mask(event_days, has_data, 15).tolist() == [False, True, False]
