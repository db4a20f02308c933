"""SIGKILL a process in the middle of writing big batches, many times in a row, into one cache.

A child process (child_writer.py) stores batches of BATCH_BARS bars (one long series per batch,
one transaction each) into a cache that already holds history, and is killed with SIGKILL at a
random moment, KILLS times in a row on the same file. The kill moment is drawn from twice the
measured batch duration after the child announced a batch, so most kills land inside a
transaction (asserted, see MIN_MID_BATCH_SHARE). After every kill:

- `PRAGMA integrity_check` on a fresh connection says ok, and opening the cache reports no
  damage (nothing was moved aside);
- the untouched history and every batch the child reported committed are there, bit for bit;
- the interrupted batch is entirely present or entirely absent (each batch's values identify it,
  so a mix of two batches cannot pass).

Set RISKCURVE_TORTURE_SEED to replay a run; a failure message names the seed.
"""

from __future__ import annotations

import faulthandler
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from app.bars import COLUMNS, epoch_days
from app.cache import Cache
from tests.reliability.budget import BATCH_BARS, FULL, KILLS, MIN_MID_BATCH_SHARE
from tests.reliability.torture_data import (
    BASE_KEYS,
    TORTURE_KEYS,
    base_frame,
    batch_frame,
    batch_key,
)

CHILD = Path(__file__).with_name("child_writer.py")
ROOT = Path(__file__).resolve().parents[2]
FIRST_BATCH_ESTIMATE_S = 0.5
START_TIMEOUT_S = 60.0


class ChildRun:
    """One child writer, its announcements with arrival times, and the kill."""

    def __init__(self, db: Path, first_batch: int, stderr_path: Path) -> None:
        self.lines: list[tuple[str, int, float]] = []
        self.started = threading.Event()
        self._stderr = open(stderr_path, "w+")  # noqa: SIM115  # closed in kill_after()
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(db), str(first_batch)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            word, number = line.split()
            self.lines.append((word, int(number), time.monotonic()))
            if word == "BEGIN":
                self.started.set()

    def kill_after(self, delay_s: float) -> str:
        """SIGKILL after `delay_s`; returns what the child wrote to stderr."""
        threading.Event().wait(delay_s)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._reader.join()
        self.process.stdout.close()
        self._stderr.seek(0)
        errors = self._stderr.read()
        self._stderr.close()
        return errors

    def batches(self, word: str) -> list[int]:
        return [n for w, n, _ in self.lines if w == word]

    def durations(self) -> list[float]:
        began = {n: t for w, n, t in self.lines if w == "BEGIN"}
        return [t - began[n] for w, n, t in self.lines if w == "COMMIT"]


def same_bars(actual, expected) -> bool:
    if len(actual) != len(expected):
        return False
    if not np.array_equal(epoch_days(actual.index), epoch_days(expected.index)):
        return False
    return all(
        np.array_equal(actual[c].to_numpy(), expected[c].to_numpy(), equal_nan=True)
        for c in COLUMNS
    )


def seed_cache(db: Path) -> dict[str, int]:
    """History the child never touches, plus a first batch for every torture key."""
    with Cache.open(db) as cache:
        for index, key in enumerate(BASE_KEYS):
            cache.store_bars(key, base_frame(index))
        for batch in range(len(TORTURE_KEYS)):
            cache.store_bars(batch_key(batch), batch_frame(batch))
    return {batch_key(b): b for b in range(len(TORTURE_KEYS))}


def integrity(db: Path) -> str:
    raw = sqlite3.connect(db)
    try:
        return raw.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        raw.close()


def check_after_kill(db: Path, holds: dict[str, int], interrupted: int | None) -> None:
    """Assert the cache is whole; `holds` learns whether the interrupted batch made it."""
    assert integrity(db) == "ok"
    with Cache.open(db) as cache:
        assert cache.notice == "", cache.notice
        for index, key in enumerate(BASE_KEYS):
            assert same_bars(cache.load_bars(key), base_frame(index)), f"history of {key} changed"
        for key, batch in holds.items():
            stored = cache.load_bars(key)
            if interrupted is not None and batch_key(interrupted) == key:
                if same_bars(stored, batch_frame(interrupted)):
                    holds[key] = batch = interrupted
                else:
                    assert same_bars(stored, batch_frame(batch)), (
                        f"batch {interrupted} is partly stored in {key}, or batch {batch} is lost"
                    )
            assert same_bars(stored, batch_frame(batch)), f"{key} lost batch {batch}"
            info = cache.instrument(key)
            assert info is not None and info.rows == BATCH_BARS, f"{key}: summary row is off"


@pytest.fixture
def patient_watchdog():
    """The full count runs longer than the suite's 110 s faulthandler dump: give it 900 s."""
    if FULL:
        faulthandler.cancel_dump_traceback_later()
        faulthandler.dump_traceback_later(900)
    yield
    if FULL:
        faulthandler.cancel_dump_traceback_later()


@pytest.mark.torture
@pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL is a POSIX signal (Windows has no kill -9)"
)
@pytest.mark.timeout(900 if FULL else 120)
def test_sigkill_mid_batch_never_loses_or_tears_data(tmp_path, patient_watchdog):
    seed = int(os.environ.get("RISKCURVE_TORTURE_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    db = tmp_path / "torture.sqlite3"
    holds = seed_cache(db)
    next_batch, durations, mid_batch, committed_total = len(TORTURE_KEYS), [], 0, 0
    for kill in range(KILLS):
        where = f"seed {seed}, kill {kill + 1} of {KILLS}"
        run = ChildRun(db, next_batch, tmp_path / "child-stderr.txt")
        assert run.started.wait(START_TIMEOUT_S), f"{where}: the child never started a batch"
        estimate = statistics.median(durations) if durations else FIRST_BATCH_ESTIMATE_S
        errors = run.kill_after(rng.uniform(0.0, 2.0 * estimate))
        assert run.process.returncode == -signal.SIGKILL, f"{where}: child failed\n{errors}"
        durations += run.durations()
        committed = run.batches("COMMIT")
        for batch in committed:
            holds[batch_key(batch)] = batch
        interrupted = [b for b in run.batches("BEGIN") if b not in committed]
        assert len(interrupted) <= 1, where
        mid_batch += bool(interrupted)
        committed_total += len(committed)
        try:
            check_after_kill(db, holds, interrupted[0] if interrupted else None)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
        next_batch = max(run.batches("BEGIN")) + 1
    assert mid_batch >= MIN_MID_BATCH_SHARE * KILLS, (
        f"seed {seed}: only {mid_batch} of {KILLS} kills landed inside a batch"
    )
    assert committed_total + mid_batch > 0
    print(
        f"{KILLS} kills survived (seed {seed}): {mid_batch} inside a batch, "
        f"{committed_total} batches of {BATCH_BARS:,} bars committed between kills"
    )
