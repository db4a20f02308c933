"""The headless commands, through the same entry point users run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
CSV = "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1.5,2.5,1,2,200\n"


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "rut.csv"
    path.write_text(CSV)
    return path


def test_import_status_export_round_trip(csv_file, tmp_path, capsys):
    assert main(["import", str(csv_file), "--symbol", "yahoo:^RUT"]) == 0
    assert "Imported 2 bars" in capsys.readouterr().out
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "yahoo:^RUT" in out and "2024-01-02" in out and "2024-01-03" in out and "never" in out
    target = tmp_path / "out.csv"
    assert main(["export-csv", "yahoo:^RUT", "--out", str(target)]) == 0
    assert target.read_text() == CSV


def test_keys_typed_in_any_spelling_name_one_instrument(csv_file, tmp_path, capsys):
    assert main(["import", str(csv_file), "--symbol", "Yahoo:^rut"]) == 0
    assert "as yahoo:^RUT" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    assert main(["export-csv", "yahoo:^Rut", "--out", str(target)]) == 0
    assert "of yahoo:^RUT" in capsys.readouterr().out and target.read_text() == CSV
    assert main(["fetch", "nasdaq:AAPL"]) == 2
    assert "must start with one of" in capsys.readouterr().err


def test_export_refuses_to_overwrite_without_force(csv_file, tmp_path, capsys):
    main(["import", str(csv_file), "--symbol", "csv:x"])
    target = tmp_path / "exists.csv"
    target.write_text("keep me")
    assert main(["export-csv", "csv:x", "--out", str(target)]) == 2
    assert "--force" in capsys.readouterr().err and target.read_text() == "keep me"
    assert main(["export-csv", "csv:x", "--out", str(target), "--force"]) == 0


def test_bad_csv_exits_2_with_one_line_naming_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Close\n2024-01-02,1\n2024-01-03,oops\n")
    assert main(["import", str(bad), "--symbol", "csv:x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{bad}, line 3" in err and "not a number" in err


def test_bad_key_and_unknown_instrument(tmp_path, csv_file, capsys):
    assert main(["import", str(csv_file), "--symbol", "nasdaq:AAPL"]) == 2
    assert "must start with" in capsys.readouterr().err
    assert main(["export-csv", "yahoo:^GSPC", "--out", str(tmp_path / "o.csv")]) == 2
    assert "No cached data for yahoo:^GSPC" in capsys.readouterr().err


def test_status_on_empty_cache(capsys):
    assert main(["status"]) == 0
    assert "No cached instruments yet" in capsys.readouterr().out


def test_data_dir_option_puts_everything_under_it(tmp_path, csv_file):
    target = tmp_path / "portable"
    assert main(["--data-dir", str(target), "import", str(csv_file), "--symbol", "csv:x"]) == 0
    assert (target / "data" / "riskcurve.sqlite3").is_file()


def test_status_imports_no_network_or_qt_module(csv_file, data_dir):
    main(["import", str(csv_file), "--symbol", "csv:x"])
    code = (
        "import sys, runpy; sys.argv = ['main.py', 'status']\n"
        "try:\n    runpy.run_path('main.py', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('yfinance', 'ccxt', 'PySide6', 'pyqtgraph', 'shiboken6', 'pandas')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_command_has_help():
    for command in ("gui", "import", "fetch", "status", "export-csv", "analyze", "report"):
        out = subprocess.run(
            [sys.executable, "main.py", command, "--help"], cwd=ROOT, capture_output=True, text=True
        )
        assert out.returncode == 0 and "usage:" in out.stdout, command


def test_data_dir_option_reaches_everything_resolved_later(tmp_path, monkeypatch, csv_file):
    """The sources resolve their cache folder on their own: they must see --data-dir too."""
    import os

    from app.paths import ENV_DATA_DIR, resolve_paths

    monkeypatch.delenv(ENV_DATA_DIR)
    target = tmp_path / "portable"
    assert main(["--data-dir", str(target), "import", str(csv_file), "--symbol", "csv:x"]) == 0
    assert resolve_paths().cache == target.resolve() / "cache"
    assert os.environ[ENV_DATA_DIR] == str(target.resolve())
