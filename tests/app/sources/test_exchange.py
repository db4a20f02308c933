"""ExchangeSource: the real ccxt Bitstamp and Binance classes against the loopback exchange fake."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
import time

import numpy as np
import pandas as pd
import pytest

from app.errors import (
    BadDataError,
    CancelledError,
    FetchTimeoutError,
    NotFoundError,
    OfflineError,
    RateLimitedError,
    UnavailableError,
)
from app.instruments import parse_key
from app.sources.base import FetchRequest
from app.sources.exchange import ExchangeSource
from app.sources.retry import RetryPolicy
from tests.fakes.series import daily_rows, expected_frame, today_epoch_day

FAST_RETRY = RetryPolicy(attempts=3, first_delay_s=0.05, max_delay_s=0.2)
EPOCH = dt.date(1970, 1, 1)
PAIRS = {"bitstamp": "BTC/USD", "binance": "BTC/USDT"}
CANDLES = {"bitstamp": "/api/v2/ohlc/", "binance": "/api/v3/klines"}
MARKETS = {"bitstamp": "/api/v2/markets/", "binance": "/api/v3/exchangeInfo"}


def fetch(server, exchange="bitstamp", start=None, deadline_s=10.0, base_url=None, **options):
    page_limit = options.pop("page_limit", None)
    source = ExchangeSource(
        exchange, base_url=base_url or server.url, retry=FAST_RETRY, page_limit=page_limit
    )
    key = parse_key(f"ccxt:{exchange}:{options.pop('symbol', PAIRS[exchange])}")
    return source.fetch(FetchRequest(key, start, deadline_s, **options))


def as_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


@pytest.fixture(params=["bitstamp", "binance"])
def market(request, fake_exchange):
    """(server, exchange id) with 250 daily candles ending today on that exchange."""
    rows = daily_rows(250, last_day=today_epoch_day())
    fake_exchange.add_market(request.param, PAIRS[request.param], rows)
    return fake_exchange, request.param


def rows_of(server, exchange):
    return next(m.rows for (name, _), m in server.markets.items() if name == exchange)


def first_date(server, exchange):
    """Start small-page fetches at the first candle (else Bitstamp walks windows from 2011)."""
    return as_date(rows_of(server, exchange)[0][0])


def test_full_history_is_paginated_within_the_page_limit(market):
    server, exchange = market

    result = fetch(server, exchange, start=first_date(server, exchange), page_limit=100)

    pd.testing.assert_frame_equal(result.bars, expected_frame(rows_of(server, exchange)))
    assert (result.currency, result.timezone) == (PAIRS[exchange].split("/")[1], "UTC")
    limits = [int(s.query["limit"]) for s in server.candle_requests(exchange)]
    assert limits and set(limits) == {100}
    assert server.count(MARKETS[exchange]) == 1


def test_bitstamp_full_history_starts_in_2011_and_walks_windows(fake_exchange):
    rows = daily_rows(1200, last_day=today_epoch_day())
    fake_exchange.add_market("bitstamp", "BTC/USD", rows)

    result = fetch(fake_exchange)

    assert len(result.bars) == 1200
    starts = [int(s.query["start"]) for s in fake_exchange.candle_requests("bitstamp")]
    assert as_date(starts[0] // 86_400) == dt.date(2011, 8, 1)
    assert all(b > a for a, b in itertools.pairwise(starts))
    # Windows of 1000 days from 2011-08-01 up to today, never more.
    days_to_now = today_epoch_day() - (dt.date(2011, 8, 1) - EPOCH).days
    assert len(starts) <= math.ceil(days_to_now / 1000) + 1


def test_binance_full_history_starts_at_the_first_candle(fake_exchange):
    fake_exchange.add_market("binance", "BTC/USDT", daily_rows(2100, last_day=today_epoch_day()))

    result = fetch(fake_exchange, "binance")

    assert len(result.bars) == 2100
    requests = fake_exchange.candle_requests("binance")
    assert requests[0].query["startTime"] == "0"
    assert [int(s.query["limit"]) for s in requests] == [1000, 1000, 1000]


def test_top_up_costs_one_candle_request(market):
    server, exchange = market
    last = rows_of(server, exchange)[-1][0]

    result = fetch(server, exchange, start=as_date(last - 5))

    assert list(result.bars.index.date) == [as_date(d) for d in range(last - 5, last + 1)]
    assert server.paths() == [MARKETS[exchange], server.candle_requests()[0].path]
    server.reset()
    fetch(server, exchange, start=as_date(last - 5))
    # The market list is kept for the process: an up-to-date instrument costs one request.
    assert len(server.requests) == 1 and server.candle_requests(exchange)


def test_unknown_symbol_is_not_found(market):
    server, exchange = market

    with pytest.raises(NotFoundError, match="DOGE/EUR"):
        fetch(server, exchange, symbol="DOGE/EUR")

    assert server.candle_requests() == []


def test_unknown_exchange_is_not_found(fake_exchange):
    source = ExchangeSource("nosuchexchange", base_url=fake_exchange.url)
    with pytest.raises(NotFoundError, match="nosuchexchange"):
        source.fetch(FetchRequest(parse_key("ccxt:nosuchexchange:BTC/USD")))


def test_rate_limit_with_retry_after_beyond_the_deadline_is_reported_at_once(market):
    server, exchange = market
    server.add_fault("status", path=CANDLES[exchange], status=429, retry_after="90")
    began = time.monotonic()

    with pytest.raises(RateLimitedError) as caught:
        fetch(server, exchange, deadline_s=5)

    assert caught.value.retry_after == 90 and "Try again in 2 minutes" in str(caught.value)
    assert time.monotonic() - began < 2
    assert len(server.candle_requests()) == 1


def test_rate_limit_with_short_retry_after_is_waited_out(fake_exchange):
    fake_exchange.add_market("bitstamp", "BTC/USD", daily_rows(30))
    fake_exchange.add_fault("status", path="/api/v2/ohlc/", status=429, retry_after="1", times=1)
    began = time.monotonic()

    result = fetch(fake_exchange, deadline_s=8)

    assert len(result.bars) == 30
    assert time.monotonic() - began >= 1.0


def test_rate_limit_without_retry_after_gives_up_after_bounded_retries(market):
    server, exchange = market
    server.add_fault("status", path=CANDLES[exchange], status=429)

    with pytest.raises(RateLimitedError) as caught:
        fetch(server, exchange)

    assert caught.value.retry_after is None
    assert len(server.candle_requests()) == FAST_RETRY.attempts


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_reported_plainly(market, status):
    server, exchange = market
    server.add_fault("status", path=CANDLES[exchange], status=status)

    with pytest.raises(UnavailableError, match=rf"HTTP {status}"):
        fetch(server, exchange)

    assert len(server.candle_requests()) == FAST_RETRY.attempts


def test_server_error_on_the_market_list_that_clears_is_retried(market):
    server, exchange = market
    server.add_fault("status", path=MARKETS[exchange], status=502, times=2)

    result = fetch(server, exchange)

    assert len(result.bars) == 250
    assert server.count(MARKETS[exchange]) == 3


def test_retries_back_off_exponentially(fake_exchange):
    fake_exchange.add_market("bitstamp", "BTC/USD", daily_rows(30))
    fake_exchange.add_fault("status", path="/api/v2/ohlc/", status=503, times=3)
    source = ExchangeSource("bitstamp", base_url=fake_exchange.url, retry=RetryPolicy(4, 0.2, 5))

    source.fetch(FetchRequest(parse_key("ccxt:bitstamp:BTC/USD"), None, 10))

    times = [s.at for s in fake_exchange.candle_requests()[:4]]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Each wait is at least the backoff delay; the slack above it is request handling.
    for gap, delay in zip(gaps, (0.2, 0.4, 0.8), strict=True):
        assert delay <= gap < delay + 0.3


def test_a_server_that_never_answers_hits_the_deadline(market):
    server, exchange = market
    server.add_fault("hang")
    began = time.monotonic()

    with pytest.raises(
        FetchTimeoutError, match=rf"(?i){exchange} timed out: no answer within 1 s for BTC"
    ):
        fetch(server, exchange, deadline_s=1.0)

    assert time.monotonic() - began < 1.0 + 0.5


def test_a_slow_drip_hits_the_deadline(fake_exchange):
    fake_exchange.add_market("bitstamp", "BTC/USD", daily_rows(300))
    fake_exchange.add_fault("drip", path="/api/v2/ohlc/", delay_s=0.05)
    began = time.monotonic()

    with pytest.raises(FetchTimeoutError):
        fetch(fake_exchange, deadline_s=1.0)

    assert time.monotonic() - began < 1.0 + 0.5


@pytest.mark.parametrize("kind", ["truncate", "non_json"])
def test_a_broken_body_is_bad_data(market, kind):
    server, exchange = market
    server.add_fault(kind, path=CANDLES[exchange])

    with pytest.raises(BadDataError, match="not valid JSON"):
        fetch(server, exchange)


def test_a_connection_cut_midway_is_retried(market):
    server, exchange = market
    server.add_fault("cut", path=CANDLES[exchange], times=1)

    assert len(fetch(server, exchange).bars) == 250


def test_an_empty_result_is_an_error(market):
    server, exchange = market
    server.add_fault("empty", path=CANDLES[exchange])

    with pytest.raises(BadDataError, match="no daily candles"):
        fetch(server, exchange)


def test_duplicate_unordered_and_null_candles_give_clean_bars(fake_exchange):
    rows = daily_rows(120, last_day=today_epoch_day())
    null_day, open_missing = rows[10][0], rows[20][0]

    def mangle(page):
        page = [(r[0], None, None, None, None, None) if r[0] == null_day else r for r in page]
        page = [(r[0], None, *r[2:]) if r[0] == open_missing else r for r in page]
        page += [(None, 1.0, 2.0, 0.5, 1.5, 1.0)]  # a candle without a time
        return list(reversed(page)) + page[3:9]

    for exchange, pair in PAIRS.items():
        fake_exchange.add_market(exchange, pair, rows, page_hook=mangle)
        bars = fetch(fake_exchange, exchange, start=as_date(rows[0][0]), page_limit=50).bars

        expected = expected_frame([r for r in rows if r[0] != null_day])
        expected.loc[pd.Timestamp(as_date(open_missing)), "open"] = np.nan
        pd.testing.assert_frame_equal(bars, expected)


def test_a_page_that_repeats_for_ever_ends_the_fetch(market):
    server, exchange = market
    server.add_fault("repeat", path=CANDLES[exchange], skip=1)

    result = fetch(server, exchange, start=first_date(server, exchange), page_limit=100)

    assert len(server.candle_requests()) == 2
    pd.testing.assert_frame_equal(result.bars, expected_frame(rows_of(server, exchange)[:100]))


def test_candles_dated_far_in_the_future_are_dropped(market):
    server, exchange = market
    future = [(today_epoch_day() + 5000, 1.0, 2.0, 0.5, 1.5, 1.0)]
    next(m for m in server.markets.values()).page_hook = lambda page: page + future

    result = fetch(server, exchange)

    pd.testing.assert_frame_equal(result.bars, expected_frame(rows_of(server, exchange)))
    assert any("future" in note for note in result.notes)


def test_connection_refused_is_offline_without_retrying(fake_exchange, refused_url):
    began = time.monotonic()

    with pytest.raises(OfflineError, match="Cannot reach Bitstamp"):
        fetch(fake_exchange, base_url=refused_url)

    assert time.monotonic() - began < 1.0


def test_cancel_between_pages(market):
    server, exchange = market
    pages = []

    def progress(done, total, message):
        pages.append(done)

    with pytest.raises(CancelledError, match="cancelled"):
        fetch(
            server,
            exchange,
            start=first_date(server, exchange),
            page_limit=50,
            progress=progress,
            should_cancel=lambda: bool(pages),
        )

    assert pages == [1] and len(server.candle_requests()) == 1


def test_cancel_while_a_request_hangs(market):
    server, exchange = market
    server.add_fault("hang", path=CANDLES[exchange])
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    began = time.monotonic()

    with pytest.raises(CancelledError):
        fetch(server, exchange, deadline_s=10, should_cancel=stop.is_set)

    assert time.monotonic() - began < 1.0


def test_progress_is_reported_per_page(fake_exchange):
    fake_exchange.add_market("binance", "BTC/USDT", daily_rows(250, last_day=today_epoch_day()))
    events = []

    fetch(fake_exchange, "binance", page_limit=100, progress=lambda *e: events.append(e))

    per_page = [e for e in events if "daily candles" in e[2] and e[0] < e[1]]
    assert [e[0] for e in per_page][:2] == [1, 2]
    assert events[-1][:2] == (1, 1)
