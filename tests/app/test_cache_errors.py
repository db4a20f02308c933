"""A failed SQLite call is classified by its result code: the environment's fault becomes a
CacheError for the user, anything else is our bug and goes on with its traceback (after
qutebrowser's tests/unit/misc/test_sql.py, which parametrises code -> class)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from app.cache import Cache
from app.cache import store as cache_store
from app.cache.classify import as_cache_error, is_environmental
from app.cli import main as cli_main
from app.errors import CacheError
from tests.app.helpers import make_bars


def sqlite_error(cls: type[sqlite3.Error], code: int, name: str) -> sqlite3.Error:
    error = cls(f"message text that must not matter ({name})")
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


ENVIRONMENT = [
    (sqlite3.OperationalError, sqlite3.SQLITE_BUSY, "SQLITE_BUSY", "locked for"),
    (sqlite3.OperationalError, sqlite3.SQLITE_BUSY_SNAPSHOT, "SQLITE_BUSY_SNAPSHOT", "locked"),
    (sqlite3.OperationalError, sqlite3.SQLITE_LOCKED, "SQLITE_LOCKED", "locked for"),
    (sqlite3.OperationalError, sqlite3.SQLITE_READONLY, "SQLITE_READONLY", "read-only"),
    (sqlite3.OperationalError, sqlite3.SQLITE_READONLY_DBMOVED, "X", "read-only"),
    (sqlite3.OperationalError, sqlite3.SQLITE_IOERR_WRITE, "SQLITE_IOERR_WRITE", "written"),
    (sqlite3.OperationalError, sqlite3.SQLITE_IOERR_FSYNC, "SQLITE_IOERR_FSYNC", "written"),
    (sqlite3.OperationalError, sqlite3.SQLITE_IOERR, "SQLITE_IOERR", "cannot be opened"),
    (sqlite3.DatabaseError, sqlite3.SQLITE_CORRUPT, "SQLITE_CORRUPT", "damaged"),
    (sqlite3.DatabaseError, sqlite3.SQLITE_NOTADB, "SQLITE_NOTADB", "damaged"),
    (sqlite3.OperationalError, sqlite3.SQLITE_FULL, "SQLITE_FULL", "full"),
    (sqlite3.OperationalError, sqlite3.SQLITE_CANTOPEN, "SQLITE_CANTOPEN", "cannot be opened"),
    (sqlite3.OperationalError, sqlite3.SQLITE_PERM, "SQLITE_PERM", "refused access"),
]
BUGS = [
    (sqlite3.OperationalError, sqlite3.SQLITE_ERROR, "SQLITE_ERROR"),  # syntax, no such column
    (sqlite3.IntegrityError, sqlite3.SQLITE_CONSTRAINT_NOTNULL, "SQLITE_CONSTRAINT_NOTNULL"),
    (sqlite3.IntegrityError, sqlite3.SQLITE_CONSTRAINT_UNIQUE, "SQLITE_CONSTRAINT_UNIQUE"),
    (sqlite3.InterfaceError, sqlite3.SQLITE_RANGE, "SQLITE_RANGE"),  # a binding out of range
    (sqlite3.OperationalError, sqlite3.SQLITE_MISUSE, "SQLITE_MISUSE"),
    (sqlite3.DatabaseError, sqlite3.SQLITE_MISMATCH, "SQLITE_MISMATCH"),
]


@pytest.mark.parametrize(("cls", "code", "name", "words"), ENVIRONMENT)
def test_the_environments_failures_become_cache_errors(tmp_path, cls, code, name, words):
    error = sqlite_error(cls, code, name)
    assert is_environmental(error)
    message = str(as_cache_error(error, tmp_path / "c.sqlite3", waited_s=1.25))
    assert words in message and "Nothing was changed" in message
    assert "must not matter" not in message  # the wording came from the code, not the text


@pytest.mark.parametrize(("cls", "code", "name"), BUGS)
def test_other_codes_are_our_bugs_and_go_on_as_they_are(tmp_path, cls, code, name):
    error = sqlite_error(cls, code, name)
    assert not is_environmental(error)
    with pytest.raises(cls) as info:
        as_cache_error(error, tmp_path / "c.sqlite3")
    assert info.value is error


def test_errors_without_a_code_are_bugs(tmp_path):
    error = sqlite3.ProgrammingError("Incorrect number of bindings supplied")
    with pytest.raises(sqlite3.ProgrammingError):
        as_cache_error(error, tmp_path / "c.sqlite3")


def test_the_lock_message_says_how_long_it_waited(tmp_path):
    error = sqlite_error(sqlite3.OperationalError, sqlite3.SQLITE_BUSY, "SQLITE_BUSY")
    message = str(as_cache_error(error, tmp_path / "c.sqlite3", waited_s=0.004))
    assert "locked for 0.0 s" in message


@pytest.fixture
def cache(tmp_path):
    with Cache.open(tmp_path / "cache.sqlite3") as opened:
        opened.store_bars("csv:x", make_bars(100, [1.0, 2.0]))
        yield opened


def test_a_syntax_error_in_our_sql_is_raised_as_a_bug(cache, monkeypatch):
    monkeypatch.setattr(cache_store, "_SELECT_BARS", "SELEC day FROM bars WHERE instrument_id=?")
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        cache.load_bars("csv:x")


def test_a_missing_column_is_raised_as_a_bug(cache, monkeypatch):
    monkeypatch.setattr(
        cache_store, "_SELECT_BARS", "SELECT day, nope FROM bars WHERE instrument_id=?"
    )
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        cache.load_bars("csv:x")


def test_wrong_bindings_are_raised_as_a_bug_and_nothing_is_written(cache, monkeypatch):
    monkeypatch.setattr(cache_store, "_INSERT_BAR", cache_store._INSERT_BAR.replace("?)", "?, ?)"))
    with pytest.raises(sqlite3.Error) as info:
        cache.store_bars("csv:x", make_bars(200, [5.0]))
    assert not isinstance(info.value, CacheError)
    assert cache.load_bars("csv:x")["close"].tolist() == [1.0, 2.0]


def test_a_bug_in_our_sql_reaches_the_log_with_its_traceback_and_the_user_one_line(
    paths, tmp_path, monkeypatch, capsys
):
    csv = tmp_path / "in.csv"
    csv.write_text("Date,Close\n2024-01-02,1.5\n")
    assert cli_main(["import", str(csv), "--symbol", "csv:x"]) == 0
    monkeypatch.setattr(cache_store, "_SELECT_BARS", "SELEC day FROM bars WHERE instrument_id=?")
    capsys.readouterr()
    assert cli_main(["export-csv", "csv:x", "--out", str(tmp_path / "out.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "This is a bug in Riskcurve" in err
    assert "Nothing was changed" not in err and "Traceback" not in err
    logged = Path(paths.log_file).read_text(encoding="utf-8")
    assert "Traceback" in logged and "syntax error" in logged


def test_a_folder_in_place_of_the_cache_file_is_named_as_such(tmp_path, capsys):
    # It said "the cache file cannot be opened (check its permissions)".
    (tmp_path / "data" / "riskcurve.sqlite3").mkdir(parents=True)
    code = cli_main(["--data-dir", str(tmp_path), "status"])
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1  # refused, in one line
    assert "it is a folder, not a cache file; move it away and retry" in err
    assert "Traceback" not in err


def test_a_bar_changed_by_another_program_to_text_is_named_not_a_bug(tmp_path, capsys):
    # A text in bars.close (written with sqlite3 by hand) ended analyze with "unexpected
    # problem ... This is a bug in Riskcurve".
    db = tmp_path / "data" / "riskcurve.sqlite3"
    db.parent.mkdir(parents=True)
    with Cache.open(db) as cache:
        cache.store_bars("yahoo:^RUT", make_bars(10_000, np.linspace(100, 200, 300)))
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE bars SET close = 'abc' WHERE day = (SELECT MIN(day) FROM bars)")
    with Cache.open(db) as cache, pytest.raises(CacheError, match="changed outside Riskcurve"):
        cache.load_bars("yahoo:^RUT")
    out = tmp_path / "rut.csv"
    code = cli_main(["--data-dir", str(tmp_path), "export-csv", "yahoo:^RUT", "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0 and "not a number" in err and "bug" not in err and not out.exists()
