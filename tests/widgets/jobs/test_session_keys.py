"""Instrument keys typed in another spelling (yahoo:^rut) reach the charts after Refresh and Import.

The cache and the fetch report canonical keys (yahoo:^RUT); the settings file, the dialog and the
import prompt accept any spelling. These run the real session against the loopback fakes.
"""

from __future__ import annotations

import json

import pytest

from app.cache import Cache
from app.instruments import InstrumentKey
from app.settings_file import SETTINGS_FILE, load_settings
from tests.fakes.series import daily_rows, expected_frame
from widgets.jobs.session import Session

pytestmark = pytest.mark.gui

LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
LEADER_ROWS = daily_rows(600, first_price=200.0)
FOLLOWER_ROWS = daily_rows(1200)


def _cached_pair(paths) -> None:
    """The follower whole, the leader without its last 100 days."""
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, expected_frame(LEADER_ROWS[:500]))
        cache.store_bars(FOLLOWER, expected_frame(FOLLOWER_ROWS))


def _settings_typed_in_lower_case(paths):
    """A settings file as a user may write it: the leader in lower case."""
    paths.config.mkdir(parents=True, exist_ok=True)
    document = {
        "leader": "yahoo:^rut",
        "follower": "CCXT:Bitstamp:btc/usd",
        "extra_instruments": [],
        "ladder": ["yahoo:^rut", "ccxt:bitstamp:BTC/USD"],
        "bootstrap_draws": 200,
        "refresh_on_start": False,
    }
    (paths.config / SETTINGS_FILE).write_text(json.dumps(document))
    loaded = load_settings(paths.config)
    assert loaded.notice == ""
    return loaded.settings


def _first_result(qtbot, session: Session):
    session.previewReady.connect(lambda _preview: session.preview_shown())
    with qtbot.waitSignal(session.loaded, timeout=20_000) as first:
        session.load()
    assert first.args[0].result is not None, first.args[0].empty_message
    return first.args[0].result


def test_settings_keys_are_held_in_their_canonical_spelling(paths):
    settings = _settings_typed_in_lower_case(paths)
    assert settings.leader == LEADER and type(settings.leader) is InstrumentKey
    assert settings.follower == FOLLOWER


def test_new_bars_of_a_lower_case_leader_reach_the_result_after_refresh(
    qtbot, paths, fake_upstreams
):
    fake_upstreams.yahoo.add_symbol("^RUT", LEADER_ROWS)
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", FOLLOWER_ROWS)
    _cached_pair(paths)
    session = Session(paths, _settings_typed_in_lower_case(paths))
    try:
        assert len(_first_result(qtbot, session).leader) == 500
        with qtbot.waitSignal(session.fetchFinished, timeout=30_000) as fetched:
            session.refresh()
        report = fetched.args[0]
        assert {o.key for o in report.outcomes} == {LEADER, FOLLOWER}
        assert report.new_bars >= 100
        # The fetch reported yahoo:^RUT; the settings said yahoo:^rut: the same market.
        qtbot.waitUntil(lambda: len(session.result.leader) == 600, timeout=20_000)
    finally:
        assert session.shutdown(10.0)


def test_an_import_under_a_differently_spelled_key_reloads_the_pair(qtbot, paths, tmp_path):
    _cached_pair(paths)
    session = Session(paths, _settings_typed_in_lower_case(paths))
    csv = tmp_path / "rut.csv"
    lines = ["Date,Close"]
    lines += [f"{expected_frame([r]).index[0]:%Y-%m-%d},{r[4]}" for r in LEADER_ROWS]
    csv.write_text("\n".join(lines) + "\n")
    try:
        assert len(_first_result(qtbot, session).leader) == 500
        with qtbot.waitSignal(session.loaded, timeout=20_000) as reloaded:
            session.import_csv(csv, InstrumentKey("Yahoo:^Rut"), replace=True)
        assert len(reloaded.args[0].result.leader) == 600
    finally:
        assert session.shutdown(10.0)
