"""Damaged files: a truncated or garbage cache, a settings file with invalid values, broken
syntax or a newer schema. Each is detected, kept aside as a backup (byte for byte), the user is
told in one plain line, and the app starts: through Cache.open / load_settings, the `status`
and `fetch` commands, and the desktop app (`run_gui` with a screenshot, in a child process).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.config import Settings
from app.settings_file import SETTINGS_FILE, load_settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def healthy_cache(path: Path) -> None:
    close = 1.0 + np.arange(20_000, dtype=float)
    bars = bars_from_arrays(
        np.arange(20_000),
        {"open": close, "high": close, "low": close, "close": close, "volume": close},
    )
    with Cache.open(path) as cache:
        cache.store_bars("yahoo:^RUT", bars)


def _garbage(raw: bytes) -> bytes:
    return random.Random(6).randbytes(64 * 1024)


def _edited(sql: str):
    """A damage that SQL does: `sql` run on a copy of the healthy file."""

    def edit(raw: bytes) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.sqlite3"
            copy.write_bytes(raw)
            db = sqlite3.connect(copy)
            db.execute(sql)
            db.commit()
            db.close()
            return copy.read_bytes()

    return edit


CACHE_DAMAGE = {
    "garbage": _garbage,
    "text file": lambda raw: b"Date,Close\n2024-01-02,1\n" * 100,
    "truncated to half": lambda raw: raw[: len(raw) // 2],
    "truncated inside the header": lambda raw: raw[:60],
    "truncated after one page": lambda raw: raw[:PAGE],
    "wrong magic header": lambda raw: b"X" + raw[1:],
    "zeroed page 2": lambda raw: raw[:PAGE] + bytes(PAGE) + raw[2 * PAGE :],
    "garbage page 4": lambda raw: raw[: 3 * PAGE] + _garbage(raw)[:PAGE] + raw[4 * PAGE :],
    "zero length": lambda raw: b"",
    "truncated by one byte": lambda raw: raw[:-1],
    "a table dropped": _edited("DROP TABLE bars"),
    "a column dropped": _edited("ALTER TABLE instruments DROP COLUMN last_error_kind"),
    "schema version -1": _edited("PRAGMA user_version=-1"),
    "schema version 0 with tables": _edited("PRAGMA user_version=0"),
}


@pytest.fixture(params=sorted(CACHE_DAMAGE))
def damaged_cache(request, paths):
    """The CLI's cache file, damaged in one of the ways above; returns (path, damaged bytes)."""
    healthy_cache(paths.database)
    damaged = CACHE_DAMAGE[request.param](paths.database.read_bytes())
    paths.database.write_bytes(damaged)
    return paths.database, damaged


def _backups(database: Path) -> list[Path]:
    return sorted(database.parent.glob(database.name + ".damaged-*[0-9]"))


def test_damaged_cache_is_moved_aside_and_a_fresh_one_works(damaged_cache):
    database, damaged = damaged_cache
    with Cache.open(database) as cache:
        notice = cache.notice
        assert "was damaged" in notice and "moved to" in notice and "\n" not in notice
        assert len(notice) < 400
        (backup,) = _backups(database)
        assert str(backup) in notice and backup.read_bytes() == damaged
        assert cache.instruments() == [] and cache.integrity_ok()
        close = np.array([1.0, 2.0])
        cache.store_bars(
            "csv:new",
            bars_from_arrays(
                np.array([1, 2]), dict.fromkeys(("open", "high", "low", "close", "volume"), close)
            ),
        )
    with Cache.open(database) as again:
        assert again.notice == "" and [i.key for i in again.instruments()] == ["csv:new"]


def test_status_tells_the_user_in_one_line_and_carries_on(damaged_cache, capsys):
    database, damaged = damaged_cache
    assert cli_main(["status"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "was damaged" in captured.err
    assert "No cached instruments yet" in captured.out
    assert _backups(database)[0].read_bytes() == damaged


def test_damage_twice_in_one_second_keeps_both_backups(paths):
    first, second = b"first damaged file " * 100, b"second damaged file " * 100
    for content in (first, second):
        paths.database.write_bytes(content)
        Cache.open(paths.database).close()
    assert sorted(p.read_bytes() for p in _backups(paths.database)) == sorted([first, second])


def test_a_cache_from_a_newer_version_is_refused_and_left_alone(paths, capsys):
    healthy_cache(paths.database)
    db = sqlite3.connect(paths.database)
    db.execute("PRAGMA user_version=99")
    db.close()
    before = paths.database.read_bytes()
    assert cli_main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer Riskcurve" in err
    assert paths.database.read_bytes() == before and _backups(paths.database) == []


SETTINGS_DAMAGE = {
    "invalid value": json.dumps({"min_gap_days": -5}).encode(),
    "wrong type": json.dumps({"horizons": "30, 90"}).encode(),
    "unknown setting": json.dumps({"min_gap_dayz": 30}).encode(),
    "broken syntax": b'{"min_gap_days": 30,',
    "newer schema": json.dumps({"schema_version": 99, "new_field": 1}).encode(),
    "not UTF-8": b'{"leader": "yahoo:\xff"}',
    "empty": b"",
    "not an object": b"[1, 2, 3]",
    "nested too deep": b"[" * 100_000,
    "number too long": b'{"seed": ' + b"9" * 5_000 + b"}",
}


@pytest.mark.parametrize("case", sorted(SETTINGS_DAMAGE))
def test_broken_settings_are_kept_aside_and_defaults_used(paths, case):
    content = SETTINGS_DAMAGE[case]
    (paths.config / SETTINGS_FILE).write_bytes(content)
    loaded = load_settings(paths.config)
    assert loaded.settings == Settings()
    assert "Default settings are in use" in loaded.notice and "\n" not in loaded.notice
    assert loaded.backup is not None and loaded.backup.read_bytes() == content
    assert not (paths.config / SETTINGS_FILE).exists()
    if case == "newer schema":
        assert "newer Riskcurve" in loaded.notice


def test_fetch_reports_broken_settings_and_still_runs(paths, capsys):
    (paths.config / SETTINGS_FILE).write_bytes(SETTINGS_DAMAGE["broken syntax"])
    assert cli_main(["fetch", "csv:my-series"]) == 0  # an imported series: no network needed
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "is not valid JSON" in captured.err
    assert "csv:my-series: imported series" in captured.out


GUI_CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QMessageBox
import widgets.status
from app.paths import resolve_paths
from widgets.app import run_gui

told = []
real_show, real_open = widgets.status.StatusLine.show_message, QMessageBox.open
def show_message(self, text, timeout_ms=0):
    told.append(text)
    real_show(self, text, timeout_ms)
def open_box(self, *args):
    told.append(self.text())
    real_open(self, *args)
widgets.status.StatusLine.show_message = show_message
QMessageBox.open = open_box
code = run_gui(resolve_paths(sys.argv[1]), screenshot=Path(sys.argv[2]))
print(json.dumps({"code": code, "told": told}))
"""


def test_the_desktop_app_starts_on_damaged_files_and_says_so(tmp_path):
    root = tmp_path / "portable"
    from app.paths import resolve_paths

    paths = resolve_paths(root).ensure()
    healthy_cache(paths.database)
    damaged_cache = paths.database.read_bytes()[: PAGE + 10]
    paths.database.write_bytes(damaged_cache)
    (paths.config / SETTINGS_FILE).write_bytes(SETTINGS_DAMAGE["newer schema"])
    shot = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-c", GUI_CHILD, str(root), str(shot)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0 and shot.stat().st_size > 10_000
    told = " | ".join(report["told"])
    assert "newer Riskcurve" in told and "Default settings are in use" in told
    assert "was damaged" in told and "fresh, empty cache" in told
    assert _backups(paths.database)[0].read_bytes() == damaged_cache
    (settings_backup,) = paths.config.glob(SETTINGS_FILE + ".*.bak")
    assert settings_backup.read_bytes() == SETTINGS_DAMAGE["newer schema"]
