"""A loopback stand-in for the Yahoo Finance endpoints yfinance uses for daily prices.

Paths (all Yahoo hosts land here through RISKCURVE_YAHOO_URL):
    /                          cookie page (sets a cookie)
    /v1/test/getcrumb          crumb as text
    /consent                   consent page without a form (yfinance's csrf strategy gives up)
    /v8/finance/chart/SYMBOL   range=1d: timezone probe; period1/period2/interval=1d: history
    anything else              404 JSON (quoteSummary and quote lookups of unknown symbols)

Data comes from the test: `add_symbol("^RUT", rows)` with rows (epoch_day, open, high, low,
close, volume), None for a null. Each bar is stamped at the session open in the exchange's
time zone (09:30 America/New_York by default; 00:00 UTC for crypto), as Yahoo does, and rows
are served in the order given (so a test can send them out of order or twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.http_fake import FakeServer, Reply, Seen, json_reply

Row = tuple[int, Any, Any, Any, Any, Any]
CHART = "/v8/finance/chart/"
VALID_RANGES = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"]
NOT_FOUND = {"code": "Not Found", "description": "No data found, symbol may be delisted"}


@dataclass
class YahooSymbol:
    """One symbol's data and how it is served.

    ignore_range: serve every row whatever period1/period2 ask (a misbehaving server; how a
        test gets far-future bars through). rows_hook: rewrite the rows of every history
        answer (duplicates, nulls...).
    """

    symbol: str
    rows: list[Row]
    timezone: str = "America/New_York"
    session_open: dt.time = dt.time(9, 30)
    currency: str = "USD"
    instrument_type: str = "INDEX"
    ignore_range: bool = False
    rows_hook: Callable[[list[Row]], list[Row]] | None = None

    def stamp(self, day: int) -> int:
        """Epoch seconds of the session open of `day` in the exchange's time zone."""
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        local = dt.datetime.combine(date, self.session_open, tzinfo=ZoneInfo(self.timezone))
        return int(local.timestamp())


class YahooFake(FakeServer):
    """The Yahoo fake; see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.symbols: dict[str, YahooSymbol] = {}

    def add_symbol(self, symbol: str, rows: Sequence[Row], **options: Any) -> YahooSymbol:
        entry = YahooSymbol(symbol.upper(), list(rows), **options)
        self.symbols[entry.symbol] = entry
        return entry

    def chart_requests(self, symbol: str | None = None) -> list[Seen]:
        """History requests (not timezone probes), optionally for one symbol."""
        return [s for s in self._charts(symbol) if "period1" in s.query]

    def probe_requests(self, symbol: str | None = None) -> list[Seen]:
        return [s for s in self._charts(symbol) if s.query.get("range") == "1d"]

    def _charts(self, symbol: str | None) -> list[Seen]:
        prefix = CHART + (symbol.upper() if symbol else "")
        return [s for s in self.requests if s.path.startswith(prefix)]

    def resource_key(self, path: str, query: dict[str, str]) -> str:
        return path + ("?probe" if query.get("range") else "")

    def error_reply(self, status: int, path: str) -> Reply:
        if status == 429:
            return Reply(429, b"Too Many Requests\r\n", "text/plain")
        if status == 404 and path.startswith(CHART):
            return json_reply({"chart": {"result": None, "error": NOT_FOUND}}, 404)
        return Reply(status, f"<html><body>HTTP {status}</body></html>".encode(), "text/html")

    def empty_reply(self, path: str, query: dict[str, str]) -> Reply:
        entry = self.symbols.get(path[len(CHART) :].upper())
        if entry is None:
            return self.error_reply(404, path)
        return json_reply(_chart(entry, [], query))

    def route(self, method: str, path: str, query: dict[str, str]) -> Reply:
        if path == "/":
            return Reply(200, b"ok", "text/html", {"Set-Cookie": _COOKIE})
        if path == "/v1/test/getcrumb":
            return Reply(200, b"FakeCrumb42", "text/plain")
        if path.startswith("/consent"):
            return Reply(200, b"<html><body>No consent needed</body></html>", "text/html")
        if not path.startswith(CHART):
            return json_reply({"finance": {"result": None, "error": NOT_FOUND}}, 404)
        entry = self.symbols.get(path[len(CHART) :].upper())
        if entry is None:
            return self.error_reply(404, path)
        return json_reply(_chart(entry, _select(entry, query), query))


def _select(entry: YahooSymbol, query: dict[str, str]) -> list[Row]:
    if query.get("range") == "1d":
        return entry.rows[-1:]
    rows = entry.rows
    if not entry.ignore_range:
        first = int(float(query.get("period1", "-9e12")))
        last = int(float(query.get("period2", "9e12")))
        rows = [row for row in rows if first <= entry.stamp(row[0]) < last]
    return entry.rows_hook(list(rows)) if entry.rows_hook else rows


def _chart(entry: YahooSymbol, rows: list[Row], query: dict[str, str]) -> dict:
    stamps = [entry.stamp(row[0]) for row in rows]
    zone = ZoneInfo(entry.timezone)
    now = dt.datetime.now(zone)
    meta = {
        "currency": entry.currency,
        "symbol": entry.symbol,
        "exchangeName": "FAKE",
        "fullExchangeName": "Fake Exchange",
        "instrumentType": entry.instrument_type,
        "firstTradeDate": stamps[0] if stamps else None,
        "regularMarketTime": stamps[-1] if stamps else int(now.timestamp()),
        "hasPrePostMarketData": False,
        "gmtoffset": int(now.utcoffset().total_seconds()),
        "timezone": now.tzname(),
        "exchangeTimezoneName": entry.timezone,
        "regularMarketPrice": rows[-1][4] if rows else None,
        "chartPreviousClose": rows[0][4] if rows else None,
        "priceHint": 2,
        "dataGranularity": "1d",
        "range": query.get("range", ""),
        "validRanges": VALID_RANGES,
    }
    result: dict[str, Any] = {"meta": meta}
    if rows:
        columns = {name: [row[i + 1] for row in rows] for i, name in enumerate(_FIELDS)}
        result["timestamp"] = stamps
        result["indicators"] = {"quote": [columns], "adjclose": [{"adjclose": columns["close"]}]}
    else:
        result["indicators"] = {"quote": [{}], "adjclose": [{}]}
    return {"chart": {"result": [result], "error": None}}


_FIELDS = ("open", "high", "low", "close", "volume")
# Yahoo's consent cookie lives a year; yfinance reads its expiry before reusing it.
_COOKIE = "A3=d=fake&S=fake; Max-Age=31536000; Path=/; HttpOnly"
