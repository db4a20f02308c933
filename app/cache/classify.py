"""What a failed SQLite call means for the user: SQLite's wording turned into what to do."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from app.errors import CacheError

_READ_ERRORS = ("SQLITE_IOERR", "SQLITE_IOERR_READ", "SQLITE_IOERR_SHORT_READ")


def rollback(db: sqlite3.Connection) -> None:
    """Undo an open transaction; SQLite may already have rolled back (e.g. after SQLITE_FULL)."""
    with contextlib.suppress(sqlite3.Error):
        db.execute("ROLLBACK")


def as_cache_error(exc: sqlite3.Error, path: Path, busy_timeout_s: float) -> CacheError:
    """Translate SQLite's wording into what the user can do about it."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "full" in text:
        reason = "the disk (or the cache's size limit) is full; free some space and retry"
    elif "locked" in text or "busy" in text:
        reason = (
            f"another program kept the cache locked for over {busy_timeout_s:g} s; "
            "close other Riskcurve windows and retry"
        )
    elif "readonly" in text or "read-only" in text:
        reason = "the cache file or its folder is read-only; choose a writable --data-dir"
    elif code.startswith("SQLITE_IOERR") and code not in _READ_ERRORS:
        # A refused write (file size limit, disk quota, failing or removed disk): SQLite says
        # only "disk I/O error", which would send the user looking for a missing folder.
        reason = "the cache file could not be written (the disk may be full, over quota or failing)"
    elif "unable to open" in text or "disk i/o" in text:
        reason = _unopenable_reason(path)
    else:
        reason = str(exc)
    return CacheError(f"Cache {path}: {reason}. Nothing was changed.")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return any(
        phrase in text
        for phrase in ("not a database", "malformed", "integrity check failed", "file is not")
    )


def _unopenable_reason(path: Path) -> str:
    folder = path.parent
    if not folder.is_dir():
        return f"the data folder {folder} is missing"
    if not os.access(folder, os.W_OK):
        return f"the data folder {folder} is read-only; choose a writable --data-dir"
    return "the cache file cannot be opened (check its permissions)"
