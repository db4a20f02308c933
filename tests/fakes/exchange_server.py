"""A loopback stand-in for the public market-data APIs of Bitstamp and Binance (spot).

One server answers both (RISKCURVE_CCXT_URL points every exchange at one base URL):

Bitstamp (what ccxt 4.5 bitstamp calls)
    /api/v2/markets/               the market list (fetch_currencies and fetch_markets share it)
    /api/v2/ohlc/{pair}/           step=86400, limit (max 1000), start, end (seconds):
                                   the candles inside [start, end], earliest first
Binance spot
    /api/v3/exchangeInfo           the spot symbols
    /api/v3/klines                 symbol, interval=1d, startTime, endTime, limit (max 1000, ms):
                                   the first `limit` candles from startTime (no startTime: the
                                   latest `limit`); unknown symbol: 400 {"code": -1121}

Data comes from the test: `add_market("bitstamp", "BTC/USD", rows)` with rows (epoch_day, open,
high, low, close, volume), None for a null; each candle is stamped at 00:00 UTC of its day.
Pages are cut from the rows sorted by day, like the real APIs; `page_hook` rewrites every page
(shuffle, duplicates, nulls, far-future candles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakes.http_fake import FakeServer, Reply, Seen, json_reply

Row = tuple[int, Any, Any, Any, Any, Any]
DAY_S = 86_400
MAX_LIMIT = 1000
BITSTAMP_OHLC = "/api/v2/ohlc/"
BINANCE_KLINES = "/api/v3/klines"


@dataclass
class FakeMarket:
    exchange: str
    symbol: str
    rows: list[Row]
    page_hook: Callable[[list[Row]], list[Row]] | None = None

    @property
    def base(self) -> str:
        return self.symbol.split("/")[0]

    @property
    def quote(self) -> str:
        return self.symbol.split("/")[1]

    @property
    def market_id(self) -> str:
        joined = self.base + self.quote
        return joined.lower() if self.exchange == "bitstamp" else joined.upper()


class ExchangeFake(FakeServer):
    """The exchange fake; see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.markets: dict[tuple[str, str], FakeMarket] = {}

    def add_market(
        self, exchange: str, symbol: str, rows: Sequence[Row], **options: Any
    ) -> FakeMarket:
        market = FakeMarket(exchange, symbol.upper(), list(rows), **options)
        self.markets[(exchange, market.market_id)] = market
        return market

    def candle_requests(self, exchange: str | None = None) -> list[Seen]:
        prefixes = {"bitstamp": (BITSTAMP_OHLC,), "binance": (BINANCE_KLINES,)}
        wanted = prefixes.get(exchange or "", (BITSTAMP_OHLC, BINANCE_KLINES))
        return [seen for seen in self.requests if seen.path.startswith(wanted)]

    def resource_key(self, path: str, query: dict[str, str]) -> str:
        return path + "?" + query.get("symbol", "")

    def empty_reply(self, path: str, query: dict[str, str]) -> Reply:
        if path.startswith(BITSTAMP_OHLC):
            return json_reply({"data": {"pair": "", "ohlc": []}})
        return json_reply([])

    def route(self, method: str, path: str, query: dict[str, str]) -> Reply:
        if path == "/api/v2/markets/":
            return json_reply([_bitstamp_market(m) for m in self._on("bitstamp")])
        if path.startswith(BITSTAMP_OHLC):
            return self._bitstamp_ohlc(path[len(BITSTAMP_OHLC) :].strip("/"), query)
        if path == "/api/v3/exchangeInfo":
            symbols = [_binance_symbol(m) for m in self._on("binance")]
            return json_reply({"timezone": "UTC", "rateLimits": [], "symbols": symbols})
        if path == BINANCE_KLINES:
            return self._binance_klines(query)
        return json_reply({"error": f"no such endpoint {path}"}, 404)

    def _on(self, exchange: str) -> list[FakeMarket]:
        return [m for (name, _), m in self.markets.items() if name == exchange]

    def _page(self, market: FakeMarket, first: int | None, last: int | None, limit: int) -> list:
        rows = sorted(market.rows, key=lambda row: row[0])
        rows = [
            r
            for r in rows
            if (first is None or r[0] * DAY_S >= first) and (last is None or r[0] * DAY_S <= last)
        ]
        rows = rows[:limit] if first is not None else rows[-limit:]
        return market.page_hook(list(rows)) if market.page_hook else rows

    def _bitstamp_ohlc(self, pair: str, query: dict[str, str]) -> Reply:
        market = self.markets.get(("bitstamp", pair))
        if market is None:
            return json_reply({"code": "404.002", "message": "Pair not found"}, 404)
        if query.get("step") != str(DAY_S):
            return json_reply({"code": "400.002", "message": "step must be 86400 here"}, 400)
        limit = min(int(query.get("limit", MAX_LIMIT)), MAX_LIMIT)
        first = int(query["start"]) if "start" in query else None
        last = int(query["end"]) if "end" in query else None
        rows = self._page(market, first, last, limit)
        ohlc = [
            {
                "timestamp": _text(None if r[0] is None else r[0] * DAY_S),
                "open": _text(r[1]),
                "high": _text(r[2]),
                "low": _text(r[3]),
                "close": _text(r[4]),
                "volume": _text(r[5]),
            }
            for r in rows
        ]
        return json_reply({"data": {"pair": market.symbol, "ohlc": ohlc}})

    def _binance_klines(self, query: dict[str, str]) -> Reply:
        market = self.markets.get(("binance", query.get("symbol", "")))
        if market is None:
            return json_reply({"code": -1121, "msg": "Invalid symbol."}, 400)
        if query.get("interval") != "1d":
            return json_reply({"code": -1120, "msg": "Invalid interval."}, 400)
        limit = min(int(query.get("limit", 500)), MAX_LIMIT)
        first = int(query["startTime"]) // 1000 if "startTime" in query else None
        last = int(query["endTime"]) // 1000 if "endTime" in query else None
        klines = []
        for r in self._page(market, first, last, limit):
            opened = None if r[0] is None else r[0] * DAY_S * 1000
            closed = None if opened is None else opened + DAY_S * 1000 - 1
            values = [_text(v) for v in r[1:6]]
            klines.append([opened, *values, closed, "0", 100, "0", "0", "0"])
        return json_reply(klines)


def _text(value: Any) -> str | None:
    return None if value is None else repr(value) if isinstance(value, float) else str(value)


def _bitstamp_market(market: FakeMarket) -> dict:
    return {
        "name": market.symbol,
        "market_symbol": market.market_id,
        "base_currency": market.base,
        "base_decimals": 8,
        "counter_currency": market.quote,
        "counter_decimals": 2,
        "minimum_order_value": "10",
        "trading": "Enabled",
        "instant_order_counter_decimals": 2,
        "instant_and_market_orders": "Enabled",
        "description": f"{market.base} / {market.quote}",
        "market_type": "SPOT",
    }


def _binance_symbol(market: FakeMarket) -> dict:
    return {
        "symbol": market.market_id,
        "status": "TRADING",
        "baseAsset": market.base,
        "baseAssetPrecision": 8,
        "quoteAsset": market.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ["LIMIT", "MARKET"],
        "icebergAllowed": True,
        "ocoAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01",
                "maxPrice": "1000000.00",
                "tickSize": "0.01",
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": "0.00001",
                "maxQty": "9000.0",
                "stepSize": "0.00001",
            },
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
    }
