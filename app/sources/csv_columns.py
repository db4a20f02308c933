"""Which column of a CSV header is the date, the close and the others (app.sources.csv_file).

The close is taken by rank: a column named `Close` always; else one of `Close/Last`,
`Close Price`, `Closing Price`; else one of `Price`, `Last`. Two candidates of the best rank
present (`Date,Price,Last`) are ambiguous and rejected, naming both. With no candidate at all
the adjusted close is taken, and a two-column file whose other column has a name of its own
(`Date,BTC_USD`) takes that one.

yfinance's `download(...).to_csv()` writes three header lines: `Price,Close,High,…` (the
column names, with `Price` over the date column), `Ticker,^RUT,…` and `Date,,,…`; they are read
as one header.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from app.bars import COLUMNS
from app.errors import CsvFormatError

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "datetime",
        "timestamp",
        "time",
        "day",
        "trade date",
        "trading date",
        "snapped_at",
    ),
    "open": ("open", "open price", "opening price"),
    "high": ("high", "high price", "max"),
    "low": ("low", "low price", "min"),
    "close": ("close", "close/last", "close price", "closing price", "price", "last"),
    "adj_close": ("adj close", "adj_close", "adjusted close", "adjclose"),
    "volume": ("volume", "vol", "vol.", "total_volume"),
}
#: The close's spellings from the most explicit to the least; the best rank present wins.
CLOSE_RANKS = (("close",), ("close/last", "close price", "closing price"), ("price", "last"))
#: The first fields of yfinance's second and third header lines.
YFINANCE_ROWS = ("ticker", "date")


@dataclass(frozen=True)
class Layout:
    """Which field index holds which column (None: not in the file)."""

    delimiter: str
    date: int
    columns: dict[str, int | None]
    width: int
    #: Header lines still to come (yfinance's Ticker and Date lines), by their first field.
    more_header_rows: tuple[str, ...] = ()


def parse_header(path: Path, line: str, line_no: int) -> Layout:
    """The layout of a header line; raises CsvFormatError naming what is missing or unclear."""
    delimiter = max(",;\t", key=line.count)
    names = [normalise_name(n) for n in next(csv.reader([line], delimiter=delimiter))]
    more_rows: tuple[str, ...] = ()
    if names and names[0] == "price" and "close" in names[1:]:
        names[0], more_rows = "date", YFINANCE_ROWS  # yfinance: Price names the columns
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise CsvFormatError(
            str(path),
            line_no,
            f"the header names the column {twice!r} twice"
            + (
                " (a yfinance download of several tickers? save one at a time)" if more_rows else ""
            ),
        )
    found = {
        column: next((i for i, n in enumerate(names) if n in aliases), None)
        for column, aliases in HEADER_ALIASES.items()
        if column != "close"
    }
    if found["date"] is None:
        raise CsvFormatError(str(path), line_no, "no date column in the header (expected Date)")
    found["close"] = _close_column(path, line_no, names, found)
    return Layout(
        delimiter, found["date"], {c: found.get(c) for c in COLUMNS}, len(names), more_rows
    )


def _close_column(path: Path, line_no: int, names: list[str], found: dict) -> int:
    for rank in CLOSE_RANKS:
        candidates = [i for i, n in enumerate(names) if n in rank]
        if len(candidates) > 1:
            listed = " and ".join(repr(names[i]) for i in candidates)
            raise CsvFormatError(
                str(path),
                line_no,
                f"the header has two columns that could be the close, {listed}; "
                "rename the one to use to Close",
            )
        if candidates:
            return candidates[0]
    if found["adj_close"] is not None:
        return found["adj_close"]
    known = {alias for aliases in HEADER_ALIASES.values() for alias in aliases}
    if len(names) == 2 and names[1 - found["date"]] not in known:
        return 1 - found["date"]  # e.g. Date,BTC_USD: a lone value column
    raise CsvFormatError(str(path), line_no, "no close column in the header (expected Close)")


def check_more_header_row(
    path: Path, line: str, line_no: int, expected: str, layout: Layout
) -> None:
    """yfinance's Ticker line (one ticker) or Date line (nothing after Date)."""
    fields = [normalise_name(f) for f in next(csv.reader([line], delimiter=layout.delimiter), [])]
    if not fields or fields[0] != expected:
        raise CsvFormatError(
            str(path),
            line_no,
            f"expected yfinance's {expected.capitalize()} line here (the header starts with "
            "Price,Close,…)",
        )
    if expected == "date" and any(fields[1:]):
        raise CsvFormatError(str(path), line_no, "yfinance's Date line has values after Date")
    if expected == "ticker" and len(set(fields[1:])) > 1:
        raise CsvFormatError(
            str(path), line_no, "several tickers in one file; save one ticker per file"
        )


def normalise_name(name: str) -> str:
    return " ".join(name.strip().strip('"').strip().lower().split())
