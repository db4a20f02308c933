"""YahooSource: the real yfinance code against the loopback Yahoo fake."""

from __future__ import annotations

import datetime as dt
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
from app.sources.retry import RetryPolicy
from app.sources.yahoo import YahooSource
from tests.fakes.series import daily_rows, expected_frame, today_epoch_day

FAST_RETRY = RetryPolicy(attempts=3, first_delay_s=0.05, max_delay_s=0.2)
CHART = "/v8/finance/chart/"
EPOCH = dt.date(1970, 1, 1)


def fetch(server, ticker="^RUT", start=None, deadline_s=10.0, base_url=None, **request_options):
    source = YahooSource(base_url=base_url or server.url, retry=FAST_RETRY)
    request = FetchRequest(parse_key(f"yahoo:{ticker}"), start, deadline_s, **request_options)
    return source.fetch(request)


def as_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


@pytest.fixture
def rut(fake_yahoo):
    fake_yahoo.add_symbol("^RUT", daily_rows(400))
    return fake_yahoo


def test_full_history_is_every_bar_keyed_by_trading_date(rut):
    result = fetch(rut)

    pd.testing.assert_frame_equal(result.bars, expected_frame(rut.symbols["^RUT"].rows))
    assert (result.currency, result.timezone) == ("USD", "America/New_York")
    # A fresh process: cookie, crumb, timezone probe, then one history request.
    assert rut.paths() == ["/", "/v1/test/getcrumb", CHART + "^RUT", CHART + "^RUT"]
    assert rut.probe_requests("^RUT") and len(rut.chart_requests("^RUT")) == 1
    history = rut.chart_requests("^RUT")[0].query
    assert history["interval"] == "1d"
    # All history: from 1900-01-01 (New York time) to now.
    first = dt.datetime.fromtimestamp(int(history["period1"]), dt.UTC)
    assert first.date() == dt.date(1900, 1, 1)
    assert time.time() - 60 < int(history["period2"]) <= time.time()
    assert result.requests == 4


def test_top_up_of_an_up_to_date_instrument_costs_one_chart_request(rut):
    fetch(rut)
    rut.reset()
    last = rut.symbols["^RUT"].rows[-1][0]

    result = fetch(rut, start=as_date(last - 5))

    assert rut.paths() == [CHART + "^RUT"]  # crumb and timezone are reused within a process
    assert list(result.bars.index.date) == [as_date(d) for d in range(last - 5, last + 1)]
    assert result.requests == 1


def test_incremental_fetch_asks_only_from_the_start_date(rut):
    start = as_date(rut.symbols["^RUT"].rows[-30][0])

    result = fetch(rut, start=start)

    assert len(result.bars) == 30 and result.bars.index[0].date() == start
    period1 = int(rut.chart_requests("^RUT")[0].query["period1"])
    # Midnight of the start date in New York (yfinance localises the date to the exchange).
    assert dt.datetime.fromtimestamp(period1, dt.UTC).date() == start


def test_unknown_symbol_is_not_found_and_names_the_symbol(fake_yahoo):
    with pytest.raises(NotFoundError, match=r"NOSUCH"):
        fetch(fake_yahoo, ticker="NOSUCH")


def test_rate_limit_with_retry_after_beyond_the_deadline_is_reported_at_once(rut):
    rut.add_fault("status", path=CHART, status=429, retry_after="120")
    began = time.monotonic()

    with pytest.raises(RateLimitedError) as caught:
        fetch(rut, deadline_s=5)

    assert caught.value.retry_after == 120
    assert "Try again in 2 minutes" in str(caught.value) and "^RUT" in str(caught.value)
    assert time.monotonic() - began < 2


def test_rate_limit_with_short_retry_after_is_waited_out(rut):
    # yfinance retries a failed chart request once itself: two 429s fail one attempt.
    rut.add_fault("status", path=CHART, status=429, retry_after="1", times=2)
    began = time.monotonic()

    result = fetch(rut, deadline_s=8)

    assert len(result.bars) == 400
    assert time.monotonic() - began >= 1.0


def test_rate_limit_without_retry_after_gives_up_after_bounded_retries(rut):
    rut.add_fault("status", path=CHART, status=429)

    with pytest.raises(RateLimitedError) as caught:
        fetch(rut)

    assert caught.value.retry_after is None
    assert rut.count(CHART) == 2 * FAST_RETRY.attempts


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_reported_plainly(rut, status):
    rut.add_fault("status", path=CHART, status=status)

    with pytest.raises(UnavailableError, match=rf"HTTP {status}.*\^RUT"):
        fetch(rut)

    assert rut.count(CHART) == 2 * FAST_RETRY.attempts


def test_server_error_that_clears_is_retried_to_success(rut):
    rut.add_fault("status", path=CHART, status=503, times=2)

    result = fetch(rut)

    pd.testing.assert_frame_equal(result.bars, expected_frame(rut.symbols["^RUT"].rows))


def test_a_server_that_never_answers_hits_the_deadline(rut):
    rut.add_fault("hang")
    began = time.monotonic()

    with pytest.raises(FetchTimeoutError, match=r"\^RUT"):
        fetch(rut, deadline_s=1.0)

    assert time.monotonic() - began < 1.0 + 0.5


def test_a_slow_drip_hits_the_deadline(rut):
    rut.add_fault("drip", path=CHART, skip=1, delay_s=0.05)
    began = time.monotonic()

    with pytest.raises(FetchTimeoutError):
        fetch(rut, deadline_s=1.0)

    assert time.monotonic() - began < 1.0 + 0.5


def test_a_slow_answer_within_the_deadline_is_fine(rut):
    rut.add_fault("slow", path=CHART, delay_s=0.3)

    assert len(fetch(rut, deadline_s=5).bars) == 400


@pytest.mark.parametrize("kind", ["truncate", "non_json"])
def test_a_broken_body_is_bad_data(rut, kind):
    rut.add_fault(kind, path=CHART, skip=1)  # the timezone probe passes, the history breaks

    with pytest.raises(BadDataError, match=r"\^RUT"):
        fetch(rut)


def test_a_connection_cut_midway_is_retried(rut):
    rut.add_fault("cut", path=CHART, skip=1, times=1)

    assert len(fetch(rut).bars) == 400


def test_an_empty_result_is_an_error_not_an_empty_frame(rut):
    rut.add_fault("empty", path=CHART, skip=1)

    with pytest.raises(BadDataError, match=r"no prices for \^RUT"):
        fetch(rut)


def test_no_bars_after_the_start_date_is_an_error(rut):
    with pytest.raises(BadDataError, match="since"):
        fetch(rut, start=as_date(today_epoch_day() + 1))


def test_duplicate_unordered_and_null_rows_give_clean_bars(fake_yahoo):
    rows = daily_rows(60)
    null_day = rows[10][0]
    open_missing = rows[20]

    def mangle(served):
        served = [r for r in served if r[0] != null_day] + [
            (null_day, None, None, None, None, None)
        ]
        served = [r if r[0] != open_missing[0] else (r[0], None, *r[2:]) for r in served]
        return list(reversed(served)) + served[5:8]

    fake_yahoo.add_symbol("^RUT", rows, rows_hook=mangle)

    bars = fetch(fake_yahoo).bars

    expected = expected_frame([r for r in rows if r[0] != null_day])
    expected.loc[pd.Timestamp(as_date(open_missing[0])), "open"] = np.nan
    pd.testing.assert_frame_equal(bars, expected)


def test_bars_dated_far_in_the_future_are_handed_on_sorted(fake_yahoo):
    """app.fetch drops them with a note (tests/reliability/test_future_bars.py).

    yfinance itself drops the very last of them; the one before reaches us.
    """
    rows = daily_rows(50)
    future = [(today_epoch_day() + 4000, 1.0, 2.0, 0.5, 1.5, 10.0)]
    future.append((today_epoch_day() + 9000, 1.0, 2.0, 0.5, 1.5, 10.0))
    fake_yahoo.add_symbol("^RUT", rows[:25] + future + rows[25:], ignore_range=True)

    bars = fetch(fake_yahoo).bars

    pd.testing.assert_frame_equal(bars, expected_frame(rows + future[:1]))


def test_connection_refused_is_offline_without_retrying(fake_yahoo, refused_url):
    began = time.monotonic()

    with pytest.raises(OfflineError, match=r"Cannot reach Yahoo Finance for \^RUT"):
        fetch(fake_yahoo, base_url=refused_url)

    assert time.monotonic() - began < 1.0


def test_cancel_while_waiting_stops_at_once(rut):
    rut.add_fault("slow", path=CHART, delay_s=5)
    asked = threading.Event()
    began = time.monotonic()

    with pytest.raises(CancelledError, match="nothing was stored"):
        fetch(rut, progress=lambda *_: asked.set(), should_cancel=asked.is_set)

    assert time.monotonic() - began < 1.0


def test_crypto_on_yahoo_is_keyed_by_utc_date(fake_yahoo):
    rows = daily_rows(30)
    fake_yahoo.add_symbol(
        "BTC-USD",
        rows,
        timezone="UTC",
        session_open=dt.time(0, 0),
        instrument_type="CRYPTOCURRENCY",
    )

    result = fetch(fake_yahoo, ticker="BTC-USD")

    assert result.timezone == "UTC"
    pd.testing.assert_frame_equal(result.bars, expected_frame(rows))


def test_bars_keep_their_exchange_local_trading_date(fake_yahoo):
    # 10:00 in Auckland is 21:00 or 22:00 UTC the day before: the date must not slip to it.
    rows = daily_rows(30)
    fake_yahoo.add_symbol("^NZ50", rows, timezone="Pacific/Auckland", session_open=dt.time(10, 0))

    result = fetch(fake_yahoo, ticker="^NZ50")

    assert result.timezone == "Pacific/Auckland"
    assert list(result.bars.index.date) == [as_date(r[0]) for r in rows]


def test_yfinance_writes_no_cache_files(rut, paths):
    fetch(rut)

    written = [p for folder in paths.folders for p in folder.rglob("*") if p.is_file()]
    assert written == []
