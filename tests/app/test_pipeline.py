"""Load the pair and analyse it (app.pipeline): the one path every command and the window use."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from app.analysis import AnalysisParams, run_analysis
from app.cache import Cache
from app.config import KeyDate, Settings
from app.errors import AnalysisError, UnknownInstrumentError
from app.key_dates import load_key_dates
from app.pipeline import RunInputs, analyse, analyse_cached, load_pair, markets_of
from app.signals.verdicts import Markets
from tests.app.signals.helpers import bars_on

LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
EXTRA = KeyDate("1970-03-01", "A marker of the user's", "event")


@pytest.fixture
def settings():
    return Settings(
        corr_window=5, vol_window=5, min_gap_days=100, bootstrap_draws=200, extra_key_dates=(EXTRA,)
    )


@pytest.fixture
def db(paths):
    """A pair with one breakout (day 100, after the record on day 0) in the cache."""
    leader_close = np.where(np.arange(200) == 0, 100.0, 90.0)
    leader_close[100] = 101.0
    follower_close = np.where(np.arange(301) < 130, 10.0, 15.0)
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, bars_on(np.arange(200), leader_close))
        cache.store_bars(FOLLOWER, bars_on(np.arange(301), follower_close))
    return paths.database


def test_the_cached_run_is_run_analysis_with_the_settings_parameters_and_key_dates(db, settings):
    result, sources = analyse_cached(db, settings)
    with Cache.open(db) as cache:
        leader, follower = cache.load_bars(LEADER), cache.load_bars(FOLLOWER)
    params = AnalysisParams.from_settings(settings)
    expected = run_analysis(
        LEADER, leader, FOLLOWER, follower, params, load_key_dates(settings.extra_key_dates)
    )
    assert result.params == params and EXTRA in result.key_dates
    assert result.key_dates == expected.key_dates
    pd.testing.assert_frame_equal(result.breakouts, expected.breakouts)
    pd.testing.assert_frame_equal(result.summary, expected.summary)
    assert list(result.breakouts["date"]) == [pd.Timestamp("1970-04-11")]
    assert set(sources) == {LEADER, FOLLOWER}


def test_bars_in_memory_give_the_same_run_as_the_cache(db, settings):
    pair = load_pair(db, settings)
    in_memory = analyse(settings, pair.leader, pair.follower)
    cached, _ = analyse_cached(db, settings)
    pd.testing.assert_frame_equal(in_memory.summary, cached.summary)
    assert in_memory.key_dates == cached.key_dates


def test_given_inputs_are_used_instead_of_the_settings(db, settings):
    pair = load_pair(db, settings)
    inputs = RunInputs(AnalysisParams(corr_window=7, vol_window=5, min_gap_days=100), ())
    result = analyse(settings, pair.leader, pair.follower, inputs)
    assert result.params.corr_window == 7 and result.key_dates == ()


def test_no_cache_yet_is_unknown_data_and_creates_no_cache(paths, settings):
    with pytest.raises(UnknownInstrumentError, match="No cached data yet"):
        analyse_cached(paths.database, settings)
    assert not paths.database.exists()


def test_an_instrument_not_in_the_cache_is_named(db, settings):
    other = dataclasses.replace(settings, follower="yahoo:^GSPC")
    with pytest.raises(UnknownInstrumentError, match=r"yahoo:\^GSPC"):
        load_pair(db, other)


def test_the_strict_path_refuses_what_the_window_would_show_partially(db, settings):
    too_wide = dataclasses.replace(settings, corr_window=250)
    with pytest.raises(AnalysisError, match="corr_window"):
        analyse_cached(db, too_wide)
    pair = load_pair(db, too_wide)
    partial = analyse(too_wide, pair.leader, pair.follower)
    assert partial.correlation.empty and partial.notes


def test_origin_switch_days_are_the_starts_of_runs_from_another_origin():
    import datetime as dt

    from app.pipeline import origin_switch_days
    from app.provenance import Origin, SourceSpan

    file, provider = Origin.file("BTC.csv"), Origin("provider", "ccxt:bitstamp")
    spans = [
        SourceSpan(provider, dt.date(1970, 3, 1), dt.date(1970, 3, 10), 10),
        SourceSpan(file, dt.date(1970, 1, 1), dt.date(1970, 1, 31), 31),
        SourceSpan(file, dt.date(1970, 2, 1), dt.date(1970, 2, 28), 28),  # same origin again
    ]
    assert origin_switch_days(spans) == [59]  # 1970-03-01
    assert origin_switch_days([]) == []


def test_the_verdicts_name_the_markets_as_the_window_does(db, settings):
    # The one breakout has no 365 days of follower data: that verdict names the follower.
    result, _sources = analyse_cached(db, settings)
    assert "365 days of data for Bitcoin (Bitstamp) yet" in result.summary["verdict"].iloc[-1]
    renamed = settings.with_instrument(FOLLOWER, label="My coin")
    result, _sources = analyse_cached(db, renamed)
    assert "365 days of data for My coin yet" in result.summary["verdict"].iloc[-1]
    names = markets_of(renamed.with_instrument(LEADER, label="Small caps"), LEADER, FOLLOWER)
    assert names == Markets("Small caps", "My coin")
