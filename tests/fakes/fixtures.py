"""Pytest fixtures that start the provider fakes and point Riskcurve's sources at them.

Use them from any test package by importing them into its conftest.py:

    from tests.fakes.fixtures import (  # noqa: F401 - pytest finds fixtures by name
        fake_exchange, fake_upstreams, fake_yahoo, refused_url,
    )

fake_yahoo      a running YahooFake; RISKCURVE_YAHOO_URL points at it (also for subprocesses
                started with the test's environment); yfinance's process state is reset before
                and after.
fake_exchange   a running ExchangeFake (Bitstamp + Binance spot); RISKCURVE_CCXT_URL points at it.
fake_upstreams  both of the above, as `.yahoo` and `.exchange`.
refused_url     a loopback URL where nothing listens (connection refused).

Each test gets new servers, so data, faults and request logs never leak between tests; on
teardown the servers release hanging handlers, stop, and wait for abandoned fetch threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

# Imported at collection, not inside a test: yfinance adds a warnings filter when first
# imported, which inside a test would take precedence over the suite's "warnings are errors".
import yfinance  # noqa: F401 - imported for that side effect only

from app.sources.registry import ENV_CCXT_URL, ENV_YAHOO_URL
from tests.fakes.exchange_server import ExchangeFake
from tests.fakes.http_fake import closed_port_url
from tests.fakes.yahoo_server import YahooFake

FETCH_THREAD_PREFIX = "riskcurve-"


def reset_yfinance() -> None:
    """Forget yfinance's process-wide state so each test starts like a fresh process.

    YfData is a singleton holding the session, cookie and crumb; YfData.cache_get is an lru
    cache of responses; the timezone/cookie caches (ours, in memory) hold an earlier test's
    answers; a module counter limits the timezone fallback to two uses per process.
    """
    import yfinance.base
    import yfinance.cache
    import yfinance.data

    from app.sources import yahoo_http

    with yfinance.data.SingletonMeta._lock:
        yfinance.data.SingletonMeta._instances.pop(yfinance.data.YfData, None)
    yfinance.data.YfData.cache_get.cache_clear()
    yfinance.cache._TzCacheManager._tz_cache = None
    yfinance.cache._CookieCacheManager._Cookie_cache = None
    yfinance.cache._ISINCacheManager._isin_cache = None
    yfinance.base._tz_info_fetch_ctr = 0
    yahoo_http.close_sessions()


def wait_for_fetch_threads(timeout_s: float = 5.0) -> None:
    """Join worker threads that a fetch abandoned at its deadline (their server is gone now)."""
    for thread in threading.enumerate():
        if thread.name.startswith(FETCH_THREAD_PREFIX) and thread is not threading.current_thread():
            thread.join(timeout_s)


@pytest.fixture
def fake_yahoo(monkeypatch: pytest.MonkeyPatch) -> Iterator[YahooFake]:
    reset_yfinance()
    server = YahooFake().start()
    monkeypatch.setenv(ENV_YAHOO_URL, server.url)
    try:
        yield server
    finally:
        server.stop()
        wait_for_fetch_threads()
        reset_yfinance()


@pytest.fixture
def fake_exchange(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExchangeFake]:
    from app.sources.exchange import forget_markets

    forget_markets()
    server = ExchangeFake().start()
    monkeypatch.setenv(ENV_CCXT_URL, server.url)
    try:
        yield server
    finally:
        server.stop()
        wait_for_fetch_threads()
        forget_markets()


@dataclass(frozen=True)
class Upstreams:
    yahoo: YahooFake
    exchange: ExchangeFake


@pytest.fixture
def fake_upstreams(fake_yahoo: YahooFake, fake_exchange: ExchangeFake) -> Upstreams:
    return Upstreams(fake_yahoo, fake_exchange)


@pytest.fixture
def refused_url() -> str:
    return closed_port_url()
