"""Many first uses of a brand-new cache at once (issue 10, item 17).

Eight processes open a cache that does not exist yet, at the same moment, and each stores an
instrument: none may fail ("table instruments already exists" was the old failure in most
rounds), and every one's bars must be there. A lock that SQLite gives up on at once is retried
until the busy timeout, and the message reports the time really waited.
"""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

import app.cache.schema
from app.bars import bars_from_arrays
from app.cache import Cache
from app.errors import CacheError

PROCESSES = 8
ROUNDS = 6


def _bars(start: int) -> object:
    close = np.arange(1.0, 11.0)
    return bars_from_arrays(
        np.arange(start, start + 10),
        dict.fromkeys(("open", "high", "low", "close", "volume"), close),
    )


def _first_use(database: str, number: int, barrier: object) -> str:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        with Cache.open(database) as cache:
            cache.store_bars(f"csv:writer-{number}", _bars(19_000 + number))
            return cache.notice
    except Exception as exc:  # reported to the parent, which fails the test with it
        return f"FAILED {type(exc).__name__}: {exc}"


def test_eight_first_uses_at_once_all_succeed(tmp_path):
    # Never fork the (threaded) test process; the server imports the cache once for all workers.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "pandas"])
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        for round_number in range(ROUNDS):
            database = tmp_path / f"round-{round_number}" / "new" / "riskcurve.sqlite3"
            database.parent.mkdir(parents=True)
            barrier = manager.Barrier(PROCESSES)
            jobs = [(str(database), n, barrier) for n in range(PROCESSES)]
            answers = pool.starmap(_first_use, jobs)
            assert answers == [""] * PROCESSES, answers
            with Cache.open(database) as cache:
                keys = [info.key for info in cache.instruments()]
                assert keys == sorted(f"csv:writer-{n}" for n in range(PROCESSES))
                assert cache.integrity_ok()
            # Nothing is left from the private names new caches are built under.
            assert sorted(p.name for p in database.parent.iterdir() if ".new-" in p.name) == []


def test_a_lock_sqlite_gives_up_on_at_once_is_retried_and_the_real_wait_reported(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(app.cache.schema, "BUSY_TIMEOUT_S", 0.3)
    calls = []

    def always_locked(path: Path) -> sqlite3.Connection:
        calls.append(time.monotonic())
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = 5  # SQLITE_BUSY, returned without waiting
        raise error

    monkeypatch.setattr(app.cache.schema, "_connect", always_locked)
    started = time.monotonic()
    with pytest.raises(CacheError) as info:
        Cache.open(tmp_path / "riskcurve.sqlite3")
    waited = time.monotonic() - started
    assert len(calls) > 2 and waited >= 0.3
    said = re.search(r"locked for (\d+\.\d) s", str(info.value))
    assert said is not None and 0.3 <= float(said.group(1)) <= waited + 0.05, info.value
