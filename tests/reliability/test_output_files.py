"""Every file Riskcurve writes is whole or absent, never written through a link or onto a
device, never replaced without being asked (issue 10, items 2, 7 and 11).

- Hostile targets (item 2): a stray `OUT.part`, a planted link at a temporary name, a dangling
  or live symlink at OUT (with and without --force), a FIFO, a socket and a device node at OUT,
  links placed inside `report --out DIR`.
- Clumsy targets (item 11): a folder, a missing folder, /proc, a read-only folder, `--out ""`
  and `--out /`: one plain line each, the exit code of the table, nothing left behind.
- Kills (item 7): a writer SIGKILLed at random moments while it replaces a file leaves the old
  or the new content, never a truncated one; so does `report` killed while it draws.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.config import Settings
from app.errors import RiskcurveError
from app.settings_file import save_settings
from main import run as riskcurve_run
from tests.reliability.budget import OUTPUT_KILLS, REPORT_KILLS
from tests.reliability.test_hostile_folders import cli_without_privileges

ROOT = Path(__file__).resolve().parents[2]
KEY = "csv:series"
LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"


def _bars(days: int, start: int = 15_000, slope: float = 1.0):
    close = 100.0 + slope * np.sin(np.arange(days) / 50.0) * 20 + np.arange(days) * 0.05
    return bars_from_arrays(
        start + np.arange(days),
        {"open": close, "high": close * 1.01, "low": close * 0.99, "close": close, "volume": close},
    )


@pytest.fixture
def cached(paths):
    with Cache.open(paths.database) as cache:
        cache.store_bars(KEY, _bars(50))
    return paths


def _export(out: str, *extra: str) -> list[str]:
    return ["export-csv", KEY, "--out", out, *extra]


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("riskcurve: "), err
    assert "Traceback" not in err and "Errno" not in err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".part")))


# -- item 2: hostile targets ---------------------------------------------------------------------


def test_a_stray_part_file_is_never_touched(cached, tmp_path):
    out = tmp_path / "out.csv"
    stray = tmp_path / "out.csv.part"
    stray.write_text("someone's file")
    assert cli_main(_export(str(out))) == 0
    assert stray.read_text() == "someone's file" and out.read_text().startswith("Date,")


def test_links_planted_at_temporary_names_are_never_followed(cached, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out.csv"
    for name in ("out.csv.part", ".out.csv.tmp", "out.csv.tmp"):
        (tmp_path / name).symlink_to(victim)
    assert cli_main(_export(str(out))) == 0
    assert victim.read_text() == "precious"
    assert all((tmp_path / n).is_symlink() for n in ("out.csv.part", ".out.csv.tmp"))


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "live"])
def test_a_symlink_at_the_target_is_refused(cached, tmp_path, capsys, force, dangling):
    target = tmp_path / "elsewhere.csv"
    if not dangling:
        target.write_text("precious")
    out = tmp_path / "out.csv"
    out.symlink_to(target)
    assert cli_main(_export(str(out), *(["--force"] if force else []))) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "symbolic link" in err
    assert out.is_symlink() and os.readlink(out) == str(target)
    assert target.read_text() == "precious" if not dangling else not target.exists()
    assert _leftovers(tmp_path) == []


def _make_fifo(path: Path) -> str:
    os.mkfifo(path)
    return "named pipe (FIFO)"


def _make_socket(path: Path) -> str:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return "socket"


def _make_device(path: Path) -> str:
    try:  # a copy of /dev/null's node: creating one needs CAP_MKNOD
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root (CAP_MKNOD)")
    return "character device"


@pytest.mark.parametrize("make", [_make_fifo, _make_socket, _make_device], ids=lambda f: f.__name__)
def test_force_never_replaces_what_is_not_a_regular_file(cached, tmp_path, capsys, make):
    out = tmp_path / "special"
    kind = make(out)
    before = os.lstat(out)
    assert cli_main(_export(str(out), "--force")) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert kind in err and "not a regular file" in err
    after = os.lstat(out)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert _leftovers(tmp_path) == []


def test_dev_null_is_refused_without_being_opened(cached, capsys):
    assert cli_main(_export("/dev/null", "--force")) == 2
    assert "character device" in capsys.readouterr().err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_an_existing_file_needs_force_and_is_then_replaced_whole(cached, tmp_path, capsys):
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    os.chmod(out, 0o640)
    assert cli_main(_export(str(out))) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep me"
    assert cli_main(_export(str(out), "--force")) == 0
    assert out.read_text().startswith("Date,") and stat.S_IMODE(out.stat().st_mode) == 0o640


def _report_data(paths) -> None:
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, _bars(1_500))
        cache.store_bars(FOLLOWER, _bars(1_500, slope=3.0))


def test_report_refuses_links_inside_its_folder_and_writes_nothing(paths, tmp_path, capsys):
    _report_data(paths)
    out_dir = tmp_path / "report"
    out_dir.mkdir()
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"precious")
    (out_dir / "charts.png").symlink_to(victim)
    (out_dir / ".charts.png.tmp").symlink_to(victim)
    assert riskcurve_run(["report", "--out", str(out_dir), "--offline", "--force"]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err and "charts.png" in err
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in out_dir.iterdir()) == [".charts.png.tmp", "charts.png"]


def test_settings_are_never_written_through_a_link(paths, tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    (paths.config / "settings.json").symlink_to(victim)
    with pytest.raises(RiskcurveError, match="symbolic link"):
        save_settings(paths.config, Settings())
    assert victim.read_text() == "precious"


# -- item 11: clumsy targets ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "code", "words"),
    [
        ("{tmp}", 2, "is a folder"),
        ("{tmp}/", 2, "is a folder"),
        ("/", 2, "is a folder"),
        ("", 2, "--out is empty"),
        ("   ", 2, "--out is empty"),
        ("{tmp}/missing/out.csv", 2, "does not exist"),
        ("{tmp}/file.txt/out.csv", 2, "is not a folder"),
        ("/proc/riskcurve-out.csv", 1, "does not take new files"),
    ],
)
def test_clumsy_targets_get_one_plain_line_and_leave_nothing(
    cached, tmp_path, capsys, out, code, words
):
    (tmp_path / "file.txt").write_text("x")
    before = sorted(os.listdir(tmp_path))
    proc_before = sorted(os.listdir("/proc")) if out.startswith("/proc") else None
    assert cli_main(_export(out.replace("{tmp}", str(tmp_path)))) == code
    err = capsys.readouterr().err
    _one_line(err)
    assert words in err
    assert sorted(os.listdir(tmp_path)) == before
    assert not (tmp_path.parent / f"{tmp_path.name}.part").exists()
    if proc_before is not None:
        assert not any(name.startswith(".riskcurve-out") for name in os.listdir("/proc"))


def test_a_read_only_folder_exits_1_and_leaves_nothing(cached, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        result = cli_without_privileges(
            cached.data.parent, "export-csv", KEY, "--out", str(folder / "out.csv")
        )
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 1, result.stderr
    _one_line(result.stderr)
    assert "read-only" in result.stderr and list(folder.iterdir()) == []


def test_analyze_out_clumsy_targets(cached, tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("x")
    for out, words in ((str(taken), "is a file, not a folder"), ("", "--out is empty")):
        assert cli_main(["analyze", "--leader", KEY, "--follower", KEY, "--out", out]) == 2
        assert words in capsys.readouterr().err


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    import app.outputs

    out = tmp_path / "charts.png"
    out.write_bytes(b"old picture")

    def fails(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app.outputs.os, "fsync", fails)
    with pytest.raises(app.outputs.WriteError, match="disk is full"):
        app.outputs.write_bytes(out, b"new picture" * 1000, replace=True)
    assert out.read_bytes() == b"old picture" and _leftovers(tmp_path) == []


# -- item 7: kills -------------------------------------------------------------------------------

WRITER = r"""
import sys
sys.path.insert(0, sys.argv[3])
from app.outputs import write_bytes
target, size = sys.argv[1], int(sys.argv[2])
for n in range(1, 10_000):
    payload = bytes([n % 251]) * size
    write_bytes(target, payload, replace=True)
    print(n, flush=True)
"""


def _whole(content: bytes, size: int) -> bool:
    return len(content) == size and content == content[:1] * size


@pytest.mark.torture
def test_a_writer_killed_at_any_moment_leaves_a_whole_file(tmp_path):
    """SIGKILL the writer while it replaces a 4 MB file over and over (OUTPUT_KILLS times)."""
    target, size = tmp_path / "charts.png", 4 * 1024 * 1024
    target.write_bytes(b"\x00" * size)
    rng = random.Random(int(os.environ.get("RISKCURVE_TORTURE_SEED", "7")))
    for _ in range(OUTPUT_KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(size), str(ROOT)],
            stdout=subprocess.PIPE,
            text=True,
        )
        child.stdout.readline()  # at least one replacement done: now it writes continuously
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert _whole(target.read_bytes(), size), "a kill left a torn file"
    strays = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(strays) <= OUTPUT_KILLS  # a kill may leave its temporary file, never the target


def _valid_png(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def _wait_for_a_temporary(folder: Path, child: subprocess.Popen, timeout_s: float) -> bool:
    """Poll until the child has a temporary output file open in `folder` (writing started)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and child.poll() is None:
        if folder.is_dir() and any(p.name.endswith(".tmp") for p in folder.iterdir()):
            return True
        time.sleep(0.001)
    return False


@pytest.mark.torture
def test_report_killed_while_it_writes_never_leaves_a_truncated_picture(paths, tmp_path):
    """`report --force` over an earlier report, SIGKILLed while it writes (REPORT_KILLS times).

    The kill lands at a random moment between its first temporary file and its end, the
    stretch measured on a first complete run (analysis files, then drawing and the PNGs).
    """
    _report_data(paths)
    out_dir = tmp_path / "report"
    command = [sys.executable, "main.py", "report", "--out", str(out_dir), "--offline", "--force"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    assert _wait_for_a_temporary(out_dir, child, timeout_s=120)
    began = time.monotonic()
    assert child.wait(timeout=300) == 0
    writing_s = time.monotonic() - began
    rng = random.Random(int(os.environ.get("RISKCURVE_TORTURE_SEED", "11")))
    during = 0
    for _ in range(REPORT_KILLS):
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        if _wait_for_a_temporary(out_dir, child, timeout_s=120):
            time.sleep(rng.uniform(0.0, writing_s))
        during += child.poll() is None
        child.send_signal(signal.SIGKILL)
        child.wait()
        for name in ("charts.png", "cycles.png"):
            assert _valid_png(out_dir / name), f"{name} was left truncated"
    assert during >= REPORT_KILLS // 2, "too few kills landed while the report was writing"
