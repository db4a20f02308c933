"""Which source fetches an instrument, and where it sends its requests.

`source_for(spec)` maps a parsed key to its source: `yahoo:...` to YahooSource (yfinance),
`ccxt:EXCHANGE:...` to ExchangeSource (ccxt) for that exchange. CSV instruments have no
network source; they are updated by importing the file again.

Two environment variables send the network sources to a stand-in server, so that the command
line and the GUI can be tested end to end (in a subprocess) against loopback fake servers:

RISKCURVE_YAHOO_URL
    e.g. ``http://127.0.0.1:8001``. Every request yfinance makes to a Yahoo host
    (query1/query2.finance.yahoo.com, fc.yahoo.com, guce.yahoo.com, consent.yahoo.com,
    finance.yahoo.com) goes to this base URL instead, keeping its path and query; a request to
    any other host is refused.

RISKCURVE_CCXT_URL
    e.g. ``http://127.0.0.1:8002``. Every URL in the exchange's ``urls['api']`` gets this
    scheme and host, keeping its path (Bitstamp: ``/api/v2/...``, Binance: ``/api/v3/...``),
    whatever the exchange.

Whoever controls such a server controls the prices Riskcurve stores, so the host must be this
computer (``localhost``, ``127.0.0.0/8``, ``::1``; no name is looked up) unless
``RISKCURVE_ALLOW_REMOTE_TEST_URL=1`` is set too (a mirror on another machine). Whenever one
is in effect, a warning line goes to stderr and to the log file (once per process and value).

Unset (the normal case), the sources talk to the real providers.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import threading
from urllib.parse import urlsplit

from app.errors import FetchError, SettingsError
from app.instruments import InstrumentSpec
from app.sources.base import Source

ENV_YAHOO_URL = "RISKCURVE_YAHOO_URL"
ENV_CCXT_URL = "RISKCURVE_CCXT_URL"
ENV_ALLOW_REMOTE = "RISKCURVE_ALLOW_REMOTE_TEST_URL"
_STANDS_IN_FOR = {ENV_YAHOO_URL: "Yahoo Finance", ENV_CCXT_URL: "every exchange"}

log = logging.getLogger("riskcurve.sources.registry")
_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def source_for(spec: InstrumentSpec) -> Source:
    """The source that fetches `spec`, honouring the endpoint overrides above."""
    if spec.source == "yahoo":
        from app.sources.yahoo import YahooSource

        return YahooSource(base_url=_override(ENV_YAHOO_URL))
    if spec.source == "ccxt":
        from app.sources.exchange import ExchangeSource

        return ExchangeSource(spec.exchange, base_url=_override(ENV_CCXT_URL))
    raise FetchError(
        f"{spec.key} comes from a CSV file and cannot be fetched; "
        "import the file again to update it."
    )


def _override(name: str) -> str | None:
    """The base URL in environment variable `name`, checked; None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            name, f"must be a base URL such as http://127.0.0.1:8001, not {value!r}"
        )
    remote = not _is_loopback(parts.hostname)
    if remote and os.environ.get(ENV_ALLOW_REMOTE, "").strip() != "1":
        raise SettingsError(
            name,
            f"{parts.hostname} is not this computer; a stand-in server must be on localhost or "
            f"127.0.0.1 (set {ENV_ALLOW_REMOTE}=1 to allow another host)",
        )
    _warn_once(name, value, remote)
    return value


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: not looked up, so not known to be this computer


def _warn_once(name: str, value: str, remote: bool) -> None:
    """Say, once per process and value, that prices come from a stand-in server."""
    where = f"another computer ({ENV_ALLOW_REMOTE}=1)" if remote else "this computer"
    line = (
        f"warning: {name} is set: requests for {_STANDS_IN_FOR[name]} go to {value} "
        f"on {where}, not to the real provider"
    )
    with _warned_lock:  # sources are asked from several threads at once
        if (name, value) in _warned:
            return
        _warned.add((name, value))
        log.warning("%s", line)
        # One write with its newline: print() writes the line and the newline apart, and two
        # threads' warnings would run together on one line.
        sys.stderr.write(f"riskcurve: {line}\n")
