"""CSV import and export of daily bars, with a strict, documented reading.

Accepted: UTF-8 text (a BOM is fine; UTF-16 with a BOM too), comma, semicolon or tab delimited
(taken from the header line), any line endings; blank lines (or lines of empty fields) are
skipped. The header names a date column and a close column; open, high, low and volume are
optional, common spellings are understood (Yahoo's `Date,Open,High,Low,Close,Adj Close,Volume`,
`Date,Close`, `Close/Last`, `Price`, CoinGecko's `snapped_at,price,market_cap,total_volume`)
and other columns are ignored. The close is the column named Close; without one, Close/Last,
Close Price or Closing Price; without those, Price or Last; two candidates of the same rank are
rejected, naming both; with none, Adj Close. A file with exactly two columns, the other one not
named like any of these (`Date,BTC_USD`), takes that one as the close. yfinance's three header
lines (`Price,Close,…`, `Ticker,…`, `Date,,…`; one ticker) are one header. Every row has as
many fields as the header (extra empty fields at the end are allowed), so a decimal comma that
splits a number is caught, not misread. Dates are YYYY-MM-DD (or YYYY/MM/DD) from 1800-01-01
to tomorrow (UTC: a later date is a typo), optionally followed by a time (and Z, UTC or an
offset), which is ignored: the date as written is the trading date. Numbers use ASCII digits
and '.' as the decimal point, without thousands separators; spaces around a field are ignored.
An empty cell (or `null`, `NaN`, `N/A`, `-`) is a missing value: open, high, low and volume
may be missing, the close may not, and a row whose prices are all missing (Yahoo marks
non-trading days so) is skipped. Prices must lie from 1e-8 to 1e12, the volume must be finite
and not negative, the high not below the low, the close within the day's low and high (where
given). Rows may come in any order; a date repeated with identical values counts once.

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
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.bars import COLUMNS, EPOCH_DATE, FIRST_YEAR, LAST_YEAR, bars_from_arrays, latest_valid_day
from app.errors import CsvFormatError
from app.sources.base import ProgressCallback, no_progress
from app.sources.csv_columns import Layout, check_more_header_row, parse_header
from app.sources.csv_text import CsvText

if TYPE_CHECKING:
    import _csv

    import pandas as pd

    from app.cache.history import Changes
# ASCII digits only (\d would also take ٢٠٢٤); the same separator twice: 2024-01/02 is a typo.
_DATE = re.compile(
    r"([0-9]{4})([-/])([0-9]{2})\2([0-9]{2})"
    r"(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z| UTC|[+-][0-9]{2}:?[0-9]{2})?)?"
)
# Dates with the day and month first, in either order: 01/02/2024 is ambiguous.
_DAY_MONTH_YEAR = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{4}(?:[ T].*)?")
# 1,629.12: a comma every three digits before the point is a thousands separator.
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MISSING = ("", "null", "nan", "n/a", "-")
_EPOCH_ORDINAL = EPOCH_DATE.toordinal()
#: Distinct rows remembered to skip exact repeats (daily bars since 1800: about 83,000).
_MAX_REMEMBERED_ROWS = 200_000
#: Prices outside this range are typos or unit mistakes, and ratios of them overflow a float.
MIN_PRICE, MAX_PRICE = 1e-8, 1e12


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
        layout = parse_header(path, header, text.line_no)
        for expected in layout.more_header_rows:
            check_more_header_row(path, next(lines, ""), text.line_no, expected, layout)
        header_line = text.line_no
        reader = csv.reader(lines, delimiter=layout.delimiter)
        rows = _parse_rows(path, reader, layout, header_line)
    if not rows:
        raise CsvFormatError(str(path), None, "the file has a header but no data rows")
    return _to_frame(path, rows)


def _parse_rows(
    path: Path, reader: _csv.Reader, layout: Layout, header_line: int
) -> dict[int, tuple[int, tuple[float, ...]]]:
    """day -> (line, values); checks every field and duplicate dates."""
    rows: dict[int, tuple[int, tuple[float, ...]]] = {}
    # Rows already accepted, as written: an exact repeat (concatenated exports) reads the same,
    # so it is skipped unparsed. Bounded: a file can hold only so many distinct valid rows.
    accepted: set[tuple[str, ...]] = set()
    last_line = header_line
    latest_day = latest_valid_day()
    try:
        for fields in reader:
            line_no, last_line = last_line + 1, header_line + reader.line_num
            if tuple(fields) in accepted or not any(f.strip() for f in fields):
                continue
            _check_width(path, line_no, fields, layout.width)
            day = _parse_date(path, line_no, fields[layout.date], latest_day)
            values = _parse_values(path, line_no, fields, layout)
            if values is None:
                continue
            _check_duplicate(path, rows, day, line_no, values)
            rows[day] = (line_no, values)
            if len(accepted) < _MAX_REMEMBERED_ROWS:
                accepted.add(tuple(fields))
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
        raise CsvFormatError(str(path), line_no, _date_problem(text.strip()))
    year, month, day = (int(match.group(g)) for g in (1, 3, 4))
    try:
        epoch_day = dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        epoch_day = None
    if epoch_day is None:
        raise CsvFormatError(str(path), line_no, f"date {text.strip()!r} does not exist")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CsvFormatError(
            str(path),
            line_no,
            f"date {text.strip()!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}",
        )
    if epoch_day > latest_day:
        raise CsvFormatError(
            str(path), line_no, f"date {text.strip()!r} is in the future (after tomorrow, UTC)"
        )
    return epoch_day


def _date_problem(text: str) -> str:
    if _DAY_MONTH_YEAR.fullmatch(text.strip('"')):
        return (
            f"date {text!r} is not YYYY-MM-DD: day and month first (MM/DD/YYYY or DD/MM/YYYY) "
            "is ambiguous; save dates as YYYY-MM-DD"
        )
    return f"date {text!r} is not YYYY-MM-DD"


def _parse_values(
    path: Path, line_no: int, fields: list[str], layout: Layout
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
    _check_range(path, line_no, prices)
    return values


def _check_range(path: Path, line_no: int, prices: dict[str, float]) -> None:
    """High not below low, and the close within them (a missing bound is not checked)."""
    high, low, close = prices["high"], prices["low"], prices["close"]
    if high < low:
        raise CsvFormatError(str(path), line_no, f"high {high!r} is below low {low!r}")
    if close > high or close < low:
        side = f"above the high {high!r}" if close > high else f"below the low {low!r}"
        raise CsvFormatError(
            str(path), line_no, f"close {close!r} is {side} of the same day (columns mixed up?)"
        )


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
        raise CsvFormatError(str(path), line_no, _number_problem(column, text))
    value = float(text)
    if not math.isfinite(value):
        raise CsvFormatError(str(path), line_no, f"{column} {text!r} is too large")
    return value


def _number_problem(column: str, text: str) -> str:
    if _THOUSANDS.fullmatch(text):
        plain = text.replace(",", "")
        return (
            f"{column} {text!r} has ',' as a thousands separator (not a decimal comma); "
            f"write it without separators: {plain}"
        )
    if "," in text:
        return (
            f"{column} {text!r} is not a number: write it without thousands separators and "
            "with '.' for decimals"
        )
    return f"{column} {text!r} is not a number (use '.' for decimals)"


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
    path: Path | str,
    key: str,
    db_path: Path | str,
    progress: ProgressCallback = no_progress,
    *,
    replace: bool = False,
) -> int:
    """Check the whole file, then store it as instrument `key`; returns the file's bar count.

    See `import_file` for what happens to days the instrument already has.
    """
    return import_file(path, key, db_path, progress, replace=replace)[0]


def import_file(
    path: Path | str,
    key: str,
    db_path: Path | str,
    progress: ProgressCallback = no_progress,
    *,
    replace: bool = False,
) -> tuple[int, Changes]:
    """Check the whole file, then store it as `key` in one transaction: the file's bar count
    and what it changed. Cached days with other values are replaced only with `replace`
    (else ReplaceRefused, nothing written); the bars replaced are kept for `restore`.
    `progress` hears how far the reading has come (long files)."""
    from app.cache import Cache
    from app.instruments import parse_key
    from app.provenance import Origin

    parse_key(key)
    bars = read_csv_bars(path, progress)
    with Cache.open(db_path) as cache:
        changes = cache.import_bars(key, bars, Origin.file(Path(path).name), replace=replace)
    return len(bars), changes


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
