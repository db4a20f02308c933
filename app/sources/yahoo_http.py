"""The HTTP session Riskcurve hands to yfinance, and what it notes about each answer.

yfinance hides the HTTP status of a failed chart request behind its own exceptions, waits up
to 30 s (hard-coded) for its cookie and crumb requests, and never reports Retry-After. The
session below fixes all three without changing what yfinance sends: every request made on a
fetch's worker thread has its timeout cut to what is left of that fetch's deadline (or is
refused once the deadline has passed), and the status codes and Retry-After of the answers are
noted in a per-thread `CallRecord` that YahooSource reads to explain a failure. No answer may
bring more than app.sources.http_limits.MAX_RESPONSE_BYTES.

In normal use the session is the same kind yfinance creates itself (curl_cffi with a Chrome
fingerprint, or plain requests when curl_cffi is missing). With RISKCURVE_YAHOO_URL set (tests,
mirrors) it is a requests session that sends every Yahoo host to that one base URL and refuses
any other host, so the real yfinance code can run against a loopback fake.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.sources.http_limits import read_capped
from app.sources.retry import parse_retry_after

#: Hosts yfinance talks to for daily prices: chart API, cookie, crumb and consent pages.
YAHOO_HOSTS = frozenset(
    {
        "query1.finance.yahoo.com",
        "query2.finance.yahoo.com",
        "fc.yahoo.com",
        "guce.yahoo.com",
        "consent.yahoo.com",
        "finance.yahoo.com",
    }
)
CHART_PATH = "/v8/finance/chart/"
MIN_TIMEOUT_S = 0.05

_local = threading.local()


class DeadlinePassed(Exception):
    """Raised instead of sending a request once the fetch's deadline has passed.

    Deliberately not an OSError or TimeoutError: yfinance swallows those around its cookie
    requests and carries on, whereas this must end the call.
    """


class ForeignHostError(Exception):
    """The redirecting session was asked for a host it does not know (not a Yahoo host)."""


@dataclass
class CallRecord:
    """What the answers to one fetch attempt said; filled in on the worker thread."""

    deadline_at: float
    requests: int = 0
    last_status: int | None = None
    chart_status: int | None = None
    retry_after: float | None = None

    def note(self, url: str, status: int, retry_after_header: str | None) -> None:
        self.requests += 1
        self.last_status = status
        if CHART_PATH in urlsplit(url).path:
            self.chart_status = status
        if status in (429, 503) and retry_after_header:
            self.retry_after = parse_retry_after(retry_after_header)


@contextmanager
def recording(record: CallRecord) -> Iterator[CallRecord]:
    """Attach `record` to the current thread for the duration of one yfinance call."""
    previous = getattr(_local, "record", None)
    _local.record = record
    try:
        yield record
    finally:
        _local.record = previous


def _clamped_timeout(timeout: Any, remaining: float) -> Any:
    if isinstance(timeout, tuple):
        return tuple(_clamped_timeout(part, remaining) for part in timeout)
    cap = max(MIN_TIMEOUT_S, remaining)
    return cap if timeout is None else min(float(timeout), cap)


class _DeadlineMixin:
    """Cuts timeouts to the fetch's deadline and notes each answer in the thread's CallRecord."""

    def _route(self, url: str) -> str:
        return url

    def _received(self, response: Any) -> None:
        """Hook for the redirecting session: file the stand-in's cookies as Yahoo's."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        record: CallRecord | None = getattr(_local, "record", None)
        if record is not None:
            remaining = record.deadline_at - time.monotonic()
            if remaining <= 0:
                raise DeadlinePassed(f"deadline passed before {method} {url}")
            kwargs["timeout"] = _clamped_timeout(kwargs.get("timeout"), remaining)
        kwargs["stream"] = True  # read below, within the size cap
        # A mixin: super() is the Session class (requests or curl_cffi) it is combined with.
        response = super().request(method, self._route(url), *args, **kwargs)  # type: ignore[misc]
        read_capped(response, url)
        self._received(response)
        if record is not None:
            record.note(url, response.status_code, response.headers.get("Retry-After"))
        return response


def _requests_session_class() -> type:
    import requests

    return type("RecordingSession", (_DeadlineMixin, requests.Session), {})


def _production_session() -> Any:
    """The kind of session yfinance would create itself, with deadline and recording added."""
    try:
        from curl_cffi import requests as curl_requests
    except ImportError:
        session = _requests_session_class()()
        session.headers["User-Agent"] = (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
        )
        return session
    cls = type("RecordingCurlSession", (_DeadlineMixin, curl_requests.Session), {})
    return cls(impersonate="chrome")


def _redirecting_session(base_url: str) -> Any:
    """A requests session that sends every Yahoo host to `base_url` and refuses other hosts."""
    base = urlsplit(base_url.rstrip("/"))
    if base.scheme not in ("http", "https") or not base.netloc:
        raise ValueError(f"RISKCURVE_YAHOO_URL must look like http://HOST:PORT, not {base_url!r}")

    def route(self: Any, url: str) -> str:
        parts = urlsplit(url)
        if parts.hostname not in YAHOO_HOSTS:
            raise ForeignHostError(f"refusing {url}: RISKCURVE_YAHOO_URL only stands in for Yahoo")
        return urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, ""))

    def received(self: Any, response: Any) -> None:
        # yfinance keeps and reuses only cookies of a yahoo.com domain; cookies from the
        # stand-in carry its own host, so file them under .yahoo.com as Yahoo's would be.
        for cookie in response.cookies:
            self.cookies.set(
                cookie.name, cookie.value, domain=".yahoo.com", path="/", expires=cookie.expires
            )

    cls = type(
        "RedirectingSession",
        (_requests_session_class(),),
        {"_route": route, "_received": received},
    )
    session = cls()
    # A mirror or fake on loopback must not be reached through a proxy from the environment.
    session.trust_env = False
    return session


_sessions: dict[str, Any] = {}
_sessions_lock = threading.Lock()


def session_for(base_url: str | None) -> Any:
    """The process-wide session for Yahoo (or for the mirror at `base_url`).

    One session per process, as yfinance expects: its cookie and crumb belong to the session.
    """
    key = base_url or ""
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = _redirecting_session(key) if key else _production_session()
            _sessions[key] = session
        return session


def close_sessions() -> None:
    """Close every session made so far (at shutdown, and between tests)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.close()
