"""Fuzzed instrument keys: rejected cleanly or parsed into a key that round-trips, and nothing
from a key reaches SQL text, a shell or a file path unchecked.

Hostile inputs mix path separators, quotes, SQL fragments, shell syntax, control characters,
very long and non-ASCII strings into otherwise plausible keys.
"""

from __future__ import annotations

import ast
import re
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import app.cache.schema
from app.bars import bars_from_arrays
from app.cache import Cache
from app.errors import InvalidKeyError, UnknownInstrumentError
from app.instruments import MAX_KEY_LENGTH, InstrumentSpec, parse_key, safe_file_stem
from tests.reliability.budget import FUZZ_MARKS, fuzz_settings

pytestmark = FUZZ_MARKS

ROOT = Path(__file__).resolve().parents[2]
FRAGMENTS = (
    "'; DROP TABLE bars; --",
    '" OR 1=1 --',
    "') ON CONFLICT DO NOTHING; --",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/",
    "\\",
    "..",
    "$(reboot)",
    "`rm -rf ~`",
    "; rm -rf ~",
    "|",
    "%s%n",
    "\x00",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\u202e",  # right-to-left override
    "İ",
    "\u212a",  # Kelvin sign: lowercases to ASCII 'k'
    "₿",
    "😀",
    "ｙａｈｏｏ",
    "^",
    "=",
    ":",
    "-",
    ".",
    "_",
)
PREFIXES = ("", "yahoo:", "YAHOO:", "ccxt:", "ccxt:binance:", "CCXT:Kraken:", "csv:", " csv:", "x:")
# What a parsed key may consist of: the grammar's ASCII characters only.
KEY_CHARACTERS = re.compile(r"[A-Za-z0-9:^.=_/\-]+")

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=12),
        st.text(alphabet="ABCxyz019^.=-_/:", max_size=12),
    ),
    max_size=8,
).map("".join)
hostile_keys = st.one_of(
    st.tuples(st.sampled_from(PREFIXES), hostile_text).map("".join),
    st.text(min_size=MAX_KEY_LENGTH - 2, max_size=MAX_KEY_LENGTH + 40),
    st.builds(lambda n, p: p + "A" * n, st.integers(70, 5_000), st.sampled_from(PREFIXES)),
)
valid_keys = st.one_of(
    st.from_regex(r"\A *yahoo:[A-Za-z0-9^][A-Za-z0-9^.=\-]{0,31} *\Z"),
    st.from_regex(r"\Accxt:[a-z][a-z0-9_]{1,31}:[A-Za-z0-9]{1,16}/[A-Za-z0-9]{1,16}\Z"),
    st.from_regex(r"\Acsv:[A-Za-z0-9][A-Za-z0-9_.^=\-]{0,47}\Z"),
)


def _parse_or_none(key: object) -> InstrumentSpec | None:
    try:
        return parse_key(key)  # type: ignore[arg-type]  # non-strings are part of the fuzz
    except InvalidKeyError as exc:
        assert str(exc), "a rejection must say what is wrong"
        return None


@fuzz_settings()
@given(st.one_of(hostile_keys, valid_keys))
def test_parse_key_rejects_cleanly_or_round_trips(key):
    spec = _parse_or_none(key)
    if spec is None:
        return
    assert KEY_CHARACTERS.fullmatch(spec.key), spec.key
    assert len(spec.key) <= MAX_KEY_LENGTH
    assert parse_key(spec.key) == spec
    assert parse_key(spec.key).key == spec.key


@fuzz_settings()
@given(valid_keys)
def test_every_key_of_the_grammar_is_accepted(key):
    spec = parse_key(key)
    assert spec.key.lower() == key.strip().lower()


@pytest.mark.parametrize("value", [None, 5, 1.5, b"yahoo:^RUT", ["yahoo:^RUT"], {"k": 1}, ""])
def test_non_string_or_empty_keys_are_rejected(value):
    with pytest.raises(InvalidKeyError):
        parse_key(value)


@fuzz_settings()
@given(st.one_of(hostile_keys, valid_keys, st.text()))
def test_file_stems_hold_only_safe_characters(key):
    stem = safe_file_stem(key)
    assert re.fullmatch(r"[A-Za-z0-9-]{1,80}", stem), stem
    assert stem not in (".", "..")
    base = Path("/nonexistent/exports")
    assert (base / f"{stem}.csv").parent == base


# ------------------------------------------------------------------------------------------------
# SQL: statements are fixed texts; keys travel only as parameters.


class RecordingConnection(sqlite3.Connection):
    """A connection that remembers the SQL text of every statement it was asked to run."""

    statements: list[str]

    def execute(self, sql, parameters=(), /):
        self.statements.append(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.statements.append(sql)
        return super().executemany(sql, parameters)


@pytest.fixture(scope="module")
def recording_cache():
    """One cache for all examples, opened through a connection that records SQL text."""
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        db = real_connect(*args, factory=RecordingConnection, **kwargs)
        db.statements = []
        return db

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.cache.schema.sqlite3, "connect", connect)
        cache = Cache.open(Path(folder) / "keys.sqlite3")
        schema = _schema(cache)
        _exercise(cache, "csv:baseline")
        baseline = set(cache.connection.statements)
        yield cache, schema, baseline
        cache.close()


def _schema(cache: Cache) -> list[tuple]:
    return cache.connection.execute(
        "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    ).fetchall()


BARS = bars_from_arrays(
    np.array([19_000, 19_001]),
    {
        "open": [1.0, 2.0],
        "high": [2.0, 3.0],
        "low": [0.5, 1.0],
        "close": [1.5, 2.5],
        "volume": [10.0, np.nan],
    },
)


def _exercise(cache: Cache, key: str) -> None:
    """Every cache call that takes a key."""
    from app.errors import OfflineError

    cache.store_bars(key, BARS, currency="USD", timezone="UTC", fetched=True)
    cache.record_error(key, OfflineError("offline"))
    cache.load_bars(key)
    cache.instrument(key)
    cache.last_day(key)
    cache.instruments()
    cache.delete_instrument(key)


hostile_but_valid = st.one_of(
    st.from_regex(r"\Acsv:[A-Za-z0-9][_.^=\-]{1,20}[A-Za-z0-9_.^=\-]{0,20}\Z"),
    st.from_regex(r"\Ayahoo:\^[.=\-^]{1,20}\Z"),
    valid_keys,
)


@fuzz_settings()
@given(hostile_but_valid)
def test_valid_keys_travel_only_as_sql_parameters(recording_cache, key):
    cache, schema, baseline = recording_cache
    spec = parse_key(key)
    cache.connection.statements.clear()
    cache.store_bars(key, BARS)
    assert [i.key for i in cache.instruments()] == [spec.key]
    assert cache.load_bars(key)["close"].tolist() == [1.5, 2.5]
    cache.delete_instrument(spec.key)
    _exercise(cache, key)
    assert set(cache.connection.statements) <= baseline
    assert not any(spec.key in sql for sql in cache.connection.statements)
    assert _schema(cache) == schema and cache.instruments() == []


@fuzz_settings()
@given(st.one_of(hostile_keys, st.text()))
def test_hostile_lookups_use_parameters_and_change_nothing(recording_cache, key):
    cache, schema, baseline = recording_cache
    cache.connection.statements.clear()
    assert cache.instrument(key) is None
    assert cache.last_day(key) is None
    assert cache.delete_instrument(key) is False
    with pytest.raises(UnknownInstrumentError):
        cache.load_bars(key)
    if _parse_or_none(key) is None:
        before = len(cache.connection.statements)
        with pytest.raises(InvalidKeyError):
            cache.store_bars(key, BARS)
        assert len(cache.connection.statements) == before, "SQL ran for a rejected key"
    assert set(cache.connection.statements) <= baseline
    assert _schema(cache) == schema and cache.instruments() == []


# ------------------------------------------------------------------------------------------------
# Shell: no code path hands text to a shell.


def _python_files():
    for folder in ("app", "widgets"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "main.py"


def test_no_shell_is_ever_started():
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            if name in ("os.system", "os.popen", "eval", "exec") or name.startswith("os.exec"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
            for keyword in node.keywords:
                if keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} shell=")
    assert offenders == []


def test_lookups_find_a_key_however_it_was_spelled(tmp_path):
    """Writes stored `yahoo:^RUT` for `yahoo:^rut`; look-ups used to take the text literally."""
    with Cache.open(tmp_path / "spelling.sqlite3") as cache:
        cache.store_bars(" yahoo:^rut ", BARS)
        assert cache.instrument("yahoo:^RUT").rows == 2
        for spelling in ("yahoo:^rut", " YAHOO:^Rut", "yahoo:^RUT"):
            assert cache.instrument(spelling).key == "yahoo:^RUT"
            assert cache.last_day(spelling) == 19_001
            assert len(cache.load_bars(spelling)) == 2
        assert cache.delete_instrument("Yahoo:^rut") is True
