"""Instrument keys: the grammar, the parsed key, names for people, and file-name-safe stems."""

from __future__ import annotations

import pytest

from app.errors import InvalidKeyError
from app.instruments import InstrumentKey, is_bitcoin, market_name, parse_key, safe_file_stem


@pytest.mark.parametrize(
    ("key", "source", "ticker", "exchange", "canonical"),
    [
        ("yahoo:^RUT", "yahoo", "^RUT", "", "yahoo:^RUT"),
        ("yahoo:btc-usd", "yahoo", "BTC-USD", "", "yahoo:BTC-USD"),
        ("YAHOO:ES=F", "yahoo", "ES=F", "", "yahoo:ES=F"),
        ("ccxt:Bitstamp:btc/usd", "ccxt", "BTC/USD", "bitstamp", "ccxt:bitstamp:BTC/USD"),
        ("csv:my-series_1", "csv", "my-series_1", "", "csv:my-series_1"),
    ],
)
def test_valid_keys(key, source, ticker, exchange, canonical):
    spec = parse_key(key)
    assert (spec.source, spec.ticker, spec.exchange, spec.key) == (
        source,
        ticker,
        exchange,
        canonical,
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "RUT",
        "nasdaq:AAPL",
        "yahoo:",
        "yahoo:../../etc",
        "ccxt:bitstamp",
        "ccxt:b:BTCUSD",
        "csv:a/b",
        "csv:'; DROP TABLE bars; --",
        "yahoo:" + "A" * 100,
        "csv:ünïcode",
    ],
)
def test_invalid_keys_are_rejected_with_a_plain_message(key):
    with pytest.raises(InvalidKeyError):
        parse_key(key)


def test_crypto_trades_every_day():
    assert parse_key("ccxt:bitstamp:BTC/USD").trades_every_day
    assert parse_key("yahoo:BTC-USD").trades_every_day
    assert not parse_key("yahoo:^RUT").trades_every_day


def test_safe_file_stem_has_no_separators_or_odd_characters():
    assert safe_file_stem("ccxt:bitstamp:BTC/USD") == "ccxt-bitstamp-BTC-USD"
    assert safe_file_stem("yahoo:^RUT") == "yahoo-RUT"
    assert safe_file_stem("../..") == "instrument"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("yahoo:^rut", "yahoo:^RUT"),
        (" YAHOO:btc-usd ", "yahoo:BTC-USD"),
        ("ccxt:Kraken:xbt/eur", "ccxt:kraken:XBT/EUR"),
    ],
)
def test_a_parsed_key_is_its_canonical_spelling_and_still_a_string(text, canonical):
    key = InstrumentKey(text)
    assert key == canonical and isinstance(key, str) and str(key) == canonical
    assert hash(key) == hash(canonical) and {canonical: 1}[key] == 1
    assert key.spec == parse_key(canonical)
    assert InstrumentKey(key) is key


def test_a_parsed_key_refuses_what_does_not_parse():
    with pytest.raises(InvalidKeyError, match="must start with"):
        InstrumentKey("nasdaq:AAPL")


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("yahoo:^RUT", "Russell 2000 (^RUT)"),
        ("yahoo:^rut", "Russell 2000 (^RUT)"),
        ("yahoo:^GSPC", "S&P 500 (^GSPC)"),
        ("yahoo:IWM", "iShares Russell 2000 ETF (IWM)"),
        ("ccxt:bitstamp:BTC/USD", "Bitcoin (Bitstamp)"),
        ("yahoo:BTC-USD", "Bitcoin (Yahoo, BTC-USD)"),
        ("ccxt:kraken:XBT/EUR", "Bitcoin (Kraken, XBT/EUR)"),
        ("ccxt:binance:ETH/USDT", "Ether (Binance, ETH/USDT)"),
        ("yahoo:AAPL", "AAPL"),
        ("csv:my-series", "my-series"),
        ("not a key", "not a key"),
    ],
)
def test_markets_are_named_in_words(key, name):
    assert market_name(key) == name


def test_the_users_own_name_wins():
    assert market_name("yahoo:^RUT", "Small caps") == "Small caps"
    assert market_name("yahoo:^RUT", "   ") == "Russell 2000 (^RUT)"


def test_bitcoin_markets_are_recognised():
    assert all(is_bitcoin(parse_key(k)) for k in ("yahoo:BTC-USD", "ccxt:kraken:XBT/EUR"))
    assert not any(is_bitcoin(parse_key(k)) for k in ("yahoo:BTCS", "csv:btc", "yahoo:^RUT"))
