"""The lines of a CSV file, read in a bounded way: what app.sources.csv_file parses.

Limits, checked before or while reading, never after the memory is gone: a regular file only
(not a device such as /dev/zero, a pipe or a folder), at most 512 MB, lines of at most 65,536
characters. The text is UTF-8 (a BOM is fine) or UTF-16 with a BOM; a NUL character or a byte
that is not UTF-8 ends the reading with the line it is on. Only CR, LF and CRLF end a line (the
csv module treats form feeds and the like as ordinary characters, and so do we, so that line
numbers agree with what an editor shows).
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.errors import CsvFormatError
from app.sources.base import ProgressCallback, no_progress

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_CHARS = 65_536
#: Progress is reported every this many lines (cheap enough for 5,000,000-line files).
PROGRESS_LINES = 50_000
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# NUL, or a byte that is not UTF-8 (read with surrogateescape, it becomes U+DC80..U+DCFF).
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")


class CsvText:
    """An open CSV file; iterate `lines()`, read `line_no` for the line just returned."""

    def __init__(self, path: Path, raw: BinaryIO, size: int, progress: ProgressCallback) -> None:
        self.path = path
        self.line_no = 0
        self._raw = raw
        self._size = size
        self._progress = progress
        self._utf16 = raw.read(2) in _UTF16_BOMS
        raw.seek(0)
        self._text = io.TextIOWrapper(
            raw,
            encoding="utf-16" if self._utf16 else "utf-8-sig",
            errors="strict" if self._utf16 else "surrogateescape",
            newline=None,  # CR, LF and CRLF all end a line, and only they
        )

    @classmethod
    def open(cls, path: Path, progress: ProgressCallback = no_progress) -> CsvText:
        """Open `path` for reading, refusing what is not a regular file or is too large."""
        try:
            # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            raise CsvFormatError(str(path), None, "no such file") from None
        except IsADirectoryError:
            raise CsvFormatError(str(path), None, "this is a folder, not a file") from None
        except OSError as exc:
            raise CsvFormatError(str(path), None, f"cannot be read ({exc.strerror})") from None
        try:
            size = _checked_size(path, os.fstat(fd))
        except BaseException:
            os.close(fd)
            raise
        return cls(path, os.fdopen(fd, "rb"), size, progress)

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvText:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def lines(self) -> Iterator[str]:
        """Each line with its line end, checked; raises CsvFormatError naming the line."""
        while True:
            line = self._read_line()
            if not line:
                self._progress(self._size, self._size, f"{self.line_no:,} lines read")
                return
            self.line_no += 1
            self._check(line)
            if self.line_no % PROGRESS_LINES == 0:
                done = self._raw.tell()
                self._progress(done, self._size, f"{self.line_no:,} lines read")
            yield line

    def _read_line(self) -> str:
        try:
            return self._text.readline(MAX_LINE_CHARS + 2)
        except UnicodeDecodeError as exc:  # only UTF-16 decodes strictly
            # The decoder works on blocks of text: the line it failed on is not known.
            raise CsvFormatError(
                str(self.path), None, f"broken UTF-16 text ({exc.reason})"
            ) from None
        except OSError as exc:
            raise CsvFormatError(str(self.path), None, f"cannot be read ({exc.strerror})") from None

    def _check(self, line: str) -> None:
        if len(line.rstrip("\n")) > MAX_LINE_CHARS:
            raise CsvFormatError(
                str(self.path),
                self.line_no,
                f"the line is longer than {MAX_LINE_CHARS:,} characters, the limit for a CSV "
                "of daily bars",
            )
        bad = _NOT_TEXT.search(line)
        if bad is None:
            return
        reason = (
            "this is a binary file, not CSV text"
            if bad.group() == "\x00"
            else "the text is not UTF-8 (save the file as UTF-8)"
        )
        raise CsvFormatError(str(self.path), self.line_no, reason)


def _checked_size(path: Path, info: os.stat_result) -> int:
    if stat.S_ISDIR(info.st_mode):
        raise CsvFormatError(str(path), None, "this is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise CsvFormatError(
            str(path), None, "not a regular file (a device or a pipe); import reads files only"
        )
    if info.st_size > MAX_FILE_BYTES:
        raise CsvFormatError(
            str(path),
            None,
            f"the file is larger than {MAX_FILE_BYTES >> 20} MB, the import limit "
            "(daily bars since 1800 take under 10 MB)",
        )
    return info.st_size
