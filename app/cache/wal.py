"""The write-ahead log (`-wal`): bars committed but not yet copied into the cache file itself.

SQLite replays the WAL when a cache is opened after a crash. A WAL damaged in its header, in a
frame or a salt, or cut short inside its last commit, is silently dropped from the damaged
point on, with every bar committed after it, and deleted at the next checkpoint. So before
anything else, `keep_unreplayed` compares what SQLite replayed (`mxFrame` in the wal-index, the
`-shm` file) with the commit frames the WAL file holds (formats: https://sqlite.org/walformat.html
and https://sqlite.org/fileformat2.html#walformat). When the file holds a commit SQLite did not
replay, a copy of the WAL is kept beside the cache and the user is told.

Frames after the last replayed commit that commit nothing (a write interrupted by a crash) or
that carry another generation's salts (left from before the WAL was restarted) are normal. A
WAL cut short exactly before its last commit frame looks like an interrupted write and cannot
be told from one.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from app.cache.classify import is_busy, is_environmental, rollback
from app.errors import CacheError, OutputError, WriteError
from app.outputs import write_bytes

_MAGIC_ORDER = {0x377F0682: "<", 0x377F0683: ">"}  # checksum word order, by the magic's low bit
_VERSION = 3007000
_HEADER = 32
_FRAME_HEADER = 24
_MASK = 0xFFFFFFFF
_PAGE_SIZES = frozenset(2**n for n in range(9, 17))
_MX_FRAME = slice(16, 20)  # in the wal-index header at the start of -shm, native byte order


@dataclass(frozen=True)
class _Header:
    page_size: int
    salts: tuple[int, int]


def keep_unreplayed(db: sqlite3.Connection, database: Path) -> str:
    """A notice when the WAL holds commits SQLite did not replay ("" when it is whole).

    Runs under the write lock, so no writer changes the WAL meanwhile. When another process
    holds the lock it is using the cache, and the WAL was checked when it was first opened.
    """
    wal = Path(f"{database}-wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        return ""
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout=0")
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        if is_busy(exc) or is_environmental(exc):  # in use elsewhere, or read-only: skip
            return ""
        raise
    finally:
        db.execute(f"PRAGMA busy_timeout={timeout}")
    try:
        content = wal.read_bytes()
        lost = unreplayed_commit(content, _replayed_frames(database))
        return _keep_copy(wal, content, lost) if lost else ""
    finally:
        rollback(db)


def unreplayed_commit(content: bytes, replayed: int) -> str:
    """Where the WAL `content` holds a commit beyond the `replayed` frames ("" when none)."""
    header = _header(content)
    if header is None:
        has_frames = len(content) >= _HEADER + _FRAME_HEADER
        return "its header is damaged" if has_frames and replayed == 0 else ""
    frame_size = _FRAME_HEADER + header.page_size
    for number, offset in enumerate(range(_HEADER, len(content), frame_size), start=1):
        if number <= replayed or offset + _FRAME_HEADER > len(content):
            continue
        _page, commit, salt1, salt2 = struct.unpack_from(">4I", content, offset)
        # One damaged salt leaves the other one matching; another generation's frames match none.
        if commit and (salt1 == header.salts[0] or salt2 == header.salts[1]):
            whole = offset + frame_size <= len(content)
            return f"the commit in frame {number} " + (
                "could not be replayed" if whole else "is cut short"
            )
    return ""


def _header(content: bytes) -> _Header | None:
    """The WAL header when it is intact (magic, version, page size, checksum), else None."""
    if len(content) < _HEADER:
        return None
    magic, version, page_size, _seq, salt1, salt2, sum1, sum2 = struct.unpack_from(">8I", content)
    order = _MAGIC_ORDER.get(magic)
    if order is None or version != _VERSION or page_size not in _PAGE_SIZES:
        return None
    if _checksum(content[:24], order) != (sum1, sum2):
        return None
    return _Header(page_size, (salt1, salt2))


def _checksum(data: bytes, order: str) -> tuple[int, int]:
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    first = second = 0
    for index in range(0, len(words), 2):
        first = (first + words[index] + second) & _MASK
        second = (second + words[index + 1] + first) & _MASK
    return first, second


#: Open descriptors of -shm files, by path, never closed (see _read_shm_header).
_SHM_FDS: dict[str, int] = {}


def _replayed_frames(database: Path) -> int:
    """Frames SQLite holds valid (`mxFrame` of the wal-index header), 0 when unknown."""
    try:
        index_header = _read_shm_header(Path(f"{database}-shm"))
    except OSError:
        return 0
    if len(index_header) < 48:
        return 0
    return int.from_bytes(index_header[_MX_FRAME], sys.byteorder)


def _read_shm_header(shm: Path) -> bytes:
    """The first 48 bytes of the wal-index, read without ever closing a descriptor of it.

    SQLite's locks on the -shm file are POSIX advisory locks, which a process loses on every
    descriptor of that file as soon as it closes any one of them. Opening and closing the file
    here would silently drop the write lock this connection just took (and its other WAL
    locks): another process could then write at the same time, and commits would be lost. So
    one descriptor per file is kept open for the life of the process; a new file (another
    inode at that path) gets its own.
    """
    key = str(shm)
    fd = _SHM_FDS.get(key)
    if fd is None or os.fstat(fd).st_ino != os.stat(shm).st_ino:
        fd = os.open(shm, os.O_RDONLY)
        _SHM_FDS[key] = fd  # the previous one, if any, stays open: closing it drops locks
    return os.pread(fd, 48, 0)


def _keep_copy(wal: Path, content: bytes, lost: str) -> str:
    """Copy the WAL beside the cache (never replacing a file); the notice for the user.

    Without a copy the cache is not opened: SQLite would delete the WAL at the next checkpoint.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = wal.with_name(f"{wal.name}.damaged-{stamp}")
    count = 1
    while backup.exists():  # never replace an earlier copy made in the same second
        count += 1
        backup = wal.with_name(f"{wal.name}.damaged-{stamp}-{count}")
    try:
        write_bytes(backup, content, replace=False)
    except (OutputError, WriteError) as exc:
        raise CacheError(
            f"The cache's write-ahead log {wal} is damaged ({lost}) and no copy of it could be "
            f"kept ({exc}). Nothing was changed; make room and retry."
        ) from None
    return (
        f"The cache's write-ahead log {wal.name} was damaged ({lost}): the bars written last "
        f"before Riskcurve stopped may be missing. A copy was kept as {backup}; refresh or "
        "import them again."
    )
