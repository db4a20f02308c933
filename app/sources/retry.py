"""Deadlines, bounded retries with backoff, and a way to stop waiting on a call that hangs.

Network libraries only bound single socket operations: a server that drips one byte a second,
a DNS lookup that hangs, or yfinance's hard-coded 30 s cookie requests can each outlive any
deadline we pass in. `run_bounded` therefore runs the blocking call in a daemon thread and
stops *waiting* for it at the deadline or when the user cancels, while the calling thread keeps
control of progress and cancel callbacks (which may belong to a Qt worker and must be called
from it). `call_with_retries` retries what the caller classifies as transient, with exponential
backoff, within the same overall deadline.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import errno
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.errors import CancelledError, FetchError, FetchTimeoutError, RateLimitedError

T = TypeVar("T")

#: How often a waiting caller looks at its cancel check (seconds).
POLL_S = 0.05
#: A Retry-After longer than this is told as the date it names, not as a duration.
LONGEST_TOLD_WAIT_S = 24 * 3600.0
#: Retry-After values are capped here (a century), so absurd ones stay dates we can print.
LONGEST_RETRY_AFTER_S = 100 * 365 * 24 * 3600.0


class Deadline:
    """A point in monotonic time after which a fetch must give up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.at = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` tries, waiting first_delay_s, then twice as long each time (capped)."""

    attempts: int = 3
    first_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay(self, failed_attempts: int) -> float:
        """The wait after the n-th failure (1-based): first_delay_s × 2^(n-1), capped."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** (failed_attempts - 1))


@dataclass(frozen=True)
class Failure:
    """How a caller judged one failed attempt: the error to raise, and whether to try again."""

    error: FetchError
    transient: bool = False
    retry_after: float | None = None


def wait_or_cancel(seconds: float, should_cancel: Callable[[], bool], cancel_message: str) -> None:
    """Wait `seconds`, looking at the cancel check every POLL_S; raise CancelledError if asked."""
    end = time.monotonic() + seconds
    pause = threading.Event()
    while True:
        if should_cancel():
            raise CancelledError(cancel_message)
        left = end - time.monotonic()
        if left <= 0:
            return
        pause.wait(min(POLL_S, left))


def run_bounded(
    call: Callable[[], T],
    deadline: Deadline,
    should_cancel: Callable[[], bool],
    *,
    timeout_message: str,
    cancel_message: str,
    name: str = "riskcurve-fetch",
) -> T:
    """Run `call` in a daemon thread; return its result or re-raise its exception here.

    Raises FetchTimeoutError(timeout_message) when the deadline passes first and
    CancelledError(cancel_message) when the cancel check says so. The abandoned thread is left
    to finish on its own (its sockets carry timeouts no longer than the deadline); its result
    is discarded.
    """
    values: list[T] = []
    errors: list[BaseException] = []
    finished = threading.Event()

    def work() -> None:
        try:
            values.append(call())
        except BaseException as exc:  # handed to the waiting thread and re-raised there
            errors.append(exc)
        finally:
            finished.set()

    threading.Thread(target=work, name=name, daemon=True).start()
    while not finished.wait(max(0.0, min(POLL_S, deadline.remaining()))):
        if should_cancel():
            raise CancelledError(cancel_message)
        if deadline.expired:
            raise FetchTimeoutError(timeout_message)
    if errors:
        raise errors[0]
    return values[0]


def call_with_retries(
    attempt: Callable[[], T],
    classify: Callable[[Exception], Failure],
    *,
    deadline: Deadline,
    policy: RetryPolicy,
    should_cancel: Callable[[], bool],
    cancel_message: str,
) -> T:
    """Call `attempt` until it succeeds, a failure is final, attempts run out or time does.

    `classify` turns an exception into a Failure (it re-raises what it does not recognise, so
    bugs surface as bugs). Our own CancelledError and FetchTimeoutError pass straight through.
    A server's Retry-After is obeyed when it fits in the remaining time; when it does not, the
    rate-limit error is raised at once so the user learns when to come back.
    """
    for number in range(1, policy.attempts + 1):
        try:
            return attempt()
        except (CancelledError, FetchTimeoutError):
            raise
        except Exception as exc:  # classify() re-raises anything it does not know
            failure = classify(exc)
        if not failure.transient or number == policy.attempts:
            raise failure.error
        wait = failure.retry_after if failure.retry_after is not None else policy.delay(number)
        if wait >= deadline.remaining():
            raise failure.error
        wait_or_cancel(wait, should_cancel, cancel_message)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), LONGEST_RETRY_AFTER_S)  # 400 digits would be inf
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when is None:
        return None
    return min(LONGEST_RETRY_AFTER_S, max(0.0, when.timestamp() - time.time()))


_CONNECT_FAILURES = (
    "connection refused",
    "failed to establish a new connection",
    "couldn't connect",
    "could not resolve",
    "failed to resolve",
    "name or service not known",
    "temporary failure in name resolution",
    "network is unreachable",
    "no route to host",
)


def is_connect_failure(exc: BaseException) -> bool:
    """True when the chain of `exc` says no connection could be made at all (host unreachable).

    Such failures mean offline: retrying within the same fetch only wastes the user's time.
    A connection that broke off midway is not one of them (that is worth a retry).
    """
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        if isinstance(current, OSError) and current.errno in (
            errno.ECONNREFUSED,
            errno.ENETUNREACH,
            errno.EHOSTUNREACH,
        ):
            return True
        if any(text in str(current).lower() for text in _CONNECT_FAILURES):
            return True
        todo.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        todo.extend(current.args)
    return False


def rate_limited(origin: str, what: str, retry_after: float | None) -> RateLimitedError:
    """A RateLimitedError whose message says when to come back, if the server said so."""
    return RateLimitedError(
        f"{origin} is limiting requests for {what}. {_come_back(retry_after)}", retry_after
    )


def _come_back(retry_after: float | None) -> str:
    """When to come back: in a duration a person would use, or from tomorrow on, the date."""
    if retry_after is None:
        return "Try again later."
    if retry_after <= LONGEST_TOLD_WAIT_S:
        return f"Try again in {_duration(retry_after)}."
    if retry_after >= LONGEST_RETRY_AFTER_S:
        return "The server asks to wait a century or more; try again later."
    until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_after)
    return f"The server asks to wait until {until:%Y-%m-%d}; try again later."


def _duration(seconds: float) -> str:
    """Seconds in the unit a person would use: 45 seconds, 2 minutes, 1 hour 30 minutes."""
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)  # rounded up: never suggest coming back too early
    if minutes < 90:
        return f"{minutes} minutes"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} minutes" if minutes else "")
