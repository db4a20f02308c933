"""Fuzzed CSV files: the importer reads exactly what a strict reading of the documented format
says, or rejects the file naming the line; never a crash, never a partial import.

Files and their strict reading come from csv_model.py (a generator of hostile files and an
oracle written from app/sources/csv_file.py's docstring, independently of its code).

A second property: any valid series stored in the cache, exported with `export-csv` and
imported again, comes back bit for bit.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from app.bars import COLUMNS, bars_from_arrays, epoch_days
from app.cache import Cache
from app.cli import main as cli_main
from app.errors import CsvFormatError
from app.sources.csv_file import import_csv
from tests.reliability.budget import FUZZ_MARKS, fuzz_settings
from tests.reliability.csv_model import EPOCH, LATEST, csv_files, in_range

pytestmark = FUZZ_MARKS

# -- properties ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace():
    """One folder and one cache for all examples; the cache already holds an instrument.

    The test keeps a connection of its own open to look at the cache; import_csv writes
    through another one, as a second process would.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "fuzz.sqlite3"
        with Cache.open(db) as cache:
            days = np.arange(18_000, 18_010)
            close = np.linspace(1.0, 2.0, 10)
            cache.store_bars(
                "yahoo:^RUT",
                bars_from_arrays(
                    days,
                    {"open": close, "high": close, "low": close, "close": close, "volume": close},
                ),
            )
            yield root, db, cache


def _snapshot(cache: Cache):
    return cache.instruments(), cache.load_bars("yahoo:^RUT")


def _assert_bars_equal(frame, bars: dict[int, tuple[float, ...]]) -> None:
    days = sorted(bars)
    assert epoch_days(frame.index).tolist() == days
    table = np.array([bars[d] for d in days], dtype=float)
    for i, column in enumerate(COLUMNS):
        assert np.array_equal(frame[column].to_numpy(), table[:, i], equal_nan=True), column


_counter = iter(range(10**9))


@fuzz_settings()
@given(csv_files())
def test_import_reads_exactly_the_strict_reading_or_names_the_line(workspace, case):
    root, db, cache = workspace
    content, expect = case
    path = root / "input.csv"
    path.write_bytes(content)
    key = f"csv:fuzz-{next(_counter)}"
    before = _snapshot(cache)
    event("rejected" if expect.bars is None else f"imported {min(len(expect.bars), 3)}+ bars")
    if expect.bars is None:
        with pytest.raises(CsvFormatError) as info:
            import_csv(path, key, db)
        assert info.value.line == expect.line, str(info.value)
        assert str(path) in str(info.value) and "\n" not in str(info.value)
        after = _snapshot(cache)
        assert after[0] == before[0] and after[1].equals(before[1]), (
            "a rejected file changed the cache"
        )
        return
    assert import_csv(path, key, db) == len(expect.bars)
    _assert_bars_equal(cache.load_bars(key), expect.bars)
    cache.delete_instrument(key)


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        # Line numbers counted only LF: with CR line ends every problem was "line 1".
        (b"Date,Close\r2024-01-02,1\r2024-01-03,\xb0\r", 3, "not UTF-8"),
        (b"Date,Close\r2024-01-02,1\r2024-01-03,1\x00\r", 3, "binary"),
        # A decimal comma split the number and the row was read as close 1.
        (b"Date,Close\n2024-01-02,1,5\n", 2, "decimal comma"),
        # Non-ASCII digits were read as numbers and dates.
        ("Date,Close\n2024-01-02,١٢٣\n".encode(), 2, "not a number"),
        ("Date,Close\n٢٠٢٤-٠١-٠٢,1\n".encode(), 2, "not YYYY-MM-DD"),
        # Mixed separators were taken for a date.
        (b"Date,Close\n2024-01/02,1\n", 2, "not YYYY-MM-DD"),
    ],
)
def test_problems_fuzzing_found_stay_fixed(tmp_path, content, line, reason):
    path = tmp_path / "found.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFormatError) as info:
        import_csv(path, "csv:found", tmp_path / "c.sqlite3")
    assert info.value.line == line and reason in str(info.value)


# -- round trip: cache -> export-csv -> import -------------------------------------------------

FIRST_DAY = (dt.date(1800, 1, 1) - EPOCH).days
LAST_DAY = (LATEST - EPOCH).days


@st.composite
def valid_series(draw):
    days = draw(
        st.lists(st.integers(FIRST_DAY, LAST_DAY), min_size=1, max_size=40, unique=True).map(sorted)
    )
    rows = []
    for _ in days:
        low, first, second, high = sorted(draw(st.lists(in_range, min_size=4, max_size=4)))
        opens, close = draw(st.permutations([first, second]))  # within the day's range
        values = [opens, high, low, close, draw(st.floats(0, 1e300) | st.just(-0.0))]
        for i in (0, 1, 2, 4):
            if draw(st.integers(0, 4)) == 0:
                values[i] = math.nan
        rows.append(values)
    table = np.array(rows, dtype=float)
    return bars_from_arrays(np.array(days), {c: table[:, i] for i, c in enumerate(COLUMNS)})


@fuzz_settings()
@given(valid_series())
def test_export_then_import_round_trips_any_valid_series(paths, capsys, bars):
    """Through the command line users run: `export-csv`, then `import` of that file."""
    db = paths.database
    number = next(_counter)
    key, copy = f"csv:series-{number}", f"csv:copy-{number}"
    with Cache.open(db) as cache:
        cache.store_bars(key, bars)
    out = paths.data / f"export-{number}.csv"
    assert cli_main(["export-csv", key, "--out", str(out)]) == 0
    assert cli_main(["import", str(out), "--symbol", copy]) == 0
    with Cache.open(db) as cache:
        again = cache.load_bars(copy)
        assert np.array_equal(epoch_days(again.index), epoch_days(bars.index))
        for column in COLUMNS:
            assert np.array_equal(again[column].to_numpy(), bars[column].to_numpy(), equal_nan=True)
        cache.delete_instrument(key)
        cache.delete_instrument(copy)
    capsys.readouterr()
