"""The deadline, retry and backoff helpers the network sources share."""

from __future__ import annotations

import email.utils
import threading
import time

import pytest

from app.errors import (
    BadDataError,
    CancelledError,
    FetchTimeoutError,
    OfflineError,
    RateLimitedError,
)
from app.sources.retry import (
    Deadline,
    Failure,
    RetryPolicy,
    call_with_retries,
    is_connect_failure,
    parse_retry_after,
    run_bounded,
)


def never() -> bool:
    return False


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("120") == 120
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert parse_retry_after(in_a_minute) == pytest.approx(60, abs=2)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(attempts=6, first_delay_s=0.5, max_delay_s=3)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]


def test_run_bounded_returns_and_reraises():
    deadline = Deadline(5)
    assert run_bounded(lambda: 42, deadline, never, timeout_message="t", cancel_message="c") == 42
    with pytest.raises(KeyError):
        run_bounded(lambda: {}["x"], deadline, never, timeout_message="t", cancel_message="c")


def test_run_bounded_stops_waiting_at_the_deadline():
    release = threading.Event()
    began = time.monotonic()
    try:
        with pytest.raises(FetchTimeoutError, match="too slow"):
            run_bounded(
                release.wait, Deadline(0.3), never, timeout_message="too slow", cancel_message="c"
            )
        assert time.monotonic() - began < 0.3 + 0.2
    finally:
        release.set()


def test_run_bounded_stops_waiting_when_cancelled():
    release = threading.Event()
    try:
        with pytest.raises(CancelledError, match="stop"):
            run_bounded(
                release.wait, Deadline(10), lambda: True, timeout_message="t", cancel_message="stop"
            )
    finally:
        release.set()


def test_transient_failures_are_retried_a_bounded_number_of_times():
    calls = []

    def attempt():
        calls.append(time.monotonic())
        raise ConnectionResetError("reset")

    with pytest.raises(OfflineError):
        call_with_retries(
            attempt,
            lambda exc: Failure(OfflineError("down"), transient=True),
            deadline=Deadline(5),
            policy=RetryPolicy(3, 0.05, 1),
            should_cancel=never,
            cancel_message="c",
        )
    assert len(calls) == 3


def test_final_failures_are_not_retried_and_bugs_surface():
    calls = []

    def attempt():
        calls.append(1)
        raise ValueError("garbage")

    with pytest.raises(BadDataError):
        call_with_retries(
            attempt,
            lambda exc: Failure(BadDataError("bad")),
            deadline=Deadline(5),
            policy=RetryPolicy(),
            should_cancel=never,
            cancel_message="c",
        )
    assert calls == [1]

    def unknown(exc):
        raise exc

    with pytest.raises(ValueError, match="garbage"):
        call_with_retries(
            attempt,
            unknown,
            deadline=Deadline(5),
            policy=RetryPolicy(),
            should_cancel=never,
            cancel_message="c",
        )


def test_a_retry_after_longer_than_the_time_left_is_raised_at_once():
    calls = []

    def attempt():
        calls.append(1)
        raise RuntimeError("429")

    error = RateLimitedError("slow down", retry_after=60)
    with pytest.raises(RateLimitedError):
        call_with_retries(
            attempt,
            lambda exc: Failure(error, transient=True, retry_after=60),
            deadline=Deadline(5),
            policy=RetryPolicy(),
            should_cancel=never,
            cancel_message="c",
        )
    assert calls == [1]


def test_cancel_during_backoff():
    with pytest.raises(CancelledError):
        call_with_retries(
            lambda: 1 / 0,
            lambda exc: Failure(OfflineError("down"), transient=True),
            deadline=Deadline(5),
            policy=RetryPolicy(3, 2.0, 2.0),
            should_cancel=lambda: True,
            cancel_message="c",
        )


def test_refused_and_unresolvable_are_connect_failures_but_a_reset_is_not():
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_connect_failure(outer)
    assert is_connect_failure(OSError("Failed to resolve 'query2.finance.yahoo.com'"))
    assert not is_connect_failure(ConnectionResetError(104, "Connection reset by peer"))
