"""Daily candles from a crypto exchange through ccxt (`ccxt:EXCHANGE:BASE/QUOTE`).

Any exchange ccxt knows can be named in the key; Bitstamp is the default follower because its
BTC/USD daily history reaches back to August 2011. ccxt is imported on first use (~0.5 s).

History is read page by page from the first available date (or from request.start) to today,
within the exchange's page limit (1000 daily candles for Bitstamp and Binance). Exchanges page
in two ways: Binance answers "the first `limit` candles from startTime", Bitstamp answers "the
candles inside the window start..start+limit days", so an empty page before the first candle
only means "not in this window yet" and we move one window on; an empty page after candles
means the end. The loop also stops when a page brings nothing newer than what we have (a server
repeating itself) and when the cursor passes now, so it always ends.

Each page is one request run in a worker thread (see retry.run_bounded) under the fetch's
overall deadline, with ccxt's own rate limiter on and bounded retries with exponential backoff
on HTTP 429/5xx, timeouts and dropped connections. Candles are keyed by their UTC date.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import numpy as np

from app.bars import COLUMNS, EPOCH_DATE, bars_from_arrays, validate_bars
from app.errors import (
    BadDataError,
    CancelledError,
    FetchError,
    FetchTimeoutError,
    NotFoundError,
    OfflineError,
    UnavailableError,
)
from app.sources.base import FetchRequest, FetchResult
from app.sources.http_limits import ResponseTooLarge, read_capped, too_large
from app.sources.retry import (
    Deadline,
    Failure,
    RetryPolicy,
    call_with_retries,
    is_connect_failure,
    parse_retry_after,
    rate_limited,
    run_bounded,
)

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
log = logging.getLogger("riskcurve.sources.exchange")

DAY_MS = 86_400_000
DEFAULT_PAGE_LIMIT = 1000
#: Where full history starts when the exchange needs a hint (Bitstamp pages by time window,
#: so starting at 1970 would cost 15 empty pages). Others start at since=0.
EARLIEST = {"bitstamp": dt.date(2011, 8, 1)}
#: Per-exchange ccxt options: only spot markets (fewer, smaller market-list requests).
EXCHANGE_OPTIONS: dict[str, dict[str, Any]] = {"binance": {"fetchMarkets": {"types": ["spot"]}}}
#: Market lists are kept this long per process, so a top-up costs one candle request.
MARKETS_TTL_S = 6 * 3600

_markets_cache: dict[tuple[str, str], tuple[float, Any, Any]] = {}
_markets_lock = threading.Lock()


class _NotJson(Exception):
    """The exchange answered 200 with a body that is not JSON (ccxt passes it on as text)."""


def _recording_session() -> Any:
    """A requests session that notes the status and Retry-After of the latest answer.

    It also refuses answers over app.sources.http_limits.MAX_RESPONSE_BYTES.
    """
    import requests

    class RecordingSession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.requests = 0
            self.last_status: int | None = None
            self.retry_after: float | None = None

        def forget(self) -> None:
            self.last_status = None
            self.retry_after = None

        def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            kwargs["stream"] = True  # read below, within the size cap
            response = super().request(method, url, *args, **kwargs)
            read_capped(response, str(url))
            self.last_status = response.status_code
            if response.status_code in (429, 503):
                self.retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return response

    return RecordingSession()


def point_urls_at(urls: Any, base_url: str) -> Any:
    """Replace scheme and host of every URL in ccxt's `urls['api']` by `base_url`, keeping paths."""
    if isinstance(urls, str):
        parts = urlsplit(urls)
        query = f"?{parts.query}" if parts.query else ""
        return base_url.rstrip("/") + parts.path + query
    if isinstance(urls, dict):
        return {key: point_urls_at(value, base_url) for key, value in urls.items()}
    return urls


def forget_markets() -> None:
    """Drop the market lists kept in this process (tests; or to see new listings at once)."""
    with _markets_lock:
        _markets_cache.clear()


class ExchangeSource:
    """Daily candles of one spot market on one exchange.

    Args:
        exchange_id: a ccxt exchange id such as bitstamp or binance.
        base_url: send every API request to this base URL instead (a mirror or a test fake);
            see app.sources.registry.
        retry: how often and how patiently to retry transient failures.
        page_limit: candles per request (default: the exchange's own maximum).
    """

    name = "ccxt"

    def __init__(
        self,
        exchange_id: str,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        page_limit: int | None = None,
    ) -> None:
        self.exchange_id = exchange_id.lower()
        self.base_url = base_url or None
        self.retry = retry or RetryPolicy()
        self.page_limit = page_limit

    def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch daily candles from request.start (None: all history) to today."""
        deadline = Deadline(request.deadline_s)
        exchange = self._open(deadline)
        try:
            market = self._market(exchange, request, deadline)
            candles, notes = self._paginate(exchange, request, deadline)
        finally:
            exchange.session.close()
        bars = _to_bars(candles, exchange.name, request.spec.ticker, request.start)
        request.progress(1, 1, f"{request.spec.ticker}: {len(bars)} daily candles")
        return FetchResult(
            bars=bars,
            currency=str(market.get("quote") or ""),
            timezone="UTC",
            requests=exchange.session.requests,
            notes=tuple(notes),
        )

    def _open(self, deadline: Deadline) -> Any:
        import ccxt

        if self.exchange_id not in ccxt.exchanges:
            raise NotFoundError(f"ccxt does not know an exchange called {self.exchange_id!r}.")
        exchange = getattr(ccxt, self.exchange_id)(
            {
                "enableRateLimit": True,
                "enableLastJsonResponse": True,
                "timeout": _timeout_ms(deadline),
                "session": _recording_session(),
                "options": EXCHANGE_OPTIONS.get(self.exchange_id, {}),
            }
        )
        if self.base_url:
            exchange.urls["api"] = point_urls_at(exchange.urls["api"], self.base_url)
        return exchange

    def _market(self, exchange: Any, request: FetchRequest, deadline: Deadline) -> dict:
        key = (self.exchange_id, self.base_url or "")
        with _markets_lock:
            cached = _markets_cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < MARKETS_TTL_S:
            exchange.set_markets(cached[1], cached[2])
        else:
            what = f"{request.spec.ticker} (market list)"
            self._call(exchange, exchange.load_markets, what, request, deadline)
            with _markets_lock:
                _markets_cache[key] = (time.monotonic(), exchange.markets, exchange.currencies)
        symbol = request.spec.ticker
        if symbol not in exchange.markets:
            raise NotFoundError(f"{exchange.name} has no market {symbol}.")
        if not exchange.has.get("fetchOHLCV"):
            raise FetchError(f"{exchange.name} does not offer daily candles through ccxt.")
        return exchange.markets[symbol]

    def _paginate(
        self, exchange: Any, request: FetchRequest, deadline: Deadline
    ) -> tuple[list[list], list[str]]:
        symbol = request.spec.ticker
        limit = self.page_limit or _page_limit(exchange)
        now_ms = int(time.time() * 1000)
        cursor = _start_ms(request.start, self.exchange_id)
        total = max(1, math.ceil((now_ms - cursor) / (limit * DAY_MS)))
        candles: list[list] = []
        notes: list[str] = []
        pages = dropped = 0
        while cursor <= now_ms:
            if request.should_cancel():
                raise CancelledError(_cancelled(symbol, exchange))
            page = self._call(
                exchange, _page_call(exchange, symbol, cursor, limit), symbol, request, deadline
            )
            pages += 1
            usable = [c for c in page if c and c[0] is not None and c[0] <= now_ms + DAY_MS]
            dropped += len(page) - len(usable)
            fresh = [c for c in usable if c[0] >= cursor]
            window_reaches_now = cursor + limit * DAY_MS > now_ms
            if fresh:
                candles.extend(fresh)
                cursor = (max(c[0] for c in fresh) // DAY_MS + 1) * DAY_MS
                if window_reaches_now and len(page) < limit:
                    break  # a short page whose window covers today: nothing newer exists
            elif usable:
                notes.append(f"{symbol}: the exchange repeated candles it had sent; stopped there")
                break
            elif candles:
                break  # past the last candle
            else:
                cursor += limit * DAY_MS  # before the first candle: the next window
            request.progress(pages, max(total, pages), f"{symbol}: {len(candles)} daily candles")
        if dropped:
            notes.append(f"{symbol}: dropped {dropped} candles dated in the future or undated")
        return candles, notes

    def _call(
        self,
        exchange: Any,
        call: Callable[[], T],
        what: str,
        request: FetchRequest,
        deadline: Deadline,
    ) -> T:
        """One API call with bounded retries, under the deadline, cancellable while waiting."""
        cancelled = _cancelled(request.spec.ticker, exchange)

        def attempt() -> T:
            exchange.timeout = _timeout_ms(deadline)
            exchange.session.forget()
            exchange.last_json_response = None
            result = run_bounded(
                call,
                deadline,
                request.should_cancel,
                timeout_message=_timeout_message(exchange, what, deadline),
                cancel_message=cancelled,
                name=f"riskcurve-ccxt-{self.exchange_id}",
            )
            if exchange.last_json_response is None:
                raise _NotJson(what)
            return result

        return call_with_retries(
            attempt,
            lambda exc: _classify(exc, exchange, what, deadline),
            deadline=deadline,
            policy=self.retry,
            should_cancel=request.should_cancel,
            cancel_message=cancelled,
        )


def _page_call(exchange: Any, symbol: str, since: int, limit: int) -> Callable[[], list]:
    return lambda: exchange.fetch_ohlcv(symbol, "1d", since=since, limit=limit)


def _cancelled(symbol: str, exchange: Any) -> str:
    return f"Fetching {symbol} on {exchange.name} was cancelled; nothing was stored."


def _page_limit(exchange: Any) -> int:
    try:
        limit = exchange.features["spot"]["fetchOHLCV"]["limit"]
    except (KeyError, TypeError):
        limit = None
    return int(limit) if limit else DEFAULT_PAGE_LIMIT


def _start_ms(start: dt.date | None, exchange_id: str) -> int:
    first = start or EARLIEST.get(exchange_id)
    if first is None:
        return 0
    return (first - EPOCH_DATE).days * DAY_MS


def _timeout_ms(deadline: Deadline) -> int:
    return max(50, int(deadline.remaining() * 1000))


def _timeout_message(exchange: Any, what: str, deadline: Deadline) -> str:
    return (
        f"{exchange.name} timed out: no answer within {deadline.seconds:.3g} s for {what}; "
        "check the connection or raise the fetch timeout in the settings."
    )


def _to_bars(candles: list[list], name: str, what: str, start: dt.date | None) -> pd.DataFrame:
    """ccxt candles [ms, open, high, low, close, volume] -> validated bars keyed by UTC date."""
    since = f" since {start.isoformat()}" if start else ""
    if not candles:
        raise BadDataError(f"{name} sent no daily candles for {what}{since}.")
    table = np.array([list(c[:6]) + [None] * (6 - len(c[:6])) for c in candles], dtype=float)
    days = (table[:, 0] // DAY_MS).astype("int64")
    values = {name: table[:, i + 1] for i, name in enumerate(COLUMNS)}
    bars = validate_bars(bars_from_arrays(days, values), f"{name} ({what})")
    if bars.empty:
        raise BadDataError(f"{name} sent no usable daily candles for {what}{since}.")
    return bars


def _classify(exc: Exception, exchange: Any, what: str, deadline: Deadline) -> Failure:
    """Turn what ccxt (or the network under it) raised into one of our errors."""
    import ccxt

    name = exchange.name
    status = exchange.session.last_status
    if isinstance(exc, ResponseTooLarge):
        return Failure(too_large(name, what))
    if isinstance(exc, _NotJson) or (status == 200 and exchange.last_json_response is None):
        return Failure(BadDataError(f"{name} sent a reply for {what} that is not valid JSON."))
    if isinstance(exc, ccxt.BadSymbol) or status == 404:
        return Failure(NotFoundError(f"{name} has no market {what.split(' (')[0]}."))
    if isinstance(exc, ccxt.DDoSProtection | ccxt.RateLimitExceeded) or status == 429:
        retry_after = exchange.session.retry_after
        return Failure(rate_limited(name, what, retry_after), True, retry_after)
    if isinstance(exc, ccxt.RequestTimeout):
        return Failure(FetchTimeoutError(_timeout_message(exchange, what, deadline)), True)
    if status is not None and status >= 500:
        message = f"{name} is not available right now (HTTP {status}) for {what}; try later."
        return Failure(UnavailableError(message), transient=True)
    if isinstance(exc, ccxt.NetworkError):
        if is_connect_failure(exc):
            return Failure(OfflineError(f"Cannot reach {name} for {what}: offline?"))
        return Failure(OfflineError(f"The connection to {name} broke off for {what}."), True)
    if isinstance(exc, ccxt.AuthenticationError):
        return Failure(FetchError(f"{name} wants an API key for {what}; Riskcurve has none."))
    if isinstance(exc, ccxt.ExchangeError):
        return Failure(BadDataError(f"{name} refused the request for {what}: {str(exc)[:200]}"))
    if isinstance(exc, KeyError | IndexError | TypeError | ValueError):
        log.warning("ccxt failed on the answer for %s", what, exc_info=exc)
        return Failure(BadDataError(f"{name} sent an unexpected reply for {what}."))
    raise exc
