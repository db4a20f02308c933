"""CSV files too large or not files at all (issue 10, item 12).

A header field over the csv module's 131,072-character limit crashed the import, and
`import /dev/zero` read until MemoryError. Now: a regular file only, at most 512 MB, lines of at
most 65,536 characters, each refused with one plain line before memory runs out; the file is
read line by line, and a long import shows how far it has come (stderr on the command line,
the progress bar in the window).
"""

from __future__ import annotations

import io
import os
import time

import pytest

from app import terminal_progress
from app.cli import main as cli_main
from app.errors import CsvFormatError
from app.sources import csv_text
from app.sources.csv_file import read_csv_bars
from app.terminal_progress import TerminalProgress


def _rows(count: int) -> str:
    return "".join(
        f"{1990 + i // 300}-{1 + i // 25 % 12:02d}-{1 + i % 25:02d},5\n" for i in range(count)
    )


def test_a_header_field_over_the_csv_field_limit_is_one_plain_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Date," + "x" * 200_000 + "\n2024-01-02,5\n")
    with pytest.raises(CsvFormatError) as caught:
        read_csv_bars(path)
    assert caught.value.line == 1 and "65,536 characters" in str(caught.value)


def test_a_quoted_field_that_never_closes_stops_at_the_field_limit(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Date,Close\n2024-01-02,"5\n' + "2024-01-03,6\n" * 20_000)
    with pytest.raises(CsvFormatError) as caught:
        read_csv_bars(path)
    assert caught.value.line == 2 and "131,072 characters" in str(caught.value)


def test_dev_zero_is_refused_at_once(capsys):
    began = time.monotonic()
    assert cli_main(["import", "/dev/zero", "--symbol", "csv:zero"]) == 2
    assert time.monotonic() - began < 2.0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a regular file" in err


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(CsvFormatError, match="not a regular file"):
        read_csv_bars(fifo)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as sparse:
        sparse.truncate(csv_text.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(CsvFormatError, match="larger than 512 MB"):
        read_csv_bars(path)


def test_one_endless_line_is_refused_at_the_line_limit(tmp_path):
    path = tmp_path / "endless.csv"
    path.write_text("Date,Close\n2024-01-02," + "5" * 1_000_000)
    with pytest.raises(CsvFormatError) as caught:
        read_csv_bars(path)
    assert caught.value.line == 2 and "longer than" in str(caught.value)


def test_progress_is_reported_while_reading_and_ends_complete(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Date,Close\n" + _rows(3_000) * 40)  # 120,001 lines, repeats count once
    calls = []
    bars = read_csv_bars(path, lambda done, total, message: calls.append((done, total, message)))
    assert len(bars) == 3_000
    size = path.stat().st_size
    assert len(calls) >= 3 and calls[-1][:2] == (size, size)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert "120,001 lines read" in calls[-1][2]


def test_the_cli_prints_a_line_per_tenth_when_stderr_is_not_a_terminal(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(terminal_progress, "QUIET_FOR_S", 0.0)
    monkeypatch.setattr(csv_text, "PROGRESS_LINES", 1_000)
    path = tmp_path / "long.csv"
    path.write_text("Date,Close\n" + _rows(3_000) * 10)
    assert cli_main(["import", str(path), "--symbol", "csv:long"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert 5 <= len(lines) <= 10 and ": 100% (" not in lines[-1], lines
    assert all(line.startswith("riskcurve: reading long.csv: ") for line in lines)
    assert captured.out.startswith("Imported 3000 bars")


def test_on_a_terminal_the_counter_is_rewritten_in_place():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = TerminalProgress("reading x.csv", stream)
    progress._started -= 10  # as if it had run for a while
    for done in (10, 50, 90):
        progress(done, 100, f"{done} lines read")
    progress.finish()
    assert stream.getvalue().count("\r") == 3 and stream.getvalue().endswith("(90 lines read)\n")


def test_quick_imports_print_nothing_but_their_result(tmp_path, capsys):
    path = tmp_path / "small.csv"
    path.write_text("Date,Close\n" + _rows(100))
    assert cli_main(["import", str(path), "--symbol", "csv:small"]) == 0
    assert capsys.readouterr().err == ""
