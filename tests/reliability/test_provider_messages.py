"""What a provider says reaches the user in Riskcurve's words (issue 10, item 19).

Before: a Retry-After dated 2099 was told as "Try again in 638880 hours", and yfinance's own
warnings ("Cookie/crumb fetch failed (ChunkedEncodingError), continuing without crumb") were
printed on the terminal, unprefixed, by Python's last-resort log handler.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import RateLimitedError
from app.fetch import refresh
from tests.fakes.series import daily_rows

ROOT = Path(__file__).resolve().parents[2]
CHART = "/v8/finance/chart/"
BTC = "ccxt:bitstamp:BTC/USD"
FAR = {
    "an HTTP date in 2099": ("Thu, 01 Jan 2099 00:00:00 GMT", "until 2099-01-01"),
    "the year 9999": ("Fri, 31 Dec 9999 23:59:59 GMT", "a century or more"),
    "a billion seconds": ("1000000000", "until 20"),
    "400 digits": ("9" * 400, "a century or more"),
}


@pytest.mark.parametrize("case", sorted(FAR))
def test_a_far_retry_after_is_told_as_a_date(case, fake_upstreams, paths):
    header, words = FAR[case]
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(30))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(30))
    fake_upstreams.yahoo.add_fault("status", path=CHART, status=429, retry_after=header)
    fake_upstreams.exchange.add_fault("status", path="/api/v2/", status=429, retry_after=header)

    outcomes = refresh(paths.database, ["yahoo:^RUT", BTC], timeout_s=10)

    for outcome in outcomes:
        text = str(outcome.error)
        assert isinstance(outcome.error, RateLimitedError), text
        assert words in text and "try again later" in text, text
        assert "hours" not in text and "\n" not in text


def test_a_short_retry_after_is_still_a_duration(fake_yahoo, paths):
    fake_yahoo.add_symbol("^RUT", daily_rows(30))
    fake_yahoo.add_fault("status", path=CHART, status=429, retry_after="7200")

    (outcome,) = refresh(paths.database, ["yahoo:^RUT"], timeout_s=5)

    assert "Try again in 2 hours." in str(outcome.error)


def test_yfinances_own_warnings_go_to_the_log_not_the_terminal(fake_yahoo, data_dir, paths):
    fake_yahoo.add_symbol("^RUT", daily_rows(30))
    # The crumb answer breaks off: yfinance warns and carries on without a crumb.
    fake_yahoo.add_fault("cut", path="/v1/test/getcrumb")

    run = subprocess.run(
        [sys.executable, "main.py", "fetch", "yahoo:^RUT", "--timeout", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    assert "yahoo:^RUT: 30 new bars" in run.stdout
    assert all(line.startswith("riskcurve: ") for line in run.stderr.splitlines()), run.stderr
    logged = paths.log_file.read_text(encoding="utf-8")
    assert "Cookie/crumb fetch failed" in logged and "yfinance" in logged
