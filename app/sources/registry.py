"""Which source fetches an instrument, and where it sends its requests.

`source_for(spec)` maps a parsed key to its source: `yahoo:...` to YahooSource (yfinance),
`ccxt:EXCHANGE:...` to ExchangeSource (ccxt) for that exchange. CSV instruments have no
network source; they are updated by importing the file again.

Two environment variables send the network sources somewhere else, for a mirror or a proxy
that speaks the same API, and so that the command line and the GUI can be tested end to end
(in a subprocess) against loopback fake servers:

RISKCURVE_YAHOO_URL
    e.g. ``http://127.0.0.1:8001``. Every request yfinance makes to a Yahoo host
    (query1/query2.finance.yahoo.com, fc.yahoo.com, guce.yahoo.com, consent.yahoo.com,
    finance.yahoo.com) goes to this base URL instead, keeping its path and query; a request to
    any other host is refused.

RISKCURVE_CCXT_URL
    e.g. ``http://127.0.0.1:8002``. Every URL in the exchange's ``urls['api']`` gets this
    scheme and host, keeping its path (Bitstamp: ``/api/v2/...``, Binance: ``/api/v3/...``),
    whatever the exchange.

Unset (the normal case), the sources talk to the real providers.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from app.errors import FetchError
from app.instruments import InstrumentSpec
from app.sources.base import Source

ENV_YAHOO_URL = "RISKCURVE_YAHOO_URL"
ENV_CCXT_URL = "RISKCURVE_CCXT_URL"


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
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{name} must be a base URL such as http://127.0.0.1:8001, not {value!r}")
    return value
