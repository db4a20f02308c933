"""source_for, the endpoint overrides, the Yahoo sessions, and dates in any computer time zone."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import FetchError, SettingsError
from app.instruments import parse_key
from app.sources import yahoo_http
from app.sources.base import FetchRequest
from app.sources.exchange import ExchangeSource, point_urls_at
from app.sources.registry import ENV_CCXT_URL, ENV_YAHOO_URL, source_for
from app.sources.yahoo import YahooSource
from tests.fakes.series import daily_rows, today_epoch_day

ROOT = Path(__file__).resolve().parents[3]
EPOCH = dt.date(1970, 1, 1)


def test_yahoo_keys_get_a_yahoo_source_sent_to_the_override(monkeypatch, paths):
    monkeypatch.setenv(ENV_YAHOO_URL, "http://127.0.0.1:9")

    source = source_for(parse_key("yahoo:^RUT"))

    assert isinstance(source, YahooSource)
    assert source.base_url == "http://127.0.0.1:9"


def test_ccxt_keys_get_an_exchange_source_for_their_exchange(monkeypatch):
    monkeypatch.setenv(ENV_CCXT_URL, "http://127.0.0.1:9")

    source = source_for(parse_key("ccxt:binance:BTC/USDT"))

    assert isinstance(source, ExchangeSource)
    assert (source.exchange_id, source.base_url) == ("binance", "http://127.0.0.1:9")


def test_without_overrides_the_real_providers_are_used(monkeypatch):
    monkeypatch.delenv(ENV_YAHOO_URL, raising=False)
    monkeypatch.delenv(ENV_CCXT_URL, raising=False)

    assert source_for(parse_key("yahoo:^GSPC")).base_url is None
    assert source_for(parse_key("ccxt:bitstamp:BTC/USD")).base_url is None


def test_csv_instruments_cannot_be_fetched():
    with pytest.raises(FetchError, match="import the file again"):
        source_for(parse_key("csv:my-series"))


@pytest.mark.parametrize("value", ["127.0.0.1:8001", "ftp://host", "http://"])
def test_a_malformed_override_is_a_plain_error(monkeypatch, value):
    monkeypatch.setenv(ENV_YAHOO_URL, value)

    with pytest.raises(SettingsError, match=ENV_YAHOO_URL):
        source_for(parse_key("yahoo:^RUT"))


def test_exchange_urls_keep_their_paths():
    urls = {
        "public": "https://www.bitstamp.net/api",
        "nested": {"v3": "https://api.binance.com/api/v3?x=1"},
        "count": 3,
    }

    assert point_urls_at(urls, "http://127.0.0.1:5000/") == {
        "public": "http://127.0.0.1:5000/api",
        "nested": {"v3": "http://127.0.0.1:5000/api/v3?x=1"},
        "count": 3,
    }


def test_redirecting_session_serves_yahoo_hosts_and_refuses_others(fake_yahoo):
    session = yahoo_http.session_for(fake_yahoo.url)

    answer = session.get("https://query2.finance.yahoo.com/v1/test/getcrumb?lang=en", timeout=5)

    assert answer.text == "FakeCrumb42"
    assert fake_yahoo.requests[-1].query == {"lang": "en"}
    with pytest.raises(yahoo_http.ForeignHostError, match=r"example\.com"):
        session.get("https://example.com/", timeout=5)
    assert session is yahoo_http.session_for(fake_yahoo.url)  # one per process


def test_production_session_notes_status_and_retry_after(fake_yahoo):
    # The session used without an override (curl_cffi when installed); loopback only here.
    session = yahoo_http._production_session()
    fake_yahoo.add_fault("status", status=429, retry_after="7", times=1)
    record = yahoo_http.CallRecord(time.monotonic() + 5)
    try:
        with yahoo_http.recording(record):
            first = session.get(fake_yahoo.url + "/v8/finance/chart/%5ERUT", timeout=30)
            session.get(fake_yahoo.url + "/v1/test/getcrumb", timeout=30)
        assert first.status_code == 429
        assert (record.chart_status, record.last_status, record.retry_after) == (429, 200, 7)
        assert record.requests == 2
        late = yahoo_http.CallRecord(time.monotonic() - 1)
        with yahoo_http.recording(late), pytest.raises(yahoo_http.DeadlinePassed):
            session.get(fake_yahoo.url + "/", timeout=30)
    finally:
        session.close()


def test_sources_from_the_registry_reach_the_fixture_fakes(fake_upstreams):
    rows = daily_rows(20)
    fake_upstreams.yahoo.add_symbol("^RUT", rows)
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", rows)

    for key in ("yahoo:^RUT", "ccxt:bitstamp:BTC/USD"):
        spec = parse_key(key)
        assert len(source_for(spec).fetch(FetchRequest(spec, None, 10)).bars) == 20

    assert fake_upstreams.yahoo.chart_requests("^RUT")
    assert fake_upstreams.exchange.candle_requests("bitstamp")


_CHILD = """
import json, sys
from app.instruments import parse_key
from app.sources.base import FetchRequest
from app.sources.registry import source_for
out = {}
for key in sys.argv[1:]:
    spec = parse_key(key)
    bars = source_for(spec).fetch(FetchRequest(spec, None, 30)).bars
    out[key] = [d.isoformat() for d in bars.index.date]
print(json.dumps(out))
"""


def test_the_same_bar_has_the_same_date_whatever_the_computer_time_zone(fake_upstreams, tmp_path):
    rows = daily_rows(40, last_day=today_epoch_day() - 1)
    expected = [(EPOCH + dt.timedelta(days=r[0])).isoformat() for r in rows]
    yahoo = fake_upstreams.yahoo
    yahoo.add_symbol("^RUT", rows)  # 09:30 New York
    yahoo.add_symbol("^N225", rows, timezone="Asia/Tokyo", session_open=dt.time(9, 0))
    yahoo.add_symbol("^NZ50", rows, timezone="Pacific/Auckland", session_open=dt.time(10, 0))
    yahoo.add_symbol("BTC-USD", rows, timezone="UTC", session_open=dt.time(0, 0))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", rows)
    keys = ["yahoo:^RUT", "yahoo:^N225", "yahoo:^NZ50", "yahoo:BTC-USD", "ccxt:bitstamp:BTC/USD"]

    children = {}
    for zone in ("America/New_York", "Asia/Tokyo", "Pacific/Auckland"):
        env = dict(os.environ, TZ=zone, PYTHONPATH=str(ROOT))
        env["RISKCURVE_DATA_DIR"] = str(tmp_path / zone.replace("/", "-"))
        children[zone] = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *keys],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for zone, child in children.items():
        out, err = child.communicate(timeout=90)
        assert child.returncode == 0, f"{zone}: {err}"
        dates = json.loads(out.strip().splitlines()[-1])
        assert dates == {key: expected for key in keys}, zone
