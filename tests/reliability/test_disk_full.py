"""A full disk in the middle of a write: plain words, earlier data intact, the app keeps going.

Three ways to run out of room, from the most controlled to the most real:

- `PRAGMA max_page_count` on the cache's own connection (`Cache.connection`): SQLite reports
  SQLITE_FULL exactly as on a full disk, at a size the test chooses;
- a file-size limit (RLIMIT_FSIZE) on a CLI process: the kernel refuses the write (EFBIG), as
  with a disk quota, and SQLite only says "disk I/O error";
- a real 256 KiB tmpfs mounted in a private user and mount namespace (`unshare`, no root
  needed), with the whole data folder on it: the kernel says ENOSPC. Skipped where the system
  does not allow unprivileged namespaces.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

if sys.platform != "win32":
    import resource  # POSIX only: the file-size limit test below is marked for it

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.errors import CacheError

ROOT = Path(__file__).resolve().parents[2]
HISTORY_KEY = "yahoo:^RUT"


def series(first_day: int, count: int, base: float = 100.0):
    close = base + np.arange(count, dtype=float) * 0.01
    return bars_from_arrays(
        first_day + np.arange(count),
        {"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": close * 10},
    )


def csv_text(count: int, base: float = 100.0) -> str:
    lines = ["Date,Open,High,Low,Close,Volume"]
    for i, day in enumerate(np.arange(count) + np.datetime64("1900-01-01")):
        close = base + i * 0.01
        lines.append(f"{day},{close:.2f},{close + 1:.2f},{close - 1:.2f},{close:.2f},{i}")
    return "\n".join(lines) + "\n"


def pages(cache: Cache) -> int:
    return cache.connection.execute("PRAGMA page_count").fetchone()[0]


def cap(cache: Cache, extra_pages: int) -> None:
    cache.connection.execute(f"PRAGMA max_page_count={pages(cache) + extra_pages}")


def test_a_write_that_hits_the_size_limit_is_refused_whole_and_the_cache_stays_usable(tmp_path):
    with Cache.open(tmp_path / "full.sqlite3") as cache:
        history = series(10_000, 2_000)
        cache.store_bars(HISTORY_KEY, history)
        cap(cache, 8)
        with pytest.raises(CacheError) as info:
            cache.store_bars("csv:big", series(0, 50_000))
        message = str(info.value)
        assert (
            "full" in message and "free some space" in message and "Nothing was changed" in message
        )
        assert "\n" not in message
        # A batch that replaces every existing bar and adds many: the old values stay.
        with pytest.raises(CacheError):
            cache.store_bars(HISTORY_KEY, series(-20_000, 32_000, base=500.0))
        assert cache.instrument("csv:big") is None
        assert cache.load_bars(HISTORY_KEY).equals(history)
        assert cache.integrity_ok()
        # Still usable: a small write fits, and once there is room the big one succeeds.
        assert cache.store_bars("csv:small", series(0, 5)) == 5
        cache.connection.execute("PRAGMA max_page_count=1073741823")
        assert cache.store_bars("csv:big", series(0, 50_000)) == 50_000
        assert cache.load_bars(HISTORY_KEY).equals(history)
    with Cache.open(tmp_path / "full.sqlite3") as again:
        assert again.notice == "" and again.integrity_ok()
        assert [i.rows for i in again.instruments()] == [50_000, 5, 2_000]


def test_cli_import_on_a_full_cache_exits_1_with_one_line(paths, tmp_path, monkeypatch, capsys):
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(csv_text(30))
    big.write_text(csv_text(20_000, base=7.0))
    assert cli_main(["import", str(small), "--symbol", HISTORY_KEY]) == 0
    real_open = Cache.open.__func__

    def capped_open(cls, path):
        cache = real_open(cls, path)
        cap(cache, 4)
        return cache

    monkeypatch.setattr(Cache, "open", classmethod(capped_open))
    capsys.readouterr()
    assert cli_main(["import", str(big), "--symbol", "csv:big"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("riskcurve: Cache ") and "full" in err
    assert cli_main(["status"]) == 0
    out = capsys.readouterr().out
    assert HISTORY_KEY in out and "csv:big" not in out and " 30 " in out


def _cli(*args: str, data: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.skipif(
    sys.platform == "win32", reason="RLIMIT_FSIZE and preexec_fn exist only on POSIX systems"
)
def test_cli_import_refused_by_a_file_size_limit(tmp_path):
    data = tmp_path / "portable"
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(csv_text(30))
    big.write_text(csv_text(40_000, base=7.0))
    assert _cli("import", str(small), "--symbol", HISTORY_KEY, data=data).returncode == 0
    database = data / "data" / "riskcurve.sqlite3"
    before = database.read_bytes()
    limit = database.stat().st_size + 64 * 1024

    def limit_file_size() -> None:  # runs in the child: the kernel refuses bigger files (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = _cli("import", str(big), "--symbol", "csv:big", data=data, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "could not be written" in result.stderr
    status = _cli("status", data=data)
    assert status.returncode == 0 and HISTORY_KEY in status.stdout
    assert "csv:big" not in status.stdout
    with Cache.open(database) as cache:
        assert cache.integrity_ok() and len(cache.load_bars(HISTORY_KEY)) == 30
    assert database.read_bytes()[:100] == before[:100]  # same header: same file, not replaced


SMALL_DISK_SESSION = r"""
import json, subprocess, sys
python, data, small, big = sys.argv[1:5]
def cli(*args):
    r = subprocess.run([python, "main.py", "--data-dir", data, *args],
                       capture_output=True, text=True)
    return {"rc": r.returncode, "out": r.stdout, "err": r.stderr}
steps = {"small": cli("import", small, "--symbol", "yahoo:^RUT"),
         "big": cli("import", big, "--symbol", "csv:big"),
         "status": cli("status"),
         "again": cli("import", small, "--symbol", "csv:after")}
check = subprocess.run([python, "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
    "print(db.execute('PRAGMA integrity_check').fetchone()[0], "
    "db.execute('SELECT rows FROM instruments WHERE key=?', ('yahoo:^RUT',)).fetchone()[0])",
    data + "/data/riskcurve.sqlite3"], capture_output=True, text=True)
steps["check"] = check.stdout.split()
print(json.dumps(steps))
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="a private tmpfs through user and mount namespaces (unshare) exists only on Linux",
)
def test_cli_import_on_a_really_full_small_disk(tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_text(csv_text(30))
    big.write_text(csv_text(40_000, base=7.0))
    session = tmp_path / "session.py"
    session.write_text(SMALL_DISK_SESSION)
    script = (
        f'mount -t tmpfs -o size=256k riskcurve-test "{mount_point}" || exit 97\n'
        f'exec "{sys.executable}" "{session}" "{sys.executable}" "{mount_point}" "{small}" "{big}"'
    )
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode in (1, 97) and not result.stdout:
        pytest.skip(f"no private tmpfs on this system: {result.stderr.strip()[:200]}")
    steps = json.loads(result.stdout)
    assert steps["small"]["rc"] == 0, steps["small"]
    assert steps["big"]["rc"] == 1, steps["big"]
    err = steps["big"]["err"]
    assert err.count("\n") == 1 and "full" in err and "free some space" in err, err
    assert steps["status"]["rc"] == 0 and "yahoo:^RUT" in steps["status"]["out"]
    assert "csv:big" not in steps["status"]["out"]
    assert steps["again"]["rc"] == 0, steps["again"]  # the app keeps working on that disk
    assert steps["check"] == ["ok", "30"]
