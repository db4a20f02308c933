"""RISKCURVE_YAHOO_URL / RISKCURVE_CCXT_URL send the sources to a stand-in server: only one on
this computer unless explicitly allowed, and never silently (issue 10, item 3).

Before: any host and plain http were accepted without a word, so one environment variable
(set in a shell profile, a shared launcher) fed every price from someone else's server.
"""

from __future__ import annotations

import pytest

from app.cli import main as cli_main
from app.instruments import parse_key
from app.sources.registry import ENV_ALLOW_REMOTE, ENV_CCXT_URL, ENV_YAHOO_URL, source_for
from tests.fakes.series import daily_rows

REMOTE = (
    "http://203.0.113.7:8001",
    "https://mirror.example.com",
    "http://10.0.0.2",
    "http://[2001:db8::1]:80",
)
KEYS = {ENV_YAHOO_URL: "yahoo:^RUT", ENV_CCXT_URL: "ccxt:bitstamp:BTC/USD"}


@pytest.mark.parametrize("variable", sorted(KEYS))
@pytest.mark.parametrize("url", REMOTE)
def test_a_remote_stand_in_is_refused_in_one_line(variable, url, monkeypatch, paths, capsys):
    monkeypatch.setenv(variable, url)

    code = cli_main(["fetch", KEYS[variable], "--timeout", "5"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and variable in err and "is not this computer" in err
    assert ENV_ALLOW_REMOTE in err


@pytest.mark.parametrize("url", ["http://localhost:9", "http://127.0.0.9:9", "http://[::1]:9"])
def test_loopback_stand_ins_are_accepted(url, monkeypatch):
    monkeypatch.setenv(ENV_YAHOO_URL, url)
    assert source_for(parse_key("yahoo:^RUT")).base_url == url


def test_a_remote_stand_in_needs_the_named_opt_in(monkeypatch, capsys):
    monkeypatch.setenv(ENV_CCXT_URL, "https://mirror.example.com")
    monkeypatch.setenv(ENV_ALLOW_REMOTE, "yes")  # only exactly 1 counts
    with pytest.raises(Exception, match="is not this computer"):
        source_for(parse_key("ccxt:bitstamp:BTC/USD"))

    monkeypatch.setenv(ENV_ALLOW_REMOTE, "1")
    assert source_for(parse_key("ccxt:bitstamp:BTC/USD")).base_url == "https://mirror.example.com"
    assert "another computer" in capsys.readouterr().err


def test_a_stand_in_in_effect_is_told_on_stderr_and_in_the_log(
    fake_upstreams, paths, fresh_log, capsys
):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(30))
    fake_upstreams.yahoo.add_symbol("^GSPC", daily_rows(30))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(30))

    code = cli_main(["fetch", "yahoo:^RUT", "yahoo:^GSPC", "ccxt:bitstamp:BTC/USD"])

    err = capsys.readouterr().err.splitlines()
    assert code == 0
    warnings = [line for line in err if line.startswith("riskcurve: warning:")]
    assert len(warnings) == 2  # once per variable, not once per instrument
    assert any(ENV_YAHOO_URL in w and fake_upstreams.yahoo.url in w for w in warnings)
    assert any(ENV_CCXT_URL in w and fake_upstreams.exchange.url in w for w in warnings)
    logged = paths.log_file.read_text(encoding="utf-8")
    assert f"{ENV_YAHOO_URL} is set" in logged and f"{ENV_CCXT_URL} is set" in logged
