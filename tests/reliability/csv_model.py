"""A model of CSV files for the fuzz tests: a generator of hostile files and an independent
strict reading of the documented format (the docstring of app/sources/csv_file.py).

The generator writes random headers (every documented spelling, unknown columns, duplicates,
missing date or close), encodings (UTF-8 with and without BOM, UTF-16 LE/BE with BOM, Latin-1,
a stray NUL), delimiters, line endings (also mixed, also none at the end), quoting, number
formats (exponents, signs, leading dots, ASCII and non-ASCII digits, decimal commas, huge and
tiny values), dates (both separators, times and zones, impossible days, other formats) and
row shapes (short rows, extra fields, blank lines, duplicates). `csv_files()` draws the file's
bytes together with what the strict reading says about them (`Expect`): the first problem in
the file, in the order of its lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from app.bars import COLUMNS

EPOCH = dt.date(1970, 1, 1)
TODAY = dt.datetime.now(dt.UTC).date()
LATEST = TODAY + dt.timedelta(days=1)  # the documented last allowed date: tomorrow (UTC)
INVALID = object()  # a cell that makes its row fail
ALIASES = {
    "date": (
        "Date",
        "DATE",
        "datetime",
        "Timestamp",
        "time",
        "Day",
        "Trade Date",
        "trading  date",
        "snapped_at",
    ),
    "open": ("Open", "open price", "Opening Price"),
    "high": ("High", "HIGH PRICE", "max"),
    "low": ("Low", "low price", "Min"),
    "close": ("Close", "close/last", "Close Price", "closing price", "Price", "LAST"),
    "adj_close": ("Adj Close", "adj_close", "Adjusted  Close", "AdjClose"),
    "volume": ("Volume", "vol", "Vol.", "total_volume"),
}
JUNK_NAMES = ("Notes", "Ticker", "Symbol", "Dividends", "Stock Splits", "x1", "Open Interest", "")
ASCII_JUNK = "abcXYZ 019_.-+/:()"
MORE_JUNK = "éüß°µ€😀\u2028\x85\x0c"
# Latin-1 bytes 0x80-0xBF: UTF-8 continuation bytes, so never the start of a valid sequence.
LATIN1_JUNK = "°µ±²³¼"

# -- the oracle: the documented format, read strictly ------------------------------------------

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
DATE = re.compile(
    r"([0-9]{4})(-|/)([0-9]{2})\2([0-9]{2})"
    r"(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z| UTC|[+-][0-9]{2}:?[0-9]{2})?)?"
)
# The close's spellings, the most explicit first: the best rank present is the close.
CLOSE_RANKS = ({"close"}, {"close/last", "close price", "closing price"}, {"price", "last"})
MISSING_WORDS = ("", "null", "nan", "n/a", "-")
BREAK = re.compile(r"\r\n|\r|\n")


def oracle_number(text: str) -> float | object:
    """NaN for a missing value, INVALID, or the number."""
    text = text.strip()
    if text.lower() in MISSING_WORDS:
        return math.nan
    if not NUMBER.fullmatch(text):
        return INVALID
    value = float(text)
    return value if math.isfinite(value) else INVALID


def in_bounds(price: float) -> bool:
    """Missing, or from 1e-8 to 1e12 (the documented price range)."""
    return math.isnan(price) or 1e-8 <= price <= 1e12


def oracle_date(text: str) -> int | object:
    match = DATE.fullmatch(text.strip())
    if not match:
        return INVALID
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if not 1800 <= year <= 2200:
        return INVALID
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return INVALID
    return (date - EPOCH).days if date <= LATEST else INVALID


def normalised(name: str) -> str:
    return " ".join(name.strip().lower().split())


def header_layout(names: list[str]) -> dict[str, int] | None:
    """Column index per role, or None when the header is unusable."""
    keys = [normalised(n) for n in names]
    if len(set(keys)) != len(keys):
        return None
    spelled = {role: {normalised(a) for a in aliases} for role, aliases in ALIASES.items()}
    found = {
        role: next(i for i, k in enumerate(keys) if k in spellings)
        for role, spellings in spelled.items()
        if any(k in spellings for k in keys) and role != "close"
    }
    if "date" not in found:
        return None
    for rank in CLOSE_RANKS:
        candidates = [i for i, k in enumerate(keys) if k in rank]
        if len(candidates) > 1:
            return None  # ambiguous: two columns could be the close
        if candidates:
            found["close"] = candidates[0]
            break
    if "close" not in found:
        if "adj_close" in found:
            found["close"] = found["adj_close"]
        elif len(names) == 2 and keys[1 - found["date"]] not in set().union(*spelled.values()):
            found["close"] = 1 - found["date"]  # a lone value column with a name of its own
        else:
            return None
    found.pop("adj_close", None)
    return found


@dataclass(frozen=True)
class Expect:
    """What a strict reading says: the bars (day -> values), or the rejected line."""

    bars: dict[int, tuple[float, ...]] | None
    line: int | None = None


def oracle_row(fields: list[str], layout: dict[str, int], width: int):
    """'skip', INVALID, or (day, values)."""
    if not any(f.strip() for f in fields):
        return "skip"
    if len(fields) < width or any(f.strip() for f in fields[width:]):
        return INVALID
    day = oracle_date(fields[layout["date"]])
    values = [oracle_number(fields[layout[c]]) if c in layout else math.nan for c in COLUMNS]
    if day is INVALID or INVALID in values:
        return INVALID
    o, h, low, c, v = values
    if all(math.isnan(x) for x in (o, h, low, c)):
        return "skip"
    if math.isnan(c) or any(not in_bounds(x) for x in (o, h, low, c)) or v < 0 or h < low:
        return INVALID
    if c > h or c < low:  # comparisons with a missing (NaN) bound are False
        return INVALID
    return day, tuple(values)


def oracle(header: list[str], rows: list[list[str]], lines: list[int], header_line: int) -> Expect:
    layout = header_layout(header)
    if layout is None:
        return Expect(None, header_line)
    bars: dict[int, tuple[float, ...]] = {}
    for fields, line in zip(rows, lines, strict=True):
        result = oracle_row(fields, layout, len(header))
        if result == "skip":
            continue
        if result is INVALID:
            return Expect(None, line)
        day, values = result
        if day in bars and not all(
            a == b or (math.isnan(a) and math.isnan(b))
            for a, b in zip(bars[day], values, strict=True)
        ):
            return Expect(None, line)
        bars.setdefault(day, values)
    return Expect(bars) if bars else Expect(None, None)


# -- the generator -------------------------------------------------------------------------------

in_range = st.floats(min_value=1e-8, max_value=1e12)
valid_numbers = st.one_of(
    st.floats(min_value=5e-324, max_value=1.7976931348623157e308).map(repr),
    st.floats(min_value=1e-6, max_value=1e9).map(lambda x: f"{x:.6f}"),
    st.floats(min_value=1e-300, max_value=1e300).map(lambda x: f"{x:E}"),
    st.integers(1, 10**12).map(str),
    st.sampled_from(["1", "+2", "3.", ".5", "007", "1e3", "1E+03", "2.5e-3", "1e-320", "1" * 400]),
)
odd_numbers = st.sampled_from(
    [
        "",
        "null",
        "NULL",
        "NaN",
        "nan",
        "N/A",
        "n/a",
        "-",
        "0",
        "-0",
        "0.0",
        "-5",
        "-1e-3",
        "1e-400",
        "1e309",
        "1,5",
        "1 000",
        "$5",
        "0x10",
        "inf",
        "Infinity",
        "1e",
        "e5",
        "--1",
        "1.2.3",
        "١٢٣",
        "1_000",
        "½",
        "5µ",
        "abc",
        " 12.5 ",
    ]
)
valid_dates = st.tuples(
    st.dates(dt.date(1800, 1, 1), TODAY),
    st.sampled_from(["-", "/"]),
    st.sampled_from(
        [
            "",
            " 00:00",
            "T09:30:00",
            " 16:00:00.123",
            "T00:00:00Z",
            " 00:00:00+02:00",
            "T00:00-0500",
            " 00:00:00 UTC",
        ]
    ),
).map(lambda t: t[0].strftime(f"%Y{t[1]}%m{t[1]}%d") + t[2])
odd_dates = st.sampled_from(
    [
        "1799-12-31",
        "2201-01-01",
        "2062-02-18",
        (LATEST + dt.timedelta(days=1)).isoformat(),
        LATEST.isoformat(),
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-01-00",
        "02/01/2024",
        "2024-1-2",
        "2024.01.02",
        "20240102",
        "2024-01/02",
        "٢٠٢٤-٠١-٠٢",
        "",
        "null",
        "2024-01-02 noon",
        "2024-01-02X",
        "2024-01-02T9:30",
    ]
)


@st.composite
def csv_files(draw):
    """(file bytes, Expect)."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "latin-1"]))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    columns = _draw_columns(draw)
    header = [name for _, name in columns]
    rows = _draw_rows(draw, columns, encoding)

    def end() -> str:
        return draw(st.sampled_from(["\n", "\r\n", "\r"])) if ending == "mixed" else ending

    text = "".join(draw(st.sampled_from(["", " "])) + end() for _ in range(draw(st.integers(0, 2))))
    header_at = len(text)
    text += _join(draw, header, delimiter) + end()
    starts = []
    for index, fields in enumerate(rows):
        starts.append(len(text))
        last = index == len(rows) - 1
        text += _join(draw, fields, delimiter) + ("" if last and draw(st.booleans()) else end())
    if draw(st.booleans()):
        text += end()  # a trailing blank line

    def line_at(offset: int) -> int:
        return len(BREAK.findall(text[:offset])) + 1

    expect = oracle(header, rows, [line_at(s) for s in starts], line_at(header_at))
    if encoding == "utf-8" and draw(st.integers(0, 9)) == 0:  # a stray NUL: a binary file
        at = draw(st.integers(0, len(text)))
        return (text[:at] + "\x00" + text[at:]).encode(), _first_problem(expect, line_at(at))
    return _encode(text, encoding), _encoding_expect(text, encoding, expect, line_at)


def _draw_rows(draw, columns, encoding: str) -> list[list[str]]:
    """Rows of cells, clean or with a few mistakes, a repeated date and an exact repeat."""
    junk_text = st.text(
        ASCII_JUNK + (LATIN1_JUNK if encoding == "latin-1" else MORE_JUNK), max_size=8
    )
    dirty = draw(st.sampled_from([0, 0, 1, 3]))
    dates = draw(st.lists(valid_dates, max_size=10, unique_by=lambda d: d[:10].replace("/", "-")))
    if dates and dirty and draw(st.booleans()):  # a date again, most likely with other values
        dates.append(draw(st.sampled_from(dates)))
    rows = [_draw_row(draw, columns, date, junk_text, dirty) for date in dates]
    if encoding == "latin-1":  # what Latin-1 cannot hold becomes a byte that is not UTF-8
        rows = [["".join(c if ord(c) < 256 else "µ" for c in cell) for cell in r] for r in rows]
    if rows and draw(st.booleans()):  # an exact repeat of an earlier row
        rows.insert(draw(st.integers(0, len(rows))), list(draw(st.sampled_from(rows))))
    return rows


def _draw_columns(draw) -> list[tuple[str | None, str]]:
    roles = ["date", "close"]
    roles += [r for r in ("open", "high", "low", "volume", "adj_close") if draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0:
        roles.remove(draw(st.sampled_from(["date", "close"])))  # a header without date or close
    junk = draw(st.lists(st.sampled_from(JUNK_NAMES), max_size=2, unique=True))
    columns = [(role, draw(st.sampled_from(ALIASES[role]))) for role in roles]
    columns += [(None, name) for name in junk]
    if draw(st.integers(0, 19)) == 0 and columns:  # a name twice
        columns.append(draw(st.sampled_from(columns)))
    if draw(st.integers(0, 7)) == 0:  # a second column that could be the close
        columns.append((None, draw(st.sampled_from(ALIASES["close"]))))
    columns = draw(st.permutations(columns))
    if not any(name.strip() for _, name in columns):
        columns.append(("date", "Date"))
    # Price first with a Close after it is yfinance's header, read in tests/app/sources instead.
    while normalised(columns[0][1]) == "price" and any(
        normalised(name) == "close" for _, name in columns[1:]
    ):
        columns.append(columns.pop(0))
    return [(role, draw(st.sampled_from(["", " "])) + name) for role, name in columns]


def _draw_row(draw, columns, date: str, junk_text, dirty: int) -> list[str]:
    """One data row; `dirty` is the chance in 20 that a cell (or the row's shape) goes wrong."""
    prices = sorted(draw(st.lists(in_range, min_size=4, max_size=4)))
    sane = {"low": prices[0], "open": prices[1], "close": prices[2], "high": prices[3]}
    fields = []
    for role, _ in columns:
        wrong = draw(st.integers(0, 19)) < dirty
        if role == "date":
            cell = draw(odd_dates) if wrong else date
        elif role is None:
            cell = draw(junk_text)
        elif wrong:
            cell = draw(st.one_of(odd_numbers, valid_numbers))
        elif role in sane:
            cell = draw(st.sampled_from([repr, "{:.17g}".format, "{:.16e}".format]))(sane[role])
        else:
            cell = draw(valid_numbers)
        fields.append(cell)
    if draw(st.integers(0, 19)) < dirty:
        shape = draw(st.integers(0, 2))
        if shape == 0:
            fields = fields[: draw(st.integers(0, len(fields)))]  # a short row (or a blank one)
        elif shape == 1:
            fields += draw(st.lists(st.sampled_from(["", " ", "5"]), min_size=1, max_size=2))
        else:
            fields = [""] * len(fields)  # a line of empty fields
    return fields


def _join(draw, fields: list[str], delimiter: str) -> str:
    """One CSV line; a field holding the delimiter is quoted, others sometimes."""
    out = []
    for field in fields:
        if delimiter in field or (field and draw(st.integers(0, 9)) == 0):
            field = f'"{field}"'
        out.append(field)
    return delimiter.join(out)


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def _encoding_expect(text: str, encoding: str, expect: Expect, line_at) -> Expect:
    """Latin-1 bytes are not UTF-8: the first non-ASCII character's line is rejected."""
    if encoding != "latin-1":
        return expect
    first = next((i for i, ch in enumerate(text) if ord(ch) > 127), None)
    return expect if first is None else _first_problem(expect, line_at(first))


def _first_problem(expect: Expect, line: int) -> Expect:
    """A line that is not text (NUL, not UTF-8), or the reading's own problem if it comes first.

    The file is read line by line: the first problem in the file is the one reported.
    """
    if expect.bars is None and expect.line is not None and expect.line < line:
        return expect
    return Expect(None, line)
