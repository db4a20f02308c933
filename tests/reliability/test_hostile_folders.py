"""A read-only data folder, a data folder that vanishes while the app runs, and a cache that
another process keeps locked longer than the busy timeout: clear words, no crash, no data loss.

Read-only: the tests run as root on some machines, and root ignores permission bits. The CLI
is therefore run in a child process that first drops every capability from its bounding set
(prctl PR_CAPBSET_DROP, before exec): root without CAP_DAC_OVERRIDE obeys the owner's mode bits
like anyone else, so `chmod 0555` truly stops writes. As an ordinary user nothing needs
dropping. (SQLite's `mode=ro` URI would be no test at all: it never tries to write.)

Locked: a second process holds `BEGIN EXCLUSIVE` until told to let go; the busy timeout is
shortened in-process (`app.cache.schema.BUSY_TIMEOUT_S`) so the test waits 0.3 s, not 5 s.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import app.cache.schema
from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.errors import CacheError

ROOT = Path(__file__).resolve().parents[2]
KEY = "yahoo:^RUT"
CSV = "Date,Close\n2024-01-02,1.5\n2024-01-03,2.5\n"
PR_CAPBSET_DROP = 24
#: chmod 0555 does not stop writes into a Windows folder, and root is found with geteuid.
POSIX_PERMISSIONS = pytest.mark.skipif(
    sys.platform == "win32",
    reason="POSIX permission bits (chmod, geteuid, preexec_fn) do not exist on Windows",
)
#: Windows refuses to delete or rename a folder while a file inside it is open.
FOLDER_CAN_VANISH = pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows cannot delete or move a folder while the cache file in it is open",
)


def series(first_day: int, count: int):
    close = 10.0 + np.arange(count, dtype=float)
    return bars_from_arrays(
        first_day + np.arange(count),
        {"open": close, "high": close, "low": close, "close": close, "volume": close},
    )


def _drop_capabilities() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in range(64):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            break


def cli_without_privileges(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_drop_capabilities if os.geteuid() == 0 else None,
    )


@pytest.fixture
def filled(tmp_path):
    """A portable data folder whose cache holds KEY; permissions restored afterwards."""
    data = tmp_path / "portable"
    csv = tmp_path / "in.csv"
    csv.write_text(CSV)
    assert cli_main(["--data-dir", str(data), "import", str(csv), "--symbol", KEY]) == 0
    yield data, csv
    for folder, _, files in os.walk(data):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)


def _bytes_of(folder: Path) -> dict[str, bytes]:
    """The folder's files; SQLite's empty side files (-wal, -shm) that a reader may create
    in a writable folder do not count."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@POSIX_PERMISSIONS
@pytest.mark.parametrize("what", ["folder", "file", "both"])
def test_read_only_data_refuses_writes_in_plain_words_and_loses_nothing(filled, what):
    data, csv = filled
    folder, database = data / "data", data / "data" / "riskcurve.sqlite3"
    before = _bytes_of(folder)
    if what in ("file", "both"):
        os.chmod(database, 0o444)
    if what in ("folder", "both"):
        os.chmod(folder, 0o555)
    result = cli_without_privileges(data, "import", str(csv), "--symbol", "csv:new")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "read-only" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    status = cli_without_privileges(data, "status")
    if what == "file":  # the folder is writable: reading works, only writing is refused
        assert status.returncode == 0 and KEY in status.stdout
    else:
        assert status.returncode == 1 and "read-only" in status.stderr, status.stderr
    assert _bytes_of(folder) == before
    os.chmod(folder, 0o755)
    os.chmod(database, 0o644)
    with Cache.open(database) as cache:
        assert cache.notice == "" and cache.load_bars(KEY)["close"].tolist() == [1.5, 2.5]
        assert cache.instrument("csv:new") is None


@POSIX_PERMISSIONS
def test_a_new_read_only_folder_is_named_and_not_mistaken_for_a_missing_one(tmp_path):
    data = tmp_path / "portable"
    for name in ("data", "cache", "config", "logs"):
        (data / name).mkdir(parents=True)
    os.chmod(data / "data", 0o555)
    csv = tmp_path / "in.csv"
    csv.write_text(CSV)
    try:
        result = cli_without_privileges(data, "import", str(csv), "--symbol", KEY)
    finally:
        os.chmod(data / "data", 0o755)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "is read-only" in result.stderr and str(data / "data") in result.stderr, result.stderr


@FOLDER_CAN_VANISH
@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_a_data_folder_that_vanishes_while_running_is_reported_not_written_into(tmp_path, how):
    folder = tmp_path / "data"
    cache = Cache.open(folder / "riskcurve.sqlite3")
    try:
        cache.store_bars(KEY, series(19_000, 10))
        moved = tmp_path / "moved"
        if how == "deleted":
            shutil.rmtree(folder)
        else:
            folder.rename(moved)
        with pytest.raises(CacheError) as info:
            cache.store_bars("csv:after", series(19_100, 10))
        assert "moved or deleted while Riskcurve was running" in str(info.value)
        assert "Nothing was written" in str(info.value)
        assert len(cache.load_bars(KEY)) == 10  # what is open can still be read
    finally:
        cache.close()
    if how == "moved":  # the data went with the folder, without the refused write
        with Cache.open(moved / "riskcurve.sqlite3") as kept:
            assert [i.key for i in kept.instruments()] == [KEY]
    # The next command starts over in a fresh folder.
    csv = tmp_path / "in.csv"
    csv.write_text(CSV)
    assert (
        cli_main(["--data-dir", str(tmp_path / "fresh"), "import", str(csv), "--symbol", KEY]) == 0
    )


@FOLDER_CAN_VANISH
def test_cli_after_the_data_folder_vanished(paths, tmp_path, capsys):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV)
    assert cli_main(["import", str(csv), "--symbol", KEY]) == 0
    shutil.rmtree(paths.data)
    capsys.readouterr()
    assert cli_main(["status"]) == 0
    assert "No cached instruments yet" in capsys.readouterr().out
    assert cli_main(["export-csv", KEY, "--out", str(tmp_path / "out.csv")]) == 2
    assert "No cached data for yahoo:^RUT" in capsys.readouterr().err


LOCKER = r"""
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE instruments SET currency='LOCKED'")
print("locked", flush=True)
sys.stdin.readline()
db.execute(sys.argv[2])
print("released", flush=True)
"""


class Locker:
    """Another process that holds the cache's write lock until `release()`."""

    def __init__(self, database: Path, ending: str = "ROLLBACK") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(database), ending],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "released"
        self.process.wait(timeout=30)
        self.process.stdin.close()
        self.process.stdout.close()


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(app.cache.schema, "BUSY_TIMEOUT_S", 0.3)


def test_a_cache_locked_by_another_process_times_out_in_plain_words(tmp_path, short_busy_timeout):
    database = tmp_path / "locked.sqlite3"
    with Cache.open(database) as cache:
        cache.store_bars(KEY, series(19_000, 10))
    locker = Locker(database)
    try:
        with Cache.open(database) as cache:  # opening and reading work while it is locked
            assert len(cache.load_bars(KEY)) == 10
            started = time.monotonic()
            with pytest.raises(CacheError) as info:
                cache.store_bars("csv:blocked", series(19_100, 10))
            waited = time.monotonic() - started
            assert 0.25 <= waited < 5.0
            message = str(info.value)
            # The message reports the time really waited, not the configured timeout.
            said = re.search(r"another program kept the cache locked for (\d+\.\d) s", message)
            assert said is not None, message
            assert 0.25 <= float(said.group(1)) <= waited + 0.05
            assert "close other Riskcurve windows and retry" in message
    finally:
        locker.release()
    with Cache.open(database) as cache:  # nothing lost, nothing half-written; writable again
        assert cache.instrument("csv:blocked") is None
        assert cache.instrument(KEY).currency == ""
        assert cache.store_bars("csv:blocked", series(19_100, 10)) == 10
        assert cache.integrity_ok()


def test_cli_import_while_locked_exits_1_with_one_line(paths, tmp_path, short_busy_timeout, capsys):
    csv = tmp_path / "in.csv"
    csv.write_text(CSV)
    assert cli_main(["import", str(csv), "--symbol", KEY]) == 0
    locker = Locker(paths.database, ending="COMMIT")
    try:
        capsys.readouterr()
        assert cli_main(["import", str(csv), "--symbol", "csv:second"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and re.search(r"locked for 0\.[3-9] s", err), err
        assert cli_main(["status"]) == 0  # reading while locked still works
        assert KEY in capsys.readouterr().out
    finally:
        locker.release()
    assert cli_main(["import", str(csv), "--symbol", "csv:second"]) == 0
    with Cache.open(paths.database) as cache:
        assert cache.instrument(KEY).currency == "LOCKED"  # the other process's commit stands
        assert [i.key for i in cache.instruments()] == ["csv:second", KEY]
