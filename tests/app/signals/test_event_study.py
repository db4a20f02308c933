"""Event study: non-overlapping events, the bootstrap p-value, summary rows and verdicts."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.signals.event_study import (
    SUMMARY_COLUMNS,
    bootstrap_p_value,
    non_overlapping_mask,
    summarize_horizon,
    summary_frame,
    verdict,
)


def test_non_overlapping_keeps_events_at_least_h_days_apart():
    event_days = np.array([0, 10, 29, 30, 45, 61])
    has_data = np.ones(6, dtype=bool)
    # h = 30: keep 0; 10 and 29 start within 30 days; 30 is exactly 30 days later -> kept;
    # 45 within 30 of 30; 61 is 31 days after 30 -> kept.
    assert non_overlapping_mask(event_days, has_data, 30).tolist() == [
        True, False, False, True, False, True,
    ]  # fmt: skip


def test_events_without_data_neither_count_nor_block():
    event_days = np.array([0, 10, 20])
    has_data = np.array([False, True, True])
    assert non_overlapping_mask(event_days, has_data, 15).tolist() == [False, True, False]


def test_p_value_is_the_share_of_random_sets_at_least_as_high():
    base = np.arange(100, dtype=float)
    events = np.array([50.0, 60.0, 70.0])
    draws, seed = 2_000, 7
    rng = np.random.default_rng(seed)
    means = base[rng.integers(0, base.size, size=(draws, events.size))].mean(axis=1)
    expected = np.count_nonzero(means >= events.mean()) / draws
    assert bootstrap_p_value(events, base, draws, seed) == expected
    assert bootstrap_p_value(events, base, draws, seed) == expected  # seeded: repeatable


def test_p_value_extremes_and_ties():
    base = np.array([0.1, 0.2, 0.3])
    assert bootstrap_p_value(np.array([0.5, 0.6]), base, 500, 1) == 0.0
    assert bootstrap_p_value(np.array([0.0, -0.1]), base, 500, 1) == 1.0
    flat = np.full(10, 0.1)
    assert bootstrap_p_value(np.array([0.1, 0.1, 0.1]), flat, 500, 1) == 1.0  # ties count
    assert np.isnan(bootstrap_p_value(np.array([]), base, 500, 1))
    assert np.isnan(bootstrap_p_value(np.array([0.1]), np.array([]), 500, 1))


def test_p_value_in_chunks_matches_one_block(monkeypatch):
    import app.signals.event_study as es

    base = np.random.default_rng(3).normal(size=500)
    events = base[:7] + 0.2
    whole = bootstrap_p_value(events, base, 3_000, 11)
    monkeypatch.setattr(es, "_DRAW_CELLS", 70)  # 10 draws per chunk
    assert bootstrap_p_value(events, base, 3_000, 11) == whole


def test_ten_thousand_draws_are_fast():
    base = np.random.default_rng(0).normal(size=6_000)
    start = time.perf_counter()
    bootstrap_p_value(base[:20], base, 10_000, 1)
    assert time.perf_counter() - start < 0.5


def test_summary_row_by_hand():
    # Follower: days 0..9, close 100..109 (+1 per day). Horizon 3 from day 0: 103/100 - 1.
    days = np.arange(10, dtype=np.int64)
    close = 100.0 + np.arange(10)
    events = np.array([0.03, np.nan, 0.05])
    row = summarize_horizon(3, events, days, close, 1_000, 5)
    base = (close[3:] / close[:7]) - 1
    assert row["horizon"] == 3
    assert row["n_events"] == 2  # the NaN event had no data
    assert row["mean"] == pytest.approx(0.04)
    assert row["median"] == pytest.approx(0.04)
    assert row["share_positive"] == 1.0
    assert row["base_n"] == 7
    assert row["base_mean"] == pytest.approx(base.mean())
    assert row["base_median"] == pytest.approx(np.median(base))
    assert row["base_share_positive"] == 1.0
    assert 0.0 <= row["p_value"] <= 1.0
    assert "too few" in row["verdict"]
    assert list(summary_frame([row]).columns) == list(SUMMARY_COLUMNS)


def test_summary_frame_without_rows_keeps_its_columns():
    frame = summary_frame([])
    assert list(frame.columns) == list(SUMMARY_COLUMNS) and frame.empty


@pytest.mark.parametrize("n", [1, 2, 4])
def test_small_samples_never_conclude_whatever_the_numbers(n):
    text = verdict(30, n, 5.0, 5.0, 1.0, 5000, 0.01, 0.0, 10_000)
    assert "too few to conclude anything" in text
    assert "strong" not in text and "weak" not in text


def test_verdicts_compare_with_the_base_rate_honestly():
    strong = verdict(90, 7, 0.40, 0.30, 0.86, 4000, 0.05, 0.012, 10_000)
    assert strong.startswith("90 days:") and "unusually strong" in strong and "1.2%" in strong
    plain = verdict(90, 7, 0.10, 0.05, 0.57, 4000, 0.05, 0.31, 10_000)
    assert "not distinguishable from any random day" in plain
    weak = verdict(90, 7, -0.30, -0.2, 0.1, 4000, 0.05, 0.99, 10_000)
    assert "unusually weak" in weak
    none = verdict(90, 6, 0.9, 0.9, 1.0, 4000, 0.05, 0.0, 10_000)
    assert "none of 10,000" in none
    assert "nothing to measure" in verdict(365, 0, np.nan, np.nan, np.nan, 10, 0.1, np.nan, 100)
    assert "no base rate" in verdict(365, 5, 0.1, 0.1, 1.0, 0, np.nan, np.nan, 100)
