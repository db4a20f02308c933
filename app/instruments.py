"""Instrument keys: `yahoo:^RUT`, `ccxt:bitstamp:BTC/USD`, `csv:my-series`.

A key is user input that ends up in SQL parameters, file names and provider URLs, so it is
parsed against a strict grammar here, once, and everything else works with `InstrumentSpec`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InvalidKeyError

SOURCES = ("yahoo", "ccxt", "csv")
MAX_KEY_LENGTH = 80

# Yahoo tickers: letters, digits and ^ . - = (indices ^RUT, futures ES=F, crypto BTC-USD).
_YAHOO_TICKER = re.compile(r"[A-Za-z0-9^][A-Za-z0-9^.=\-]{0,31}")
_EXCHANGE_ID = re.compile(r"[a-z][a-z0-9_]{1,31}")
# ccxt unified symbols: BASE/QUOTE, optionally :SETTLE for derivatives.
_CCXT_SYMBOL = re.compile(r"[A-Za-z0-9]{1,16}/[A-Za-z0-9]{1,16}(:[A-Za-z0-9]{1,16})?")
_CSV_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.^=\-]{0,47}")


@dataclass(frozen=True)
class InstrumentSpec:
    """A parsed instrument key."""

    source: str
    ticker: str
    exchange: str = ""

    @property
    def key(self) -> str:
        if self.source == "ccxt":
            return f"ccxt:{self.exchange}:{self.ticker}"
        return f"{self.source}:{self.ticker}"

    @property
    def trades_every_day(self) -> bool:
        """Crypto markets trade 7 days a week (affects volatility annualisation)."""
        return self.source == "ccxt" or self.ticker.upper().endswith(("-USD", "-EUR", "-USDT"))

    @property
    def label(self) -> str:
        """Short human label for charts and captions."""
        if self.source == "ccxt":
            return f"{self.ticker} ({self.exchange})"
        return self.ticker


def parse_key(key: str) -> InstrumentSpec:
    """Parse and validate an instrument key; raise InvalidKeyError naming what is wrong."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidKeyError("Instrument key is empty; expected e.g. yahoo:^RUT")
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKeyError(f"Instrument key is longer than {MAX_KEY_LENGTH} characters")
    source, sep, rest = key.partition(":")
    source = source.lower()
    if not sep or source not in SOURCES:
        raise InvalidKeyError(
            f"Instrument key {key!r} must start with one of "
            f"{', '.join(s + ':' for s in SOURCES)} (e.g. yahoo:^RUT, ccxt:bitstamp:BTC/USD)"
        )
    if source == "yahoo":
        _require(_YAHOO_TICKER, rest, key, "a Yahoo ticker such as ^RUT, BTC-USD or ES=F")
        return InstrumentSpec("yahoo", rest.upper())
    if source == "ccxt":
        exchange, sep, symbol = rest.partition(":")
        if not sep:
            raise InvalidKeyError(
                f"Instrument key {key!r} must be ccxt:EXCHANGE:BASE/QUOTE "
                "(e.g. ccxt:bitstamp:BTC/USD)"
            )
        _require(_EXCHANGE_ID, exchange.lower(), key, "an exchange id such as bitstamp")
        _require(_CCXT_SYMBOL, symbol, key, "a market symbol such as BTC/USD")
        return InstrumentSpec("ccxt", symbol.upper(), exchange.lower())
    _require(_CSV_NAME, rest, key, "a name of letters, digits, '.', '_', '-' (up to 48)")
    return InstrumentSpec("csv", rest)


def _require(pattern: re.Pattern[str], text: str, key: str, expected: str) -> None:
    if not pattern.fullmatch(text):
        raise InvalidKeyError(f"Instrument key {key!r} is not valid: expected {expected}")


def safe_file_stem(key: str) -> str:
    """A file-name-safe form of a key: no path separators, quotes or odd characters."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")
    return stem[:80] or "instrument"


def is_bitcoin(spec: InstrumentSpec) -> bool:
    """Bitcoin against any currency: yahoo:BTC-USD, ccxt:bitstamp:BTC/USD, ccxt:kraken:XBT/EUR."""
    base = re.split(r"[-/]", spec.ticker, maxsplit=1)[0]
    return spec.source in ("yahoo", "ccxt") and base in ("BTC", "XBT") and base != spec.ticker
