"""Calibration: on a follower with no signal, the verdict rule says "unusually …" rarely enough.

Null world: random event dates (no link to the follower) on a heavy-tailed follower whose
early years boom (high drift and volatility) and later calm down, like Bitcoin's history.
A verdict rule is honest when, over many random event sets, the share of sets in which ANY
horizon is called "unusually strong" or "unusually weak" stays at most 5 %. With SETS sets the
Monte Carlo standard error of a true 5 % share is sqrt(0.05 · 0.95 / SETS) ≈ 0.7 %; the bound
allows three of them (TOLERANCE), so the test fails only for a rule really above 5 %.

The rule used before era matching (arithmetic means against the whole history, one-sided
p = share of sets at least as high, p < 0.05 strong / p > 0.95 weak, no allowance for the four
horizons) is kept below as a reference: it must fail the same test, which shows the test can.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.signals.event_study import NullSettings, study_horizon, summary_rows
from app.signals.forward import base_rate_returns, forward_returns

HORIZONS = (30, 90, 180, 365)
SETS = 1_000
DRAWS = 400  # p = (1 + hits) / (B + 1) is a valid p-value for any B
NOMINAL = 0.05
TOLERANCE = 3 * math.sqrt(NOMINAL * (1 - NOMINAL) / SETS)  # ≈ 0.021


def _null_follower(seed: int = 7, years: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = years * 365
    boom = np.arange(n) < n * 0.3
    drift = np.where(boom, 0.004, 0.0005)
    vol = np.where(boom, 0.06, 0.03)
    steps = drift + vol * rng.standard_t(3, n) / math.sqrt(3)
    return 14_000 + np.arange(n, dtype=np.int64), 10 * np.exp(np.cumsum(steps))


def _random_event_sets(days: np.ndarray) -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    eligible = days[days + max(HORIZONS) <= days[-1]]  # every horizon has data
    return [
        np.sort(rng.choice(eligible, size=int(rng.integers(5, 11)), replace=False))
        for _ in range(SETS)
    ]


def _kinds(events: np.ndarray, days: np.ndarray, close: np.ndarray) -> list[str]:
    null = NullSettings(era_days=730, draws=DRAWS, seed=5)
    studies = []
    for h in HORIZONS:
        fwd = forward_returns(events, days, close, h).fwd
        studies.append(study_horizon(h, events, fwd, ~np.isnan(fwd), (days, close), null))
    return [row["verdict_kind"] for row in summary_rows(studies)]


def _old_rule_kinds(events: np.ndarray, days: np.ndarray, close: np.ndarray) -> list[str]:
    """The rule before era matching (see the module doc), as it was computed."""
    kinds = []
    for h in HORIZONS:
        fwd = forward_returns(events, days, close, h).fwd
        target = float(np.mean(fwd))
        base = base_rate_returns(days, close, h)
        rng = np.random.default_rng(5)
        means = base[rng.integers(0, base.size, size=(DRAWS, fwd.size))].mean(axis=1)
        p = np.count_nonzero(means >= target - 1e-12 * max(1.0, abs(target))) / DRAWS
        kinds.append("unusually_strong" if p < 0.05 else "unusually_weak" if p > 0.95 else "")
    return kinds


@pytest.fixture(scope="module")
def null_world():
    days, close = _null_follower()
    return days, close, _random_event_sets(days)


def _share_with_unusual(kinds_per_set: list[list[str]]) -> float:
    return float(np.mean([any(k.startswith("unusually") for k in ks) for ks in kinds_per_set]))


def test_no_signal_rarely_gets_an_unusual_verdict_at_any_horizon(null_world):
    days, close, event_sets = null_world
    share = _share_with_unusual([_kinds(e, days, close) for e in event_sets])
    assert share <= NOMINAL + TOLERANCE, f"{share:.1%} of null sets called unusual"


def test_the_rule_before_era_matching_fails_the_same_test(null_world):
    days, close, event_sets = null_world
    share = _share_with_unusual([_old_rule_kinds(e, days, close) for e in event_sets])
    assert share > NOMINAL + TOLERANCE, f"the old rule called {share:.1%} of null sets unusual"
