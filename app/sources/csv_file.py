"""CSV import and export of daily bars, with a strict, documented reading.

Accepted: UTF-8 text (a BOM is fine; UTF-16 with a BOM too), comma, semicolon or tab delimited
(taken from the header line), any line endings; blank lines (or lines of empty fields) are
skipped. The header names a date column and a close column; open, high, low and volume are
optional, common spellings are understood (Yahoo's `Date,Open,High,Low,Close,Adj Close,Volume`,
`Date,Close`, `Close/Last`, `Price`) and other columns are ignored. A file with exactly two
columns, the other one not named like any of these (`Date,BTC_USD`), takes that one as the
close. Every row has as many fields as the header (extra empty fields at the end are allowed),
so a decimal comma that splits a number is caught, not misread. Dates are YYYY-MM-DD (or
YYYY/MM/DD) from 1800-01-01 to tomorrow (UTC: a later date is a typo), optionally followed by a
time, which is ignored: the date as written is the trading date. Numbers use ASCII digits and
'.' as the decimal point; spaces around a field are ignored. An empty cell (or `null`, `NaN`,
`N/A`, `-`) is a missing value: open, high, low and volume may be missing, the close may not,
and a row whose prices are all missing (Yahoo marks non-trading days so) is skipped. Prices must
lie from 1e-8 to 1e12, the volume must be finite and not negative, the high not below the low.
Rows may come in any order; a date repeated with identical values counts once.

Limits: a regular file (not a device, pipe or folder) of at most 512 MB, lines of at most
65,536 characters, fields of at most 131,072 (see app.sources.csv_text). The file is read line
by line; the first problem in it, in the order of its lines, is the one reported.

Anything else is rejected with the file name, the line number and the reason, and nothing is
stored: the whole file is read and checked before the single write transaction starts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.bars import COLUMNS, bars_from_arrays, latest_valid_day
from app.errors import CsvFormatError
from app.sources.base import ProgressCallback, no_progress
from app.sources.csv_text import CsvText

if TYPE_CHECKING:
    import _csv

    import pandas as pd

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "datetime", "timestamp", "time", "day", "trade date", "trading date"),
    "open": ("open", "open price", "opening price"),
    "high": ("high", "high price", "max"),
    "low": ("low", "low price", "min"),
    "close": ("close", "close/last", "close price", "closing price", "price", "last"),
    "adj_close": ("adj close", "adj_close", "adjusted close", "adjclose"),
    "volume": ("volume", "vol", "vol."),
}
# ASCII digits only (\d would also take ٢٠٢٤); the same separator twice: 2024-01/02 is a typo.
_DATE = re.compile(
    r"([0-9]{4})([-/])([0-9]{2})\2([0-9]{2})"
    r"(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MISSING = ("", "null", "nan", "n/a", "-")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: Prices outside this range are typos or unit mistakes, and ratios of them overflow a float.
MIN_PRICE, MAX_PRICE = 1e-8, 1e12


@dataclass(frozen=True)
class _Layout:
    """Which field index holds which column (None: not in the file)."""

    delimiter: str
    date: int
    columns: dict[str, int | None]
    width: int


def read_csv_bars(path: Path | str, progress: ProgressCallback = no_progress) -> pd.DataFrame:
    """Read and check a CSV file of daily bars; raise CsvFormatError naming file, line, reason.

    The file is read line by line (see app.sources.csv_text for the limits); what is kept is
    one entry per distinct day, so memory stays bounded whatever the file's length.
    `progress(bytes_read, file_size, message)` is called every few tens of thousands of lines.
    """
    path = Path(path)
    with CsvText.open(path, progress) as text:
        lines = text.lines()
        header = next((line for line in lines if line.strip()), None)
        if header is None:
            raise CsvFormatError(str(path), None, "the file is empty")
        header_line = text.line_no
        layout = _parse_header(path, header, header_line)
        reader = csv.reader(lines, delimiter=layout.delimiter)
        rows = _parse_rows(path, reader, layout, header_line)
    if not rows:
        raise CsvFormatError(str(path), None, "the file has a header but no data rows")
    return _to_frame(path, rows)


def _parse_header(path: Path, line: str, line_no: int) -> _Layout:
    delimiter = max(",;\t", key=line.count)
    names = [_normalise_name(n) for n in next(csv.reader([line], delimiter=delimiter))]
    if len(set(names)) != len(names):
        raise CsvFormatError(str(path), line_no, "the header names a column twice")
    found = {
        column: next((i for i, n in enumerate(names) if n in aliases), None)
        for column, aliases in HEADER_ALIASES.items()
    }
    if found["date"] is None:
        raise CsvFormatError(str(path), line_no, "no date column in the header (expected Date)")
    if found["close"] is None:
        found["close"] = found.pop("adj_close")
    known = {alias for aliases in HEADER_ALIASES.values() for alias in aliases}
    if found["close"] is None and len(names) == 2 and names[1 - found["date"]] not in known:
        found["close"] = 1 - found["date"]  # e.g. Date,BTC_USD: a lone value column
    if found["close"] is None:
        raise CsvFormatError(str(path), line_no, "no close column in the header (expected Close)")
    return _Layout(delimiter, found["date"], {c: found.get(c) for c in COLUMNS}, len(names))


def _normalise_name(name: str) -> str:
    return " ".join(name.strip().strip('"').strip().lower().split())


def _parse_rows(
    path: Path, reader: _csv.Reader, layout: _Layout, header_line: int
) -> dict[int, tuple[int, tuple[float, ...]]]:
    """day -> (line, values); checks every field and duplicate dates."""
    rows: dict[int, tuple[int, tuple[float, ...]]] = {}
    last_line = header_line
    latest_day = latest_valid_day()
    try:
        for fields in reader:
            line_no, last_line = last_line + 1, header_line + reader.line_num
            if not any(f.strip() for f in fields):
                continue
            _check_width(path, line_no, fields, layout.width)
            day = _parse_date(path, line_no, fields[layout.date], latest_day)
            values = _parse_values(path, line_no, fields, layout)
            if values is None:
                continue
            _check_duplicate(path, rows, day, line_no, values)
            rows[day] = (line_no, values)
    except csv.Error as exc:
        raise CsvFormatError(str(path), last_line + 1, _quoting_problem(exc)) from None
    return rows


def _quoting_problem(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        limit = csv.field_size_limit()
        return f"a field is longer than {limit:,} characters (a quote that is never closed?)"
    return f"broken CSV quoting ({exc})"


def _check_width(path: Path, line_no: int, fields: list[str], width: int) -> None:
    if len(fields) < width:
        raise CsvFormatError(
            str(path),
            line_no,
            f"expected at least {width} fields (one per column), found {len(fields)}",
        )
    if any(f.strip() for f in fields[width:]):
        raise CsvFormatError(
            str(path),
            line_no,
            f"{len(fields)} fields but the header has {width} (a decimal comma? use '.')",
        )


def _parse_date(path: Path, line_no: int, text: str, latest_day: int) -> int:
    match = _DATE.fullmatch(text.strip().strip('"'))
    if not match:
        raise CsvFormatError(str(path), line_no, f"date {text.strip()!r} is not YYYY-MM-DD")
    year, month, day = (int(match.group(g)) for g in (1, 3, 4))
    try:
        epoch_day = dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        epoch_day = None
    if epoch_day is None or not 1800 <= year <= 2200:
        raise CsvFormatError(str(path), line_no, f"date {text.strip()!r} does not exist")
    if epoch_day > latest_day:
        raise CsvFormatError(
            str(path), line_no, f"date {text.strip()!r} is in the future (after tomorrow, UTC)"
        )
    return epoch_day


def _parse_values(
    path: Path, line_no: int, fields: list[str], layout: _Layout
) -> tuple[float, ...] | None:
    values = tuple(
        _parse_number(path, line_no, column, fields[index]) if index is not None else math.nan
        for column, index in layout.columns.items()
    )
    prices = dict(zip(COLUMNS, values, strict=True))
    if all(math.isnan(prices[c]) for c in ("open", "high", "low", "close")):
        return None
    if math.isnan(prices["close"]):
        raise CsvFormatError(str(path), line_no, "the close is missing")
    for column in ("open", "high", "low", "close"):
        _check_price(path, line_no, column, prices[column])
    if prices["volume"] < 0:
        raise CsvFormatError(str(path), line_no, "volume is negative")
    if prices["high"] < prices["low"]:
        raise CsvFormatError(
            str(path), line_no, f"high {prices['high']!r} is below low {prices['low']!r}"
        )
    return values


def _check_price(path: Path, line_no: int, column: str, value: float) -> None:
    if math.isnan(value):  # missing: allowed for open, high and low (checked by the caller)
        return
    if value <= 0:
        raise CsvFormatError(str(path), line_no, f"{column} {value!r} is not positive")
    if not MIN_PRICE <= value <= MAX_PRICE:
        raise CsvFormatError(
            str(path),
            line_no,
            f"{column} {value!r} is outside the allowed range {MIN_PRICE:g} to {MAX_PRICE:g}",
        )


def _parse_number(path: Path, line_no: int, column: str, text: str) -> float:
    text = text.strip().strip('"').strip()
    if text.lower() in _MISSING:
        return math.nan
    if not _NUMBER.fullmatch(text):
        raise CsvFormatError(
            str(path), line_no, f"{column} {text!r} is not a number (use '.' for decimals)"
        )
    value = float(text)
    if not math.isfinite(value):
        raise CsvFormatError(str(path), line_no, f"{column} {text!r} is too large")
    return value


def _check_duplicate(
    path: Path, rows: dict, day: int, line_no: int, values: tuple[float, ...]
) -> None:
    previous = rows.get(day)
    if previous is None:
        return
    first_line, first_values = previous
    same = all(
        a == b or (math.isnan(a) and math.isnan(b))
        for a, b in zip(first_values, values, strict=True)
    )
    if not same:
        raise CsvFormatError(
            str(path), line_no, f"the date repeats line {first_line} with different values"
        )


def _to_frame(path: Path, rows: dict[int, tuple[int, tuple[float, ...]]]) -> pd.DataFrame:
    days = np.fromiter(sorted(rows), dtype=np.int64, count=len(rows))
    table = np.array([rows[int(d)][1] for d in days], dtype=float)
    return bars_from_arrays(days, {c: table[:, i] for i, c in enumerate(COLUMNS)})


def import_csv(
    path: Path | str, key: str, db_path: Path | str, progress: ProgressCallback = no_progress
) -> int:
    """Check the whole file, then store it as instrument `key` in one transaction."""
    from app.cache import Cache
    from app.instruments import parse_key

    parse_key(key)
    bars = read_csv_bars(path, progress)
    with Cache.open(db_path) as cache:
        return cache.store_bars(key, bars, source="csv")


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly the same float ('' for missing)."""
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def bars_to_csv_text(bars: pd.DataFrame) -> str:
    """Bars as `Date,Open,High,Low,Close,Volume` CSV, the format read_csv_bars reads back."""
    out = io.StringIO()
    out.write("Date,Open,High,Low,Close,Volume\n")
    dates = bars.index.strftime("%Y-%m-%d")
    columns = [bars[c].to_numpy(dtype=float).tolist() for c in COLUMNS]
    for date, *values in zip(dates, *columns, strict=True):
        out.write(date + "," + ",".join(format_number(v) for v in values) + "\n")
    return out.getvalue()


def export_csv(
    key: str, out_path: Path | str, db_path: Path | str, *, replace: bool = False
) -> int:
    """Write the cached bars of `key` to a CSV file; returns the row count.

    Written through app.outputs: whole or absent; an existing file only with `replace`.
    """
    from app.cache import Cache
    from app.outputs import check_target, write_text

    check_target(Path(out_path), replace=replace)  # before the work: a refusal costs nothing
    with Cache.open(db_path) as cache:
        bars = cache.load_bars(key)
    write_text(out_path, bars_to_csv_text(bars), replace=replace)
    return len(bars)
