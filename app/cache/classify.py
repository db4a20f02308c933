"""What a failed SQLite call means: the environment's fault (told to the user) or our bug.

Classified by SQLite's primary result code (https://sqlite.org/rescode.html), never by the
wording of the message, after qutebrowser's misc/sql.py: a full disk, an I/O error, a
read-only or locked file, a file that cannot be opened or is damaged are the environment's
and become a CacheError with what the user can do about it. Anything else (a syntax error,
a wrong number of bindings, a missing column, a failed constraint, a closed connection) is a
bug in Riskcurve: the original exception goes on, with its traceback, to the unexpected-error
path (logged, shown with details).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from app.errors import CacheError

# Primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_PROTOCOL = 15
SQLITE_NOTADB = 26

BUSY_CODES = frozenset({SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PROTOCOL})
DAMAGE_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})
ENVIRONMENT_CODES = frozenset(
    {SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN}
    | BUSY_CODES
    | DAMAGE_CODES
)
# Extended I/O codes that come from reading, not writing (a missing or vanished file).
_READ_IO_CODES = frozenset({sqlite3.SQLITE_IOERR_READ, sqlite3.SQLITE_IOERR_SHORT_READ})


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of `exc`, or None when SQLite did not give one.

    Python's own checks (wrong number of bindings, a closed connection) carry no code.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_environmental(exc: BaseException) -> bool:
    """True for the environment's failures; False for our bugs."""
    return primary_code(exc) in ENVIRONMENT_CODES


def is_damage(exc: BaseException) -> bool:
    """True when SQLite says the file is not a (usable) database."""
    return primary_code(exc) in DAMAGE_CODES


def is_busy(exc: BaseException) -> bool:
    return primary_code(exc) in BUSY_CODES


def rollback(db: sqlite3.Connection) -> None:
    """Undo an open transaction; SQLite may already have rolled back (e.g. after SQLITE_FULL)."""
    with contextlib.suppress(sqlite3.Error):
        db.execute("ROLLBACK")


def as_cache_error(exc: sqlite3.Error, path: Path, waited_s: float = 0.0) -> CacheError:
    """The CacheError to show for the environment's failure `exc`.

    Raises `exc` itself, with its traceback, when it is our bug (see the module docstring).
    `waited_s` is how long the failed call waited for a lock, for the "locked" message.
    """
    if not is_environmental(exc):
        raise exc
    return CacheError(f"Cache {path}: {_reason(exc, path, waited_s)}. Nothing was changed.")


def _reason(exc: sqlite3.Error, path: Path, waited_s: float) -> str:
    code = primary_code(exc)
    if code == SQLITE_FULL:
        return "the disk (or the cache's size limit) is full; free some space and retry"
    if code in BUSY_CODES:
        return (
            f"another program kept the cache locked for {waited_s:.1f} s; "
            "close other Riskcurve windows and retry"
        )
    if code == SQLITE_READONLY:
        return "the cache file or its folder is read-only; choose a writable --data-dir"
    if code in DAMAGE_CODES:
        return "the cache file is damaged; restart Riskcurve to set it aside and start afresh"
    if code == SQLITE_IOERR and exc.sqlite_errorcode not in _READ_IO_CODES | {SQLITE_IOERR}:
        # A refused write (file size limit, disk quota, failing or removed disk): SQLite says
        # only "disk I/O error", which would send the user looking for a missing folder.
        return "the cache file could not be written (the disk may be full, over quota or failing)"
    if code == SQLITE_PERM:
        return "the operating system refused access to the cache file (check its permissions)"
    return _unopenable_reason(path)


def _unopenable_reason(path: Path) -> str:
    folder = path.parent
    if not folder.is_dir():
        return f"the data folder {folder} is missing"
    if not os.access(folder, os.W_OK):
        return f"the data folder {folder} is read-only; choose a writable --data-dir"
    from app.outputs import kind_at

    kind = kind_at(path)
    if kind is not None:  # a folder or a FIFO where the cache file belongs
        return f"it is {kind}, not a cache file; move it away and retry"
    return "the cache file cannot be opened (check its permissions)"
