"""A provider that streams an endless answer is cut off at the size cap, quickly and with
bounded memory, and the user gets one plain line (issue 10, item 16).

Before: requests read the whole body into memory first; an endless 200 answer grew the
process to 3 GB in 8 s and ended in MemoryError. The fetches run in a child process (its own
peak memory measured with wait4) under an address-space limit, so the old behaviour fails the
test without taking the machine's memory.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import BadDataError
from app.fetch import refresh
from app.sources.http_limits import MAX_RESPONSE_BYTES, ResponseTooLarge
from tests.fakes.series import daily_rows

resource = pytest.importorskip("resource", reason="peak memory is measured with POSIX rusage")

ROOT = Path(__file__).resolve().parents[2]
CHART = "/v8/finance/chart/"
BTC = "ccxt:bitstamp:BTC/USD"
MAX_GROWTH_MB = 200
ADDRESS_SPACE_LIMIT = 3 * 2**30  # the old code's endless read ends here, not in the machine


#: Runs main.py as `python main.py ARGS` would, then reports the process's own peak memory.
PEAK_REPORTER = """
import resource, runpy, sys
sys.argv = ["main.py", *sys.argv[1:]]
try:
    runpy.run_path("main.py", run_name="__main__")
finally:
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def fetch_in_child(*args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """`riskcurve fetch ARGS` in a child: the run (stderr without the peak line), its
    seconds and its peak memory in MB."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTER, "fetch", *args, "--timeout", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
    )
    took = time.monotonic() - started
    lines = run.stderr.splitlines()
    peaks = [int(line.split()[1]) for line in lines if line.startswith("PEAK_KB ")]
    assert peaks, run.stderr
    run.stderr = "\n".join(line for line in lines if not line.startswith("PEAK_KB "))
    return run, took, peaks[0] / 1024


@pytest.fixture
def endless(fake_upstreams):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(60))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(60))
    return fake_upstreams


def test_endless_answers_are_cut_off_with_one_line_and_bounded_memory(endless, paths):
    normal, _, baseline_mb = fetch_in_child("yahoo:^RUT", BTC)
    assert normal.returncode == 0, normal.stderr
    # Now the price answers never end (the time-zone probe and the market list still work).
    endless.yahoo.add_fault("endless", path=CHART, skip=1)
    endless.exchange.add_fault("endless", path="/api/v2/ohlc/")

    run, took, peak_mb = fetch_in_child("yahoo:^RUT", BTC, "--full")

    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if "warning:" not in line]
    assert len(lines) == 2, run.stderr
    for key, line in zip(("yahoo:^RUT", BTC), lines, strict=True):
        assert line.startswith(f"riskcurve: {key}: ") and "larger than 32 MB" in line, line
    assert took < 20, f"{took:.1f} s"
    assert peak_mb - baseline_mb < MAX_GROWTH_MB, f"peak {peak_mb:.0f} MB vs {baseline_mb:.0f} MB"


def test_an_endless_answer_is_refused_in_process(endless, paths):
    endless.yahoo.add_fault("endless", path=CHART, skip=1)
    endless.exchange.add_fault("endless", path="/api/v2/ohlc/")

    started = time.monotonic()
    rut, btc = refresh(paths.database, ["yahoo:^RUT", BTC], timeout_s=30)

    assert time.monotonic() - started < 15
    for outcome in (rut, btc):
        assert isinstance(outcome.error, BadDataError), outcome.error
        assert "larger than 32 MB" in str(outcome.error)


def test_the_browser_like_session_is_capped_too(endless):
    """Real Yahoo fetches use curl_cffi's session: the same cap applies to it."""
    pytest.importorskip("curl_cffi")
    from app.sources import yahoo_http

    session = yahoo_http._production_session()
    try:
        fine = session.get(f"{endless.yahoo.url}{CHART}^RUT?range=1d", timeout=10)
        assert fine.status_code == 200 and fine.json()["chart"]["result"]
        endless.yahoo.add_fault("endless", path=CHART)
        with pytest.raises(ResponseTooLarge) as refused:
            session.get(f"{endless.yahoo.url}{CHART}^RUT?range=1d", timeout=10)
        assert refused.value.limit == MAX_RESPONSE_BYTES
    finally:
        session.close()
