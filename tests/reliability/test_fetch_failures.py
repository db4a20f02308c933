"""One instrument's failure never stops the others, and every failure reaches the log file with
its traceback while the user sees one line (issue 10, item 9).

Before: an unexpected exception from one source (a damaged yfinance cache raised peewee's
DatabaseError) ended the whole fetch, so the exchange was never asked and no error was
recorded; and the sources logged under `app.sources.*`, which no handler listened to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cache import Cache
from app.cli import main as cli_main
from app.errors import InternalError
from app.fetch import refresh
from tests.fakes.series import daily_rows

ROOT = Path(__file__).resolve().parents[2]
BTC = "ccxt:bitstamp:BTC/USD"


@pytest.fixture
def broken_yahoo(monkeypatch):
    """The Yahoo source raises something nobody expected (a bug, or a library's surprise)."""
    from app.sources import yahoo

    def explode(*args, **kwargs):
        raise RuntimeError("the source tripped over something")

    monkeypatch.setattr(yahoo, "_to_bars", explode)


def test_a_bug_in_one_source_does_not_stop_the_others(fake_upstreams, paths, broken_yahoo):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(60))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(90))

    rut, btc = refresh(paths.database, ["yahoo:^RUT", BTC], timeout_s=20)

    assert isinstance(rut.error, InternalError) and "RuntimeError" in str(rut.error)
    assert btc.ok and btc.new_bars == 90
    with Cache.open(paths.database) as cache:
        info = cache.instrument("yahoo:^RUT")
        assert info.last_error_kind == "internal" and "bug in Riskcurve" in info.last_error
        assert cache.instrument(BTC).rows == 90


def test_the_user_sees_one_line_and_the_log_the_traceback(
    fake_upstreams, paths, broken_yahoo, fresh_log, capsys
):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(60))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(90))

    code = cli_main(["fetch", "yahoo:^RUT", BTC, "--timeout", "20"])

    out = capsys.readouterr()
    assert code == 1
    errors = [line for line in out.err.splitlines() if "yahoo:^RUT" in line]
    assert len(errors) == 1 and "Traceback" not in out.err
    assert f"{BTC}: 90 new bars" in out.out
    logged = paths.log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "the source tripped over something" in logged


def test_expected_fetch_failures_are_logged_with_their_traceback(
    fake_yahoo, paths, fresh_log, capsys
):
    assert cli_main(["fetch", "yahoo:^NOPE", "--timeout", "10"]) == 2
    capsys.readouterr()
    logged = paths.log_file.read_text(encoding="utf-8")
    assert "yahoo:^NOPE" in logged and "Traceback" in logged


def test_the_sources_log_into_the_log_file(paths, fresh_log):
    from app.logs import setup_logging
    from app.sources import exchange, yahoo

    setup_logging(paths)
    yahoo.log.warning("a line from the Yahoo source")
    exchange.log.warning("a line from the exchange source")

    logged = paths.log_file.read_text(encoding="utf-8")
    assert "a line from the Yahoo source" in logged
    assert "a line from the exchange source" in logged


def test_every_module_logs_under_the_apps_logger():
    stray = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("app", "widgets")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "app" / "logs.py"  # which configures the libraries' loggers too
        for match in re.finditer(r"getLogger\(([^)]*)\)", path.read_text(encoding="utf-8"))
        if not match.group(1).startswith('"riskcurve')
    ]
    assert stray == []


def test_a_crash_of_a_command_is_logged(paths, fresh_log, monkeypatch, capsys):
    from app import fetch

    def crash(*args, **kwargs):
        raise ZeroDivisionError("a bug in the fetch command")

    monkeypatch.setattr(fetch, "refresh", crash)

    assert cli_main(["fetch", "yahoo:^RUT"]) == 1

    assert capsys.readouterr().err.count("\n") == 1
    logged = paths.log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "a bug in the fetch command" in logged
