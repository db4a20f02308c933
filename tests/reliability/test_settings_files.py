"""Settings files of an unusual kind (issue 10, item 18).

A settings file that is a FIFO hung `analyze` and the window at start (reading a pipe waits for
a writer for ever); one saved by Notepad with a UTF-8 byte-order mark was set aside as broken.
Only regular files are read; anything else is refused in one line naming it and set aside
(renamed, never opened), as a broken file is. A byte-order mark is accepted.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.config import Settings
from app.settings_file import SETTINGS_FILE, LoadedSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]
POSIX_FIFO = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _load_within(config: Path, seconds: float) -> LoadedSettings | None:
    """load_settings(config), or None when it has not returned after `seconds`."""
    answer: list[LoadedSettings] = []
    reader = threading.Thread(target=lambda: answer.append(load_settings(config)), daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():  # unblock the stuck reader: a writer that opens and closes the pipe
        os.close(os.open(config / SETTINGS_FILE, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(10)
        return None
    return answer[0]


@POSIX_FIFO
def test_a_fifo_is_refused_at_once_and_set_aside(paths):
    fifo = paths.config / SETTINGS_FILE
    os.mkfifo(fifo)
    loaded = _load_within(paths.config, 5)
    assert loaded is not None, "reading the settings waited on the pipe"
    assert loaded.settings == Settings() and loaded.backup is not None
    assert str(fifo) in loaded.notice and "named pipe (FIFO), not a regular file" in loaded.notice
    assert "\n" not in loaded.notice and str(loaded.backup) in loaded.notice
    assert stat.S_ISFIFO(os.lstat(loaded.backup).st_mode) and not fifo.exists()


@POSIX_FIFO
def test_analyze_on_a_fifo_settings_file_ends_with_one_line(tmp_path):
    root = tmp_path / "portable"
    (root / "config").mkdir(parents=True)
    os.mkfifo(root / "config" / SETTINGS_FILE)
    try:
        result = subprocess.run(
            [sys.executable, "main.py", "--data-dir", str(root), "analyze"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("riskcurve analyze hung on a settings file that is a FIFO")
    notice = [line for line in result.stderr.splitlines() if SETTINGS_FILE in line]
    assert len(notice) == 1 and "not a regular file" in notice[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_in_its_place_is_named_as_one(paths):
    (paths.config / SETTINGS_FILE).mkdir()
    loaded = load_settings(paths.config)
    assert "is a folder, not a regular file" in loaded.notice and loaded.backup.is_dir()


def test_a_byte_order_mark_is_read_not_set_aside(paths):
    content = "\ufeff" + json.dumps({"min_gap_days": 45, "horizons": [30, 90]}, indent=2)
    path = paths.config / SETTINGS_FILE
    path.write_text(content.replace("\n", "\r\n"), encoding="utf-8")  # as Notepad saves it
    before = path.read_bytes()
    loaded = load_settings(paths.config)
    assert loaded.notice == "" and loaded.backup is None
    assert loaded.settings.min_gap_days == 45 and loaded.settings.horizons == (30, 90)
    assert path.read_bytes() == before
