"""Instrument keys: the grammar, and file-name-safe stems."""

from __future__ import annotations

import pytest

from app.errors import InvalidKeyError
from app.instruments import parse_key, safe_file_stem


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
