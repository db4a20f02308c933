"""Daily bars from Yahoo Finance through yfinance, with our deadline and our errors.

yfinance is imported on first use (it costs ~0.7 s). We ask it to raise instead of logging
(`config.debug.hide_exceptions = False`) and still treat an empty frame as a failure, because
offline it sometimes returns an empty frame "possibly delisted". Its own caches (timezones,
cookies) are kept in memory, never in files (see app.sources.yahoo_memory: its cookie cache
unpickles what it reads).

History: from request.start, or from 1900-01-01 for all of it (see FULL_HISTORY_START), to now.

Prices: `auto_adjust=False`, and the bar's close is Yahoo's Close, not Adj Close. Breakouts
are all-time highs of the traded price; dividend adjustment would rewrite past highs every time
a dividend is paid (and indices have no dividends anyway).

Dates: Yahoo stamps a daily bar at the session open in exchange time (09:30 New York), so the
exchange-local date of that stamp is the trading date. yfinance returns the index at local
midnight in the exchange's time zone; we keep that wall-clock date, which never depends on the
computer's time zone. Crypto pairs on Yahoo (BTC-USD) have the exchange time zone UTC.

The call runs in a worker thread and the caller stops waiting at the deadline (yfinance can
hang ~130 s on a bad network); transient failures (HTTP 5xx, 429, a dropped connection, a
request timeout) are retried with backoff within the same deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import warnings
from typing import TYPE_CHECKING, Any

from app.bars import COLUMNS, bars_from_arrays, epoch_days, validate_bars
from app.errors import (
    BadDataError,
    FetchError,
    FetchTimeoutError,
    NotFoundError,
    OfflineError,
    RiskcurveError,
    UnavailableError,
)
from app.sources import yahoo_http
from app.sources.base import FetchRequest, FetchResult
from app.sources.http_limits import ResponseTooLarge, too_large
from app.sources.retry import (
    Deadline,
    Failure,
    RetryPolicy,
    call_with_retries,
    is_connect_failure,
    rate_limited,
    run_bounded,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("riskcurve.sources.yahoo")

ORIGIN = "Yahoo Finance"
#: Full history is asked from here. yfinance's period="max" means "99 years back", which will
#: soon cut the S&P 500's 1927 start, and period1=0 would cut everything before 1970; Yahoo
#: accepts negative period1 (older yfinance used 1900-01-01 for "max" too).
FULL_HISTORY_START = dt.date(1900, 1, 1)
_setup_lock = threading.Lock()
_warnings_filtered = False


class YahooSource:
    """Daily bars for one Yahoo ticker per fetch (indices, stocks, ETFs, BTC-USD...).

    Args:
        base_url: send all Yahoo requests to this base URL instead (a mirror or a test fake);
            see app.sources.registry.
        retry: how often and how patiently to retry transient failures.
    """

    name = "yahoo"

    def __init__(
        self,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url or None
        self.retry = retry or RetryPolicy()

    def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch daily bars from request.start (None: all history) to today."""
        deadline = Deadline(request.deadline_s)
        frame, meta, requests = self._download(request, deadline)
        ticker = request.spec.ticker
        bars = _to_bars(frame, ticker, request.start)
        request.progress(1, 1, f"{ticker}: {len(bars)} daily bars from {ORIGIN}")
        return FetchResult(
            bars=bars,
            currency=str(meta.get("currency") or ""),
            timezone=str(meta.get("exchangeTimezoneName") or ""),
            requests=requests,
        )

    def _download(
        self, request: FetchRequest, deadline: Deadline
    ) -> tuple[pd.DataFrame, dict[str, Any], int]:
        """yfinance's frame and metadata, retried within the deadline; and the request count."""
        ticker = request.spec.ticker
        yf = _configured_yfinance()
        session = yahoo_http.session_for(self.base_url)
        records: list[yahoo_http.CallRecord] = []
        cancelled = f"Fetching {ticker} was cancelled; nothing was stored."

        def attempt() -> tuple[pd.DataFrame, dict[str, Any]]:
            records.append(yahoo_http.CallRecord(deadline.at))
            request.progress(0, 0, f"Asking {ORIGIN} for {ticker}…")
            return run_bounded(
                lambda: _call_yfinance(yf, session, ticker, request.start, deadline, records[-1]),
                deadline,
                request.should_cancel,
                timeout_message=_timeout_message(ticker, deadline),
                cancel_message=cancelled,
                name=f"riskcurve-yahoo-{ticker}",
            )

        def classify(exc: Exception) -> Failure:
            # A failed answer may sit in yfinance's response cache; a retry must ask again.
            yf.data.YfData.cache_get.cache_clear()
            return _classify(exc, records[-1], ticker, deadline, request.start)

        try:
            frame, meta = call_with_retries(
                attempt,
                classify,
                deadline=deadline,
                policy=self.retry,
                should_cancel=request.should_cancel,
                cancel_message=cancelled,
            )
        except RiskcurveError:
            yf.data.YfData.cache_get.cache_clear()  # also after a timeout or a cancel
            raise
        return frame, meta, sum(record.requests for record in records)


def _configured_yfinance() -> Any:
    """Import yfinance, make it raise, and keep its caches in memory (never in files)."""
    global _warnings_filtered
    import yfinance as yf

    from app.sources import yahoo_memory

    with _setup_lock:
        if not _warnings_filtered:
            # yfinance 1.7 calls pandas with inplace=..., which pandas 3 deprecates; that notice
            # is for yfinance's authors, not for our users' terminals.
            warnings.filterwarnings(
                "ignore", ".*inplace.*", DeprecationWarning, module=r"yfinance\."
            )
            _warnings_filtered = True
        yf.config.debug.hide_exceptions = False
        yahoo_memory.install()
    return yf


def _call_yfinance(
    yf: Any,
    session: Any,
    ticker: str,
    start: dt.date | None,
    deadline: Deadline,
    record: yahoo_http.CallRecord,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One yfinance call on the worker thread; returns the raw frame and the chart metadata."""
    with yahoo_http.recording(record):
        handle = yf.Ticker(ticker, session=session)
        options: dict[str, Any] = {
            "interval": "1d",
            "auto_adjust": False,
            "actions": False,
            "repair": False,
            "timeout": max(yahoo_http.MIN_TIMEOUT_S, deadline.remaining()),
        }
        frame = handle.history(start=(start or FULL_HISTORY_START).isoformat(), **options)
        # Read single keys: iterating the metadata would fetch its lazy intraday part.
        metadata = handle.get_history_metadata()
        meta = {key: metadata.get(key) for key in ("currency", "exchangeTimezoneName")}
    return frame, meta


def _to_bars(frame: pd.DataFrame, ticker: str, start: dt.date | None) -> pd.DataFrame:
    """yfinance's frame (index at local midnight, exchange time zone) -> validated bars."""
    since = f" since {start.isoformat()}" if start else ""
    if frame is None or frame.empty or "Close" not in frame.columns:
        raise BadDataError(f"{ORIGIN} sent no prices for {ticker}{since}.")
    index = frame.index
    if getattr(index, "tz", None) is not None:
        index = index.tz_localize(None)  # keep the exchange-local wall-clock date
    days = epoch_days(index.normalize())
    names = {"open": "Open", "high": "High", "low": "Low", "close": "Close", "volume": "Volume"}
    values = {c: frame[names[c]].to_numpy(dtype=float, na_value=float("nan")) for c in COLUMNS}
    bars = validate_bars(bars_from_arrays(days, values), f"{ORIGIN} ({ticker})")
    if bars.empty:
        raise BadDataError(f"{ORIGIN} sent no usable prices for {ticker}{since}.")
    return bars


def _timeout_message(ticker: str, deadline: Deadline) -> str:
    return (
        f"{ORIGIN} timed out: no answer within {deadline.seconds:.3g} s for {ticker}; "
        "check the connection or raise the fetch timeout in the settings."
    )


def _classify(
    exc: Exception,
    record: yahoo_http.CallRecord,
    ticker: str,
    deadline: Deadline,
    start: dt.date | None,
) -> Failure:
    """Turn what yfinance (or the network under it) raised into one of our errors."""
    from yfinance import exceptions as yfx

    name = type(exc).__name__
    if isinstance(exc, ResponseTooLarge):
        return Failure(too_large(ORIGIN, ticker))
    if isinstance(exc, yahoo_http.DeadlinePassed) or "Timeout" in name:
        return Failure(FetchTimeoutError(_timeout_message(ticker, deadline)), transient=True)
    if isinstance(exc, yfx.YFRateLimitError) or record.chart_status == 429:
        error = rate_limited(ORIGIN, ticker, record.retry_after)
        return Failure(error, transient=True, retry_after=record.retry_after)
    if record.chart_status == 404:
        return Failure(NotFoundError(f"{ORIGIN} does not know the symbol {ticker}."))
    if record.chart_status is not None and record.chart_status >= 500:
        return Failure(_unavailable(ticker, record.chart_status), transient=True)
    if isinstance(exc, yahoo_http.ForeignHostError):
        return Failure(FetchError(f"Fetching {ticker}: {exc}"))
    if is_connect_failure(exc):
        return Failure(OfflineError(f"Cannot reach {ORIGIN} for {ticker}: offline?"))
    if "Connection" in name or "ChunkedEncoding" in name or "Incomplete" in name:
        message = f"The connection to {ORIGIN} broke off while fetching {ticker}."
        return Failure(OfflineError(message), transient=True)
    return Failure(_bad_data(exc, ticker, start))


def _unavailable(ticker: str, status: int) -> UnavailableError:
    return UnavailableError(
        f"{ORIGIN} is not available right now (HTTP {status}) for {ticker}; try again later."
    )


def _bad_data(exc: Exception, ticker: str, start: dt.date | None) -> BadDataError:
    from yfinance import exceptions as yfx

    if isinstance(exc, yfx.YFTzMissingError | yfx.YFPricesMissingError):
        since = f" since {start.isoformat()}" if start else ""
        return BadDataError(f"{ORIGIN} sent no prices for {ticker}{since}.")
    if isinstance(exc, json.JSONDecodeError | yfx.YFDataException) or "JSON" in type(exc).__name__:
        return BadDataError(f"{ORIGIN} sent a reply for {ticker} that is not valid price data.")
    if isinstance(exc, KeyError | IndexError | TypeError | ValueError | AttributeError):
        # yfinance tripped over an answer it did not expect: the data's fault, but keep the
        # details in the log in case it is a yfinance change.
        log.warning("yfinance failed on the answer for %s", ticker, exc_info=exc)
        return BadDataError(f"{ORIGIN} sent an unexpected reply for {ticker}.")
    raise exc
