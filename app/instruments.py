"""Instrument keys: `yahoo:^RUT`, `ccxt:bitstamp:BTC/USD`, `csv:my-series`.

A key is user input that ends up in SQL parameters, file names and provider URLs, so it is
parsed against a strict grammar here, once, at every boundary where a key comes in (the settings
file and dialog, the command line, a CSV import): `InstrumentKey` is the parsed key in its one
canonical spelling (`yahoo:^rut` becomes `yahoo:^RUT`), so everything inside compares keys as
plain strings and gets the same answer for the same market. `market_name` names a market for
people ("Russell 2000 (^RUT)").
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


class InstrumentKey(str):
    """A parsed instrument key in its canonical spelling; a str wherever a str goes (SQL
    parameters, JSON, dict keys), so code inside never needs to know which one it holds.

    Raises:
        InvalidKeyError: the text is not a valid key.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> InstrumentKey:
        if type(text) is cls:
            return text
        return super().__new__(cls, parse_key(text).key)

    @property
    def spec(self) -> InstrumentSpec:
        return parse_key(self)

    def __repr__(self) -> str:
        return f"InstrumentKey({str(self)!r})"


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


def market_ticker(key: str) -> str:
    """The ticker alone, for axis titles, the compact readout and the data's age: ^RUT."""
    try:
        return parse_key(key).ticker
    except InvalidKeyError:
        return key


def halving_market(leader: str, follower: str) -> str:
    """Which market of a pair the halving cycles and the Bitcoin key dates belong to.

    "follower" or "leader": the one that is Bitcoin (the follower first); else a series of
    the user's own (csv:, which may be Bitcoin; the follower first); "" when both are markets
    known not to be Bitcoin (the S&P 500 and the Russell 2000 have no halvings).
    """
    kinds = {role: _bitcoin_kind(key) for role, key in (("leader", leader), ("follower", follower))}
    for wanted in ("bitcoin", "maybe"):
        for role in ("follower", "leader"):
            if kinds[role] == wanted:
                return role
    return ""


def _bitcoin_kind(key: str) -> str:
    try:
        spec = parse_key(key)
    except InvalidKeyError:
        return "maybe"
    if is_bitcoin(spec):
        return "bitcoin"
    return "maybe" if spec.source == "csv" else "not"


#: Names people know the default and common markets by.
KNOWN_NAMES = {
    "yahoo:^RUT": "Russell 2000 (^RUT)",
    "yahoo:^GSPC": "S&P 500 (^GSPC)",
    "yahoo:^NDX": "Nasdaq-100 (^NDX)",
    "yahoo:^IXIC": "Nasdaq Composite (^IXIC)",
    "yahoo:^DJI": "Dow Jones Industrial Average (^DJI)",
    "yahoo:IWM": "iShares Russell 2000 ETF (IWM)",
    "yahoo:SPY": "SPDR S&P 500 ETF (SPY)",
}
_ASSETS = {"BTC": "Bitcoin", "XBT": "Bitcoin", "ETH": "Ether"}
_EXCHANGES = {"bitstamp": "Bitstamp", "bitfinex": "Bitfinex", "coinbase": "Coinbase"}


def market_name(key: str, label: str = "") -> str:
    """A market's name for charts, captions and tables.

    The user's own `label` (the per-instrument setting) when there is one; else the name
    people know it by, with its ticker ("Russell 2000 (^RUT)", "Bitcoin (Bitstamp)",
    "Bitcoin (Yahoo, BTC-USD)"); else the key's ticker. A key that does not parse is shown as
    it is: a name is never the place to fail.
    """
    if label.strip():
        return label.strip()
    try:
        spec = parse_key(key)
    except InvalidKeyError:
        return str(key)
    if spec.key in KNOWN_NAMES:
        return KNOWN_NAMES[spec.key]
    base = re.split(r"[-/]", spec.ticker, maxsplit=1)[0]
    asset = _ASSETS.get(base) if spec.source in ("yahoo", "ccxt") and base != spec.ticker else None
    if asset is None:
        return spec.label
    if spec.source == "yahoo":
        return f"{asset} (Yahoo, {spec.ticker})"
    exchange = _EXCHANGES.get(spec.exchange, spec.exchange.title())
    usd = spec.ticker.split("/")[1].split(":")[0] in ("USD",)
    return f"{asset} ({exchange})" if usd else f"{asset} ({exchange}, {spec.ticker})"
