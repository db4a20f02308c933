"""Folders given wrongly (issue 10): `--data-dir` naming a file, an empty read-only folder, a
`config` that is a file, `--data-dir ""`. Each is one plain line and exit code 2, never a
NotADirectoryError/PermissionError/FileExistsError traceback and never the real user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.cli import main as cli_main
from tests.reliability.test_hostile_folders import cli_without_privileges

CSV = "Date,Close\n2024-01-02,1.5\n"
COMMANDS = (["status"], ["import", "{csv}", "--symbol", "csv:x"], ["fetch", "csv:x"])


def _argv(data_dir: str, command: list[str], csv: Path) -> list[str]:
    return ["--data-dir", data_dir, *(part.replace("{csv}", str(csv)) for part in command)]


def _one_plain_line(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("riskcurve: "), err
    assert "Traceback" not in err and "Errno" not in err, err


@pytest.fixture
def csv(tmp_path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(CSV)
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_data_dir_naming_a_file(tmp_path, csv, capsys, command):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    assert cli_main(_argv(str(a_file), command, csv)) == 2
    err = capsys.readouterr().err
    _one_plain_line(err)
    assert str(a_file) in err and "is a file, not a folder" in err
    assert a_file.read_text() == "not a folder"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_config_being_a_file(tmp_path, csv, capsys, command):
    root = tmp_path / "portable"
    root.mkdir()
    (root / "config").write_text("oops")
    assert cli_main(_argv(str(root), command, csv)) == 2
    err = capsys.readouterr().err
    _one_plain_line(err)
    assert str(root / "config") in err and "is a file, not a folder" in err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_empty_data_dir_is_refused_not_the_real_user_folders(tmp_path, csv, capsys, command):
    assert cli_main(_argv("", command, csv)) == 2
    err = capsys.readouterr().err
    _one_plain_line(err)
    assert "--data-dir is empty" in err


def test_an_empty_read_only_folder(tmp_path, csv):
    root = tmp_path / "readonly"
    root.mkdir()
    os.chmod(root, 0o555)
    try:
        result = cli_without_privileges(root, "import", str(csv), "--symbol", "csv:x")
    finally:
        os.chmod(root, 0o755)
    assert result.returncode == 2, result.stderr
    _one_plain_line(result.stderr)
    assert "is read-only" in result.stderr and str(root) in result.stderr
    assert list(root.iterdir()) == []
