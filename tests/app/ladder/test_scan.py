"""Rung states and the pair matrix on hand-built ladders."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from app.analysis import run_analysis
from app.cache import Cache
from app.config import Settings
from app.errors import OfflineError, SettingsError
from app.ladder.pairs import cell_from_summary, ordered_pairs, pair_params
from app.ladder.scan import scan_cache, scan_ladder
from tests.app.ladder.series import CYCLE_DAYS, FIRST_DAY, ladder_frames

KEYS = ("csv:leader", "csv:rally", "csv:wave", "csv:empty", "csv:single")
EPOCH = dt.date(1970, 1, 1)


@pytest.fixture(scope="module")
def scan():
    return scan_ladder(ladder_frames(), {}, Settings(), keys=KEYS)


def test_one_pair_follows_through_and_another_does_not(scan):
    rally = scan.cell("csv:leader", "csv:rally")
    assert rally.breakouts == 9 and rally.n_events == 9
    assert rally.verdict_kind == "unusually_strong" and not rally.quiet
    assert rally.mean == pytest.approx(0.3, abs=0.01)
    assert rally.verdict.startswith("90 days: after 9 breakouts of leader, rally returned +30.0%")
    wave = scan.cell("csv:leader", "csv:wave")
    assert wave.n_events == 9 and wave.verdict_kind == "not_distinguishable" and wave.quiet


def test_each_cell_is_the_pairs_own_run_analysis_at_the_horizon(scan):
    """The scan runs only the parts a cell needs; every cell must equal the full analysis."""
    frames, settings = ladder_frames(), Settings()
    for leader, follower in ordered_pairs(KEYS):
        params = pair_params(settings, leader, follower, 90)
        alone = run_analysis(leader, frames[leader], follower, frames[follower], params, ())
        expected = cell_from_summary((leader, follower), len(alone.breakouts), alone.summary, 90)
        assert repr(scan.cell(leader, follower)) == repr(expected)  # repr: NaN equals NaN


def test_rungs_without_data_or_with_one_bar_give_quiet_cells_not_errors(scan):
    for follower in ("csv:empty", "csv:single"):
        cell = scan.cell("csv:leader", follower)
        assert cell.n_events == 0 and cell.verdict_kind == "no_data" and cell.quiet
    assert scan.cell("csv:empty", "csv:single").breakouts == 0
    empty = scan.rung("csv:empty")
    assert not empty.has_data and empty.stale and empty.last_date is None
    assert math.isnan(empty.last_close) and empty.regime == ""
    single = scan.rung("csv:single")
    assert (single.bars, single.last_close, single.at_ath, single.days_since_ath) == (
        1,
        42.0,
        True,
        0,
    )
    assert single.regime == "" and single.last_breakout is None
    assert math.isnan(single.volatility)


def test_rung_state_of_the_leader(scan):
    leader = scan.rung("csv:leader")
    last_breakout = EPOCH + dt.timedelta(days=FIRST_DAY + 9 * CYCLE_DAYS)
    assert leader.name == "leader" and leader.bars == 4_700
    assert leader.last_breakout == last_breakout == leader.last_ath_date
    assert leader.breakout_age_days == leader.days_since_ath == 199
    assert not leader.at_ath and leader.drawdown == 0.0
    wave = scan.rung("csv:wave")
    assert wave.last_breakout is None and 0 < wave.volatility_pct <= 1
    assert wave.drawdown < 0 and wave.regime in ("bull", "bear")
    # A 97-day wave has no cycle long enough for the censored phases (min_cycle_days 480):
    # its one phase is the first, undated one, which began before the data.
    assert wave.regime_since is None


def test_pairs_are_leader_above_follower_unless_all_are_asked_for(scan):
    assert [(c.leader, c.follower) for c in scan.cells] == ordered_pairs(KEYS)
    assert len(scan.cells) == 10
    assert ordered_pairs(("a", "b", "c"), all_pairs=True) == [
        ("a", "b"),
        ("a", "c"),
        ("b", "a"),
        ("b", "c"),
        ("c", "a"),
        ("c", "b"),
    ]
    frames = ladder_frames()
    both = scan_ladder(frames, {}, Settings(), keys=KEYS[:2], all_pairs=True)
    assert both.cell("csv:rally", "csv:leader") is not None and both.all_pairs


def test_the_horizon_is_any_allowed_one_and_keeps_the_users_horizons():
    frames = ladder_frames()
    keys = KEYS[:2]
    at_60 = scan_ladder(frames, {}, Settings(), keys=keys, horizon=60)
    assert at_60.horizon == 60 and at_60.cell(*keys).horizon == 60
    assert pair_params(Settings(), *keys, 60).horizons == (30, 60, 90, 180, 365)
    with pytest.raises(SettingsError, match="horizon: must be from 1 to 3,650 days"):
        scan_ladder(frames, {}, Settings(), keys=keys, horizon=0)
    eight = Settings().with_changes(horizons=(1, 2, 3, 4, 5, 6, 7, 90))
    with pytest.raises(SettingsError, match=r"horizon: must be one of the horizons .* when 8"):
        scan_ladder(frames, {}, eight, keys=keys, horizon=60)


def test_scan_cache_loads_rungs_and_their_freshness(tmp_path):
    db = tmp_path / "cache.sqlite"
    frames = ladder_frames()
    with Cache.open(db) as cache:
        for key in ("csv:leader", "csv:rally"):
            cache.store_bars(key, frames[key])
        cache.record_error("csv:rally", OfflineError("no network"))
    keys = ("csv:leader", "csv:rally", "csv:missing")
    today = dt.date(2010, 4, 2)
    scan = scan_cache(db, Settings(), keys=keys, today=today)
    leader, rally, missing = scan.rungs
    assert not leader.stale and leader.last_error == ""
    assert rally.last_error == "no network" and rally.last_error_kind == "offline"
    assert not missing.has_data and missing.stale
    assert scan.cell("csv:leader", "csv:rally").verdict_kind == "unusually_strong"
    assert scan_cache(tmp_path / "none.sqlite", Settings(), keys=keys).rungs[0].bars == 0
    assert not (tmp_path / "none.sqlite").exists()


def test_the_users_label_names_the_rung():
    settings = Settings().with_instrument("csv:leader", label="Small caps")
    scan = scan_ladder(ladder_frames(), {}, settings, keys=KEYS[:2])
    assert scan.rungs[0].name == "Small caps" and scan.rungs[1].name == "rally"
