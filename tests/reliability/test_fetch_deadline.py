"""`--timeout` (and the window's download timeout) is one deadline for the whole fetch, and
only sensible values are accepted (issue 10, item 15).

Before: the deadline applied to each instrument in turn, so with the network hanging the
default four instruments took four times the timeout; `--timeout inf` (or 1e9, nan, -1, 0)
was taken as given.
"""

from __future__ import annotations

import time

import pytest

from app.cli import main as cli_main
from app.errors import FetchTimeoutError
from tests.fakes.series import daily_rows

DEADLINE_S = 5.0  # the smallest the download timeout setting allows
SLACK_S = 2.5
YAHOO = ("^RUT", "BTC-USD", "^GSPC")
KEYS = [f"yahoo:{ticker}" for ticker in YAHOO] + ["ccxt:bitstamp:BTC/USD"]


@pytest.fixture
def hanging(fake_upstreams):
    """Four instruments, and both providers accept connections but never answer."""
    for ticker in YAHOO:
        fake_upstreams.yahoo.add_symbol(ticker, daily_rows(30))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(30))
    fake_upstreams.yahoo.add_fault("hang")
    fake_upstreams.exchange.add_fault("hang")
    return fake_upstreams


def test_four_hanging_instruments_take_one_deadline_on_the_command_line(hanging, paths, capsys):
    started = time.monotonic()
    code = cli_main(["fetch", *KEYS, "--timeout", f"{DEADLINE_S:g}"])
    took = time.monotonic() - started

    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert took < DEADLINE_S + SLACK_S, f"{took:.1f} s for a {DEADLINE_S:g} s deadline"
    failures = [line for line in err if "warning:" not in line]
    assert len(failures) == len(KEYS)
    for key, line in zip(KEYS, failures, strict=True):
        assert line.startswith(f"riskcurve: {key}: ") and "timed out" in line, line


def test_the_windows_refresh_takes_one_deadline(hanging, paths):
    from widgets.jobs import results, tasks

    heard = []
    started = time.monotonic()
    report = tasks.refresh(paths.database, tuple(KEYS), DEADLINE_S, heard.append, lambda: False)
    took = time.monotonic() - started

    assert took < DEADLINE_S + SLACK_S, f"{took:.1f} s for a {DEADLINE_S:g} s deadline"
    assert [o.key for o in report.outcomes] == KEYS
    assert all(isinstance(o.error, FetchTimeoutError) for o in report.outcomes)
    assert all("timed out" in str(o.error) for o in report.outcomes)
    fetched = [event for event in heard if isinstance(event, results.InstrumentFetched)]
    assert sorted(event.outcome.key for event in fetched) == sorted(KEYS)


@pytest.mark.parametrize("value", ["inf", "1e9", "nan", "-1", "0", "4.9", "601", "soon"])
def test_a_timeout_outside_the_range_is_refused(value, paths, capsys):
    code = cli_main(["fetch", "yahoo:^RUT", "--timeout", value])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "--timeout" in err and "from 5 to 600 seconds" in err
