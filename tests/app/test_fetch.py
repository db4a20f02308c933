"""app.fetch.refresh against the loopback fakes: full load, top-up, failures, cancel, CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.cache import Cache
from app.errors import CancelledError, NotFoundError, RateLimitedError
from app.fetch import OVERLAP_DAYS, refresh
from tests.fakes.series import daily_rows

ROOT = Path(__file__).resolve().parents[2]
BTC = "ccxt:bitstamp:BTC/USD"


def test_full_then_incremental_top_up(fake_upstreams, paths):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(400))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(1500))
    first = refresh(paths.database, ["yahoo:^RUT", BTC], timeout_s=20)
    assert [(o.key, o.ok, o.new_bars) for o in first] == [
        ("yahoo:^RUT", True, 400),
        (BTC, True, 1500),
    ]
    charts = len(fake_upstreams.yahoo.chart_requests("^RUT"))
    candles = len(fake_upstreams.exchange.candle_requests("bitstamp"))

    second = refresh(paths.database, ["yahoo:^RUT", BTC], timeout_s=20)
    assert [(o.ok, o.new_bars) for o in second] == [(True, 0), (True, 0)]
    # An up-to-date cache costs one small request per instrument.
    assert len(fake_upstreams.yahoo.chart_requests("^RUT")) == charts + 1
    assert len(fake_upstreams.exchange.candle_requests("bitstamp")) == candles + 1
    with Cache.open(paths.database) as cache:
        info = cache.instrument(BTC)
        assert info.rows == 1500 and info.last_fetch is not None and info.last_error == ""


def test_top_up_asks_only_from_a_few_days_before_the_last_bar(fake_exchange, paths):
    rows = daily_rows(300)
    fake_exchange.add_market("bitstamp", "BTC/USD", rows[:250])
    refresh(paths.database, [BTC], timeout_s=20)
    fake_exchange.add_market("bitstamp", "BTC/USD", rows)
    outcome = refresh(paths.database, [BTC], timeout_s=20)[0]
    assert outcome.ok and outcome.new_bars == 50
    since_ms = int(fake_exchange.candle_requests("bitstamp")[-1].query["start"]) * 1000
    assert since_ms // 86_400_000 == rows[249][0] - OVERLAP_DAYS


def test_failure_changes_nothing_and_records_the_error(fake_yahoo, paths):
    fake_yahoo.add_symbol("^RUT", daily_rows(50))
    refresh(paths.database, ["yahoo:^RUT"], timeout_s=20)
    with Cache.open(paths.database) as cache:
        before = cache.load_bars("yahoo:^RUT")
    fake_yahoo.add_fault("status", path="/v8/finance/chart/", status=429, retry_after=3600)
    outcome = refresh(paths.database, ["yahoo:^RUT", "yahoo:^NOPE"], timeout_s=5)
    assert isinstance(outcome[0].error, RateLimitedError)
    assert not outcome[1].ok
    with Cache.open(paths.database) as cache:
        assert cache.load_bars("yahoo:^RUT").equals(before)
        info = cache.instrument("yahoo:^RUT")
        assert (
            info.last_error_kind == "rate_limited"
            and "try again in 60 minutes" in info.last_error.lower()
        )


def test_unknown_symbol_is_recorded_as_not_found(fake_yahoo, paths):
    outcome = refresh(paths.database, ["yahoo:^NOPE"], timeout_s=10)[0]
    assert isinstance(outcome.error, NotFoundError)
    with Cache.open(paths.database) as cache:
        assert cache.instrument("yahoo:^NOPE").last_error_kind == "not_found"


def test_cancel_stops_every_unfinished_instrument_and_stores_nothing_of_them(fake_exchange, paths):
    fake_exchange.add_market("bitstamp", "BTC/USD", daily_rows(3000))
    fake_exchange.add_market("binance", "BTC/USDT", daily_rows(100))
    fake_exchange.add_fault("slow", delay_s=0.3)  # every request: the cancel comes first
    calls = []

    def cancel_after_first_progress() -> bool:
        return len(calls) > 1

    outcomes = refresh(
        paths.database,
        [BTC, "ccxt:binance:BTC/USDT"],
        timeout_s=20,
        progress=calls.append,
        should_cancel=cancel_after_first_progress,
    )
    assert [o.key for o in outcomes] == [BTC, "ccxt:binance:BTC/USDT"]
    assert all(isinstance(o.error, CancelledError) for o in outcomes)
    with Cache.open(paths.database) as cache:
        assert cache.instruments() == []


def test_instruments_are_fetched_at_the_same_time(fake_exchange, paths):
    fake_exchange.add_market("bitstamp", "BTC/USD", daily_rows(50))
    fake_exchange.add_market("binance", "BTC/USDT", daily_rows(50))
    fake_exchange.add_fault("slow", delay_s=0.2)
    heard = []

    outcomes = refresh(
        paths.database, [BTC, "ccxt:binance:BTC/USDT"], timeout_s=20, on_outcome=heard.append
    )

    assert all(o.ok for o in outcomes)
    assert sorted(o.key for o in heard) == sorted(o.key for o in outcomes)
    times = {
        name: [seen.at for seen in fake_exchange.requests if seen.path.startswith(prefix)]
        for name, prefix in (("bitstamp", "/api/v2/"), ("binance", "/api/v3/"))
    }
    # Each one's requests began before the other's had ended.
    assert min(times["binance"]) < max(times["bitstamp"])
    assert min(times["bitstamp"]) < max(times["binance"])


def test_imported_series_are_skipped(paths):
    outcome = refresh(paths.database, ["csv:mine"])[0]
    assert outcome.ok and outcome.skipped


def test_cli_fetch_in_a_subprocess_against_the_fakes(fake_upstreams, data_dir):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(30))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(40))
    run = subprocess.run(
        [sys.executable, "main.py", "fetch", "yahoo:^RUT", BTC, "--timeout", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "yahoo:^RUT: 30 new bars" in run.stdout and f"{BTC}: 40 new bars" in run.stdout
    failing = subprocess.run(
        [sys.executable, "main.py", "fetch", "yahoo:^NOPE", "--timeout", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failing.returncode == 2  # the provider does not know the symbol: bad input
    # The stand-in server is announced; the failure itself is one line.
    lines = failing.stderr.splitlines()
    assert [line for line in lines if "warning:" not in line] == [
        line for line in lines if "yahoo:^NOPE" in line
    ]
    assert len(lines) == 2 and "RISKCURVE_YAHOO_URL is set" in lines[0]
