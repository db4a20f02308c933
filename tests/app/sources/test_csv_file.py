"""CSV import: accepted spellings, and every rejection names file, line and reason."""

from __future__ import annotations

import math

import pytest

from app.cache import Cache
from app.errors import CsvFormatError
from app.sources.csv_file import bars_to_csv_text, export_csv, import_csv, read_csv_bars

YAHOO = (
    "Date,Open,High,Low,Close,Adj Close,Volume\n"
    "2024-01-03,10,11,9,10.5,10.4,1000\n"
    "2024-01-02,9,10,8,9.5,9.4,900\n"
)


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_yahoo_export_reads_close_not_adjusted_and_sorts(tmp_path):
    bars = read_csv_bars(write(tmp_path, YAHOO))
    assert bars.index.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-03"]
    assert bars["close"].tolist() == [9.5, 10.5]
    assert bars["volume"].tolist() == [900.0, 1000.0]


@pytest.mark.parametrize(
    "text",
    [
        "Date,Close\n2024-01-02,9.5\n",
        "date;close\r\n2024-01-02;9.5\r\n",
        "Date\tPrice\n2024/01/02\t9.5\n",
        "\ufeffDate,Close/Last\r2024-01-02 00:00:00+00:00,9.5\r",
        "Date,BTC_USD\n2024-01-02,9.5\n",
        "Date,Adj Close\n2024-01-02,9.5\n",
        "\n\nDate,Close\n\n2024-01-02,9.5\n\n",
    ],
)
def test_common_spellings_and_layouts(tmp_path, text):
    bars = read_csv_bars(write(tmp_path, text))
    assert bars["close"].tolist() == [9.5]
    assert math.isnan(bars["open"].iloc[0])


def test_utf16_with_bom(tmp_path):
    bars = read_csv_bars(
        write(tmp_path, "\ufeffDate,Close\n2024-01-02,9.5\n", encoding="utf-16-le")
    )
    assert bars["close"].tolist() == [9.5]


def test_yahoo_null_rows_are_skipped_and_identical_duplicates_count_once(tmp_path):
    text = (
        "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,1,2,5\n"
        "2024-01-03,null,null,null,null,null\n2024-01-02,1,2,1,2,5\n"
    )
    assert len(read_csv_bars(write(tmp_path, text))) == 1


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", None, "empty"),
        ("Date,Close\n", None, "no data rows"),
        ("Date,Open\n2024-01-02,1\n", 1, "no close column"),
        ("Day2,Close\n2024-01-02,1\n", 1, "no date column"),
        ("Date,Close\n2024-01-02,1\n02/01/2024,2\n", 3, "not YYYY-MM-DD"),
        ("Date,Close\n2024-02-30,1\n", 2, "does not exist"),
        ("Date,Close\n1799-12-31,1\n", 2, "'1799-12-31' is outside the years 1800 to 2200"),
        ("Date,Close\n2024-01-02,abc\n", 2, "not a number"),
        ("Date,Close\n2024-01-02,1,5\n", 2, "3 fields"),
        ("Date,Close\n2024-01-02,1\n2024-01-03,0\n", 3, "not positive"),
        ("Date,Close\n2024-01-02,-3\n", 2, "not positive"),
        ("Date,High,Low,Close\n2024-01-02,1,2,1.5\n", 2, "below low"),
        ("Date,Close\n2024-01-02,1\n2024-01-03,2\n2024-01-02,1.5\n", 4, "repeats line 2"),
        ("Date,Close\n2024-01-02,1e999\n", 2, "too large"),
        ("Date,Open,Close\n2024-01-02,1,\n", 2, "close is missing"),
        ("Date,Close,Volume\n2024-01-02\n", 2, "at least"),
        ("Date,Close\n2024-01-02,1\n\xff\xfe garbage", None, "UTF-8"),
    ],
)
def test_bad_files_are_rejected_with_line_and_reason(tmp_path, text, line, reason):
    raw = text.encode("latin-1") if "\xff" in text else text
    path = write(tmp_path, raw)
    with pytest.raises(CsvFormatError) as info:
        read_csv_bars(path)
    assert reason in str(info.value)
    assert str(path) in str(info.value)
    if line is not None:
        assert info.value.line == line and f"line {line}" in str(info.value)


def test_binary_file_is_rejected(tmp_path):
    path = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CsvFormatError, match="binary"):
        read_csv_bars(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CsvFormatError, match="no such file"):
        read_csv_bars(tmp_path / "nope.csv")
    with pytest.raises(CsvFormatError, match="folder"):
        read_csv_bars(tmp_path)


def test_rejected_import_leaves_the_cache_unchanged(tmp_path):
    db = tmp_path / "c.sqlite3"
    import_csv(write(tmp_path, YAHOO, "good.csv"), "yahoo:^RUT", db)
    bad = write(tmp_path, "Date,Close\n2024-01-04,1\n2024-01-05,x\n", "bad.csv")
    with pytest.raises(CsvFormatError):
        import_csv(bad, "yahoo:^RUT", db)
    with Cache.open(db) as cache:
        assert cache.load_bars("yahoo:^RUT")["close"].tolist() == [9.5, 10.5]


def test_export_then_import_round_trips_exactly(tmp_path):
    db = tmp_path / "c.sqlite3"
    text = (
        "Date,Open,High,Low,Close,Volume\n2024-01-02,0.1,0.30000000000000004,0.05,0.2,\n"
        "2024-01-03,,,,123456789.123,7\n"
    )
    import_csv(write(tmp_path, text), "csv:x", db)
    out = tmp_path / "out.csv"
    assert export_csv("csv:x", out, db) == 2
    assert out.read_text() == text
    again = read_csv_bars(out)
    assert bars_to_csv_text(again) == text
