"""Nothing is replaced without being asked (issue 10, item 4), on the command line.

An import into an instrument that has bars with other values prints what it would change and
exits with the bad-input code, writing nothing; `--replace` replaces and keeps the old bars;
`delete` asks; `restore` brings back what a replacing import or a delete removed.
"""

from __future__ import annotations

import io

import pytest

from app.cache import Cache
from app.cli import main
from app.errors import EXIT_BAD_INPUT, EXIT_OK

RUT_CSV = "Date,Close\n" + "".join(f"2024-01-{d:02d},{2000 + d}\n" for d in range(1, 21))
# Another market's file (IWM) for the same dates and two more.
IWM_CSV = "Date,Close\n" + "".join(f"2024-01-{d:02d},{200 + d / 10}\n" for d in range(1, 23))
# The same history, two days longer: a merge that changes nothing cached.
LONGER_CSV = RUT_CSV + "2024-01-21,2021\n2024-01-22,2022\n"


@pytest.fixture
def files(tmp_path):
    written = {}
    for name, text in (("RUT_daily.csv", RUT_CSV), ("IWM.csv", IWM_CSV), ("more.csv", LONGER_CSV)):
        written[name] = tmp_path / name
        written[name].write_text(text)
    return written


def _closes(paths):
    with Cache.open(paths.database) as cache:
        return cache.load_bars("yahoo:^RUT")["close"].tolist()


def _import(path, key="yahoo:^RUT", *extra):
    return main(["import", str(path), "--symbol", key, *extra])


@pytest.mark.parametrize("key", ["yahoo:^RUT", "yahoo:^rut", "Yahoo:^Rut"])
def test_replacing_import_is_refused_with_the_change_summary(files, paths, capsys, key):
    assert _import(files["RUT_daily.csv"]) == EXIT_OK
    capsys.readouterr()
    assert _import(files["IWM.csv"], key) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in captured.err
    assert "would replace 20 of its 20 cached days with different values" in err
    assert "20 values changed" in err and "add 2 new days" in err
    assert "--replace" in err and "Nothing was written" in err
    assert _closes(paths) == [2000.0 + d for d in range(1, 21)]


def test_merge_that_only_adds_days_goes_ahead(files, paths, capsys):
    assert _import(files["RUT_daily.csv"]) == EXIT_OK
    assert _import(files["more.csv"]) == EXIT_OK
    assert "2 new days" in capsys.readouterr().out
    assert len(_closes(paths)) == 22


def test_replace_replaces_and_the_old_bars_stay_recoverable(files, paths, capsys):
    assert _import(files["RUT_daily.csv"]) == EXIT_OK
    assert _import(files["IWM.csv"], "yahoo:^RUT", "--replace") == EXIT_OK
    assert "20 replaced" in capsys.readouterr().out
    assert _closes(paths)[0] == pytest.approx(200.1)
    assert main(["history", "yahoo:^RUT"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "replace" in listing and "20 bars (2024-01-01 – 2024-01-20)" in listing
    assert "IWM.csv" in listing
    assert main(["restore", "yahoo:^rut"]) == EXIT_OK
    assert _closes(paths) == [2000.0 + d for d in range(1, 21)]


def test_delete_needs_a_yes_and_restore_brings_it_back(files, paths, capsys, monkeypatch):
    assert _import(files["RUT_daily.csv"]) == EXIT_OK
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no one to ask
    assert main(["delete", "yahoo:^RUT"]) == EXIT_BAD_INPUT
    assert "--yes" in capsys.readouterr().err
    assert len(_closes(paths)) == 20
    assert main(["delete", "yahoo:^RUT", "--yes"]) == EXIT_OK
    with Cache.open(paths.database) as cache:
        assert cache.instrument("yahoo:^RUT") is None
    assert main(["restore", "yahoo:^RUT"]) == EXIT_OK
    assert _closes(paths) == [2000.0 + d for d in range(1, 21)]


def test_delete_asks_at_a_terminal(files, paths, capsys, monkeypatch):
    assert _import(files["RUT_daily.csv"]) == EXIT_OK

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["delete", "yahoo:^RUT"]) == EXIT_BAD_INPUT
    assert len(_closes(paths)) == 20
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(["delete", "yahoo:^RUT"]) == EXIT_OK
    assert "Deleted yahoo:^RUT (20 bars" in capsys.readouterr().out


def test_unknown_keys_and_missing_versions_are_one_line_and_bad_input(files, capsys):
    assert main(["delete", "yahoo:^NOPE", "--yes"]) == EXIT_BAD_INPUT
    assert _import(files["RUT_daily.csv"]) == EXIT_OK
    assert main(["delete", "yahoo:^NOPE", "--yes"]) == EXIT_BAD_INPUT
    assert main(["restore", "yahoo:^RUT"]) == EXIT_BAD_INPUT
    assert main(["restore", "yahoo:^RUT", "--version", "7"]) == EXIT_BAD_INPUT
    assert main(["history", "yahoo:^RUT"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "No earlier versions of yahoo:^RUT are kept" in captured.out
    assert "Traceback" not in captured.err
    assert all(line.startswith("riskcurve: ") for line in captured.err.splitlines())
