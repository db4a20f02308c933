"""Alerts after fetches from the loopback fakes: raised once per event, never for corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from app.cache import Cache
from app.config import Settings
from app.ladder.watch import mark_read, refresh_with_alerts, store_alerts, stored_alerts
from tests.fakes.series import today_epoch_day

RUT, BTC = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
EPOCH = dt.date(1970, 1, 1)
FIRST = today_epoch_day() - 800  # 800 days of history, the newest bar yesterday


def rows(closes, first=FIRST):
    return [(first + i, c, c * 1.001, c * 0.999, c, 1000.0) for i, c in enumerate(closes)]


def rut_closes():
    """Up from 100 to its all-time high of 200 on day 50, then sideways 10 % below it."""
    return [100 + 2 * i for i in range(51)] + [180 + (i % 5) for i in range(600)]


def btc_closes():
    """A steady rise (a bull phase)."""
    return [100 * 1.002**i for i in range(651)]


@pytest.fixture
def ladder_settings():
    return Settings().with_changes(ladder=(RUT, BTC))


def fetch(paths, settings):
    return refresh_with_alerts(paths.database, [RUT, BTC], settings, timeout_s=20)


def test_a_breakout_alerts_once_and_a_corrected_bar_never(fake_upstreams, paths, ladder_settings):
    yahoo, exchange = fake_upstreams.yahoo, fake_upstreams.exchange
    rut, btc = rut_closes(), btc_closes()
    yahoo.add_symbol("^RUT", rows(rut))
    exchange.add_market("bitstamp", "BTC/USD", rows(btc))
    first = fetch(paths, ladder_settings)
    assert all(o.ok for o in first.outcomes) and first.alerts == ()  # history is not news

    rut += [205.0]  # 601 days after the previous all-time high: a breakout
    btc += [btc[-1] * 0.999]  # Bitcoin's new bar is an ordinary one
    yahoo.add_symbol("^RUT", rows(rut))
    exchange.add_market("bitstamp", "BTC/USD", rows(btc))
    second = fetch(paths, ladder_settings)
    assert [(a.kind, a.key) for a in second.alerts] == [("breakout", RUT)]
    alert = second.alerts[0]
    assert alert.event_date == EPOCH + dt.timedelta(days=FIRST + 651)
    assert alert.last_bar_date == alert.event_date and alert.last_close == 205.0
    assert alert.text.startswith("Russell 2000 (^RUT) broke out: a new all-time high of 205.00")
    assert "601 days after the previous one (200.00" in alert.text
    assert [(c.leader, c.follower, c.horizon) for c in alert.pairs] == [(RUT, BTC, 90)]
    assert stored_alerts(paths.database) == [alert]  # persisted, with the data and verdicts

    rut += [190.0]  # a new bar below the high: nothing new, the breakout is not raised again
    yahoo.add_symbol("^RUT", rows(rut))
    assert fetch(paths, ladder_settings).alerts == ()

    rut[-1] = 210.0  # the provisional last bar corrected to a new high, plus a new ordinary bar
    rut += [195.0]
    yahoo.add_symbol("^RUT", rows(rut))
    third = fetch(paths, ladder_settings)
    with Cache.open(paths.database) as cache:
        assert cache.load_bars(RUT)["close"].iloc[-2] == 210.0  # the correction was stored
    assert third.alerts == ()
    assert len(stored_alerts(paths.database)) == 1


def test_a_regime_turn_alerts_once(fake_upstreams, paths, ladder_settings):
    yahoo, exchange = fake_upstreams.yahoo, fake_upstreams.exchange
    rut, btc = rut_closes(), btc_closes()
    yahoo.add_symbol("^RUT", rows(rut))
    exchange.add_market("bitstamp", "BTC/USD", rows(btc))
    fetch(paths, ladder_settings)
    peak = btc[-1]
    btc += [peak * (1 - 0.01 * i) for i in range(1, 41)]  # down 40 %: Bitcoin's 30 % bear rule
    exchange.add_market("bitstamp", "BTC/USD", rows(btc))
    turn = fetch(paths, ladder_settings)
    assert [(a.kind, a.key) for a in turn.alerts] == [("regime_turn", BTC)]
    alert = turn.alerts[0]
    assert alert.event_date == EPOCH + dt.timedelta(days=FIRST + 650)  # the peak
    assert "Bitcoin (Bitstamp) turned bear (was bull)" in alert.text and alert.pairs == ()
    btc += [btc[-1] * 0.99]
    exchange.add_market("bitstamp", "BTC/USD", rows(btc))
    assert fetch(paths, ladder_settings).alerts == ()


def test_only_the_wanted_kinds_are_raised(fake_upstreams, paths, ladder_settings):
    settings = ladder_settings.with_changes(alert_kinds=("new_high",))
    yahoo, exchange = fake_upstreams.yahoo, fake_upstreams.exchange
    yahoo.add_symbol("^RUT", rows(rut_closes()))
    exchange.add_market("bitstamp", "BTC/USD", rows(btc_closes()))
    fetch(paths, settings)
    yahoo.add_symbol("^RUT", rows([*rut_closes(), 205.0]))
    exchange.add_market("bitstamp", "BTC/USD", rows([*btc_closes(), 999.0]))
    found = fetch(paths, settings).alerts
    # The breakout is announced as the new high it is; Bitcoin's ordinary new high too.
    assert [(a.kind, a.key) for a in found] == [("new_high", RUT), ("new_high", BTC)]
    assert found[0].text == (
        f"Russell 2000 (^RUT) set a new all-time high of 205.00 on {found[0].event_date}."
    )


def test_an_event_is_stored_once_and_read_flags_are_kept(fake_upstreams, paths, ladder_settings):
    yahoo, exchange = fake_upstreams.yahoo, fake_upstreams.exchange
    yahoo.add_symbol("^RUT", rows(rut_closes()))
    exchange.add_market("bitstamp", "BTC/USD", rows(btc_closes()))
    fetch(paths, ladder_settings)
    yahoo.add_symbol("^RUT", rows([*rut_closes(), 205.0]))
    raised = fetch(paths, ladder_settings).alerts
    assert store_alerts(paths.database, raised) == ()  # the same event again: refused
    mark_read(paths.database, raised)
    assert stored_alerts(paths.database, unread_only=True) == []
    assert [a.read for a in stored_alerts(paths.database)] == [True]
