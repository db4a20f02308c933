"""Fuzzed settings: every field with random JSON values, whole files of random bytes, and the
settings dialog's text fields.

The oracle below is written from the documented rules (the ranges of app.config's settings
table, the compound fields' docstrings, the settings file's migration notes), not from the
loader's code: a valid value loads exactly, an invalid one sets the file aside (byte for byte),
defaults are used and the notice names the field. Nothing may raise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.config import (
    INSTRUMENT_SETTINGS,
    SCHEMA_VERSION,
    SETTING,
    InstrumentSettings,
    KeyDate,
    Settings,
)
from app.errors import InvalidKeyError, SettingsError
from app.instruments import InstrumentKey, parse_key
from app.setting_kinds import Choice, Flag, Key, KeyDates, Number, Text, Whole
from app.setting_lists import ChoiceList, DayList, KeyList
from app.settings_file import SETTINGS_FILE, load_settings
from tests.reliability.budget import FUZZ_MARKS, fuzz_settings
from widgets.dialogs import settings_values as sv

pytestmark = FUZZ_MARKS

FIELDS = [f.name for f in dataclasses.fields(Settings)]
DEFAULTS = Settings()
MISSING = object()

# -- strategies ---------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.one_of(
    st.sampled_from(
        [
            "yahoo:^RUT",
            "yahoo:^rut",
            " yahoo:BTC-USD ",
            "ccxt:bitstamp:BTC/USD",
            "ccxt:Kraken:eth/eur",
            "csv:my-series",
            "nasdaq:AAPL",
            "yahoo:",
            "yahoo:../../x",
            "csv:'; DROP TABLE bars; --",
        ]
    ),
    st.text(max_size=12),
)
thresholds = st.one_of(
    st.floats(min_value=-1, max_value=2),
    st.sampled_from([0.01, 0.95, 0.0099, 0.9501]),
    json_scalars,
)


def _number_near(kind) -> st.SearchStrategy:
    low, high = kind.low, kind.high
    edges = [low, high, low - 1, high + 1, (low + high) / 2]
    as_int = st.sampled_from([int(e) for e in edges]) | st.integers(int(low) - 5, int(high) + 5)
    as_float = st.sampled_from([float(e) for e in edges]) | st.floats(low - 1, high + 1)
    return as_int | as_float | st.sampled_from([10**400, -(10**400), math.nan, math.inf, True])


key_date_entries = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2024-04-20", "2024-02-30", "20240420", "2024-4-20", "x"])
        | st.dates().map(str)
        | json_scalars,
        "label": st.text(max_size=70) | json_scalars,
    },
    optional={
        "kind": st.sampled_from(["halving", "event", "Event", ""]) | json_scalars,
        "extra": json_scalars,
    },
)


def _kind_values(kind) -> st.SearchStrategy:
    """Plausible, borderline and absurd JSON values for one kind of setting."""
    if isinstance(kind, Whole | Number):
        return _number_near(kind)
    if isinstance(kind, Choice):
        return st.sampled_from([*kind.choices, "Close", "low", ""])
    if isinstance(kind, Key):
        return keys
    if isinstance(kind, KeyList):
        return st.lists(keys, max_size=4) | st.lists(st.just("csv:x"), min_size=49, max_size=52)
    if isinstance(kind, ChoiceList):
        return st.lists(st.sampled_from([*kind.choices, "Breakout", ""]), max_size=4)
    if isinstance(kind, DayList):
        return st.lists(st.integers(-2, 4_000) | st.booleans() | st.floats(0, 100), max_size=10)
    if isinstance(kind, KeyDates):
        return st.lists(key_date_entries, max_size=3)
    if isinstance(kind, Text):
        return st.text(max_size=70) | st.sampled_from(["Small caps", "a\nb", "x" * 61])
    return st.nothing()


instrument_entries = st.dictionaries(
    st.sampled_from([r.name for r in INSTRUMENT_SETTINGS]) | st.text(max_size=6),
    st.sampled_from(INSTRUMENT_SETTINGS).flatmap(lambda r: _kind_values(r.kind)) | json_values,
    max_size=3,
)


def value_for(name: str) -> st.SearchStrategy:
    """Plausible, borderline and absurd JSON values for one settings field."""
    specific: st.SearchStrategy
    if name in SETTING:
        specific = _kind_values(SETTING[name].kind)
    elif name == "per_instrument":
        specific = st.dictionaries(keys, instrument_entries | json_values, max_size=3)
    elif name == "schema_version":
        specific = st.sampled_from([0, 1, 2, 3, True, "2", 2.0])
    else:
        specific = st.nothing()
    return st.one_of(specific, json_values)


field_and_value = st.sampled_from(FIELDS).flatmap(lambda n: st.tuples(st.just(n), value_for(n)))

# -- the oracle: a strict reading of the documented rules ----------------------------------------


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and not (type(value) is float and not math.isfinite(value))


def _scalar(kind, value: Any) -> Any:
    """The value a scalar row holds after loading `value`, or MISSING."""
    if isinstance(kind, Flag):
        return value if type(value) is bool else MISSING
    if isinstance(kind, Choice):
        return value if type(value) is str and value in kind.choices else MISSING
    if isinstance(kind, Text):
        ok = type(value) is str and len(value) <= kind.max_length and value.isprintable()
        return value if ok else MISSING
    if isinstance(kind, Whole) and type(value) is not int:
        return MISSING
    if not _is_number(value) or not kind.low <= value <= kind.high:
        return MISSING
    return value if isinstance(kind, Whole) else float(value)


def _key_ok(value: Any) -> bool:
    try:
        parse_key(value)
    except InvalidKeyError:
        return False
    return True


def _instrument(name: str, value: Any) -> Any:
    if type(value) is not str or not _key_ok(value):
        return MISSING
    other = DEFAULTS.follower if name == "leader" else DEFAULTS.leader
    # Held in the key's canonical spelling: yahoo:^rut loads as yahoo:^RUT.
    return MISSING if parse_key(value).key == parse_key(other).key else InstrumentKey(value)


def _horizons(value: Any) -> Any:
    if type(value) is not list or not 1 <= len(value) <= 8:
        return MISSING
    if not all(type(h) is int and 1 <= h <= 3_650 for h in value):
        return MISSING
    if DEFAULTS.headline_horizon not in value:  # the headline must be one of the horizons
        return MISSING
    return tuple(value) if all(a < b for a, b in itertools.pairwise(value)) else MISSING


def _per_instrument(value: Any) -> Any:
    """key -> {row: value}: every key valid and distinct once canonical, every name a
    per-instrument row, every value in its row's range; missing names are the key's defaults."""
    if type(value) is not dict:
        return MISSING
    table = {}
    for key, entry in value.items():
        if not _key_ok(key) or type(entry) is not dict or parse_key(key).key in table:
            return MISSING
        changes = {}
        for name, item in entry.items():
            if name not in {r.name for r in INSTRUMENT_SETTINGS}:
                return MISSING
            changes[name] = _scalar(SETTING[name].kind, item)
            if changes[name] is MISSING:
                return MISSING
        canonical = parse_key(key).key
        table[canonical] = dataclasses.replace(InstrumentSettings.default_for(canonical), **changes)
    return table


def _key_dates(value: Any) -> Any:
    if type(value) is not list:
        return MISSING
    out = []
    for item in value:
        if type(item) is not dict or not {"date", "label"} <= set(item) <= {
            "date",
            "label",
            "kind",
        }:
            return MISSING
        date, label, kind = item["date"], item["label"], item.get("kind", "event")
        if type(date) is not str or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return MISSING
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            return MISSING
        if type(label) is not str or not 1 <= len(label) <= 60 or kind not in ("halving", "event"):
            return MISSING
        out.append(KeyDate(date, label, kind))
    return tuple(out)


def _ladder(value: Any) -> Any:
    ok = (
        type(value) is list
        and 2 <= len(value) <= 10
        and all(type(k) is str and _key_ok(k) for k in value)
    )
    if not ok or len({InstrumentKey(k) for k in value}) < len(value):
        return MISSING
    return tuple(InstrumentKey(k) for k in value)


def _alert_kinds(value: Any) -> Any:
    choices = SETTING["alert_kinds"].kind.choices
    ok = type(value) is list and all(type(k) is str and k in choices for k in value)
    return tuple(value) if ok and len(set(value)) == len(value) else MISSING


def expected(name: str, value: Any) -> Any:
    """The value Settings must hold after loading {name: value}, or MISSING when invalid."""
    if name == "schema_version":  # version 1 files are migrated, newer ones refused
        return SCHEMA_VERSION if type(value) is int and 1 <= value <= SCHEMA_VERSION else MISSING
    if name == "headline_horizon":
        return value if type(value) is int and value in DEFAULTS.horizons else MISSING
    lists = Key | KeyList | ChoiceList | DayList | KeyDates
    if name in SETTING and not isinstance(SETTING[name].kind, lists):
        return _scalar(SETTING[name].kind, value)
    if name in ("leader", "follower"):
        return _instrument(name, value)
    if name == "extra_instruments":
        ok = (
            type(value) is list
            and len(value) <= 50
            and all(type(k) is str and _key_ok(k) for k in value)
        )
        return tuple(InstrumentKey(k) for k in value) if ok else MISSING
    checks = {
        "ladder": _ladder,
        "alert_kinds": _alert_kinds,
        "horizons": _horizons,
        "per_instrument": _per_instrument,
        "extra_key_dates": _key_dates,
    }
    return checks[name](value)


# -- properties ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folders():
    with tempfile.TemporaryDirectory() as root:
        yield Path(root)


def _fresh(root: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=root))


def _assert_set_aside(loaded, folder: Path, original: bytes, *names: str) -> None:
    assert loaded.settings == DEFAULTS
    assert "Default settings are in use" in loaded.notice
    assert any(name in loaded.notice for name in names), loaded.notice
    assert "\n" not in loaded.notice
    assert not (folder / SETTINGS_FILE).exists()
    assert loaded.backup is not None and loaded.backup.read_bytes() == original
    assert str(loaded.backup) in loaded.notice


@fuzz_settings()
@given(field_and_value)
def test_each_field_loads_exactly_or_is_set_aside(folders, field_and_value):
    name, value = field_and_value
    folder = _fresh(folders)
    original = json.dumps({name: value}).encode()
    (folder / SETTINGS_FILE).write_bytes(original)
    loaded = load_settings(folder)
    want = expected(name, value)
    if want is MISSING:
        names = ("leader", "follower") if name in ("leader", "follower") else (name,)
        _assert_set_aside(loaded, folder, original, *names)
        return
    assert loaded.notice == "" and loaded.backup is None
    assert getattr(loaded.settings, name) == want
    assert type(getattr(loaded.settings, name)) is type(want)
    assert dataclasses.replace(loaded.settings, **{name: getattr(DEFAULTS, name)}) == DEFAULTS


@fuzz_settings()
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=4))
def test_documents_with_several_fields_or_unknown_names(folders, document):
    folder = _fresh(folders)
    original = json.dumps(document).encode()
    (folder / SETTINGS_FILE).write_bytes(original)
    loaded = load_settings(folder)
    wants = {k: expected(k, v) if k in FIELDS else MISSING for k, v in document.items()}
    if all(w is not MISSING for w in wants.values()):
        assert loaded.notice == ""
        assert all(getattr(loaded.settings, k) == w for k, w in wants.items())
    else:
        # Which field is named first is the loader's choice; any of the bad ones is right.
        bad = [k for k, w in wants.items() if w is MISSING]
        _assert_set_aside(loaded, folder, original, *bad, "leader", "follower", "settings")


def _mutations(text: str) -> st.SearchStrategy[bytes]:
    raw = text.encode()
    return st.one_of(
        st.integers(0, len(raw)).map(lambda cut: raw[:cut]),
        st.tuples(st.integers(0, len(raw)), st.binary(min_size=1, max_size=4)).map(
            lambda t: raw[: t[0]] + t[1] + raw[t[0] :]
        ),
    )


VALID_FILE = json.dumps({"leader": "yahoo:^GSPC", "horizons": [5, 10], "seed": 7}, indent=2)
hostile_files = st.one_of(
    st.binary(max_size=200),
    _mutations(VALID_FILE),
    st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 200_000).map(lambda n: b'{"seed": ' + b"[" * n),
    st.integers(4_000, 20_000).map(lambda n: b'{"seed": ' + b"9" * n + b"}"),
    st.sampled_from(
        [b"", b"null", b"[]", b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b"NaN", b"{}{}"]
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
)


@fuzz_settings()
@given(hostile_files)
def test_any_file_content_loads_or_is_set_aside(folders, content):
    folder = _fresh(folders)
    (folder / SETTINGS_FILE).write_bytes(content)
    loaded = load_settings(folder)
    if loaded.notice:
        _assert_set_aside(loaded, folder, content, "settings")
    else:
        assert (folder / SETTINGS_FILE).read_bytes() == content
        loaded.settings.validate()


def test_a_folder_in_place_of_the_settings_file_is_set_aside(tmp_path):
    (tmp_path / SETTINGS_FILE).mkdir()
    loaded = load_settings(tmp_path)
    assert loaded.settings == DEFAULTS and "could not be read" in loaded.notice
    assert loaded.backup is not None and loaded.backup.is_dir()


# -- the settings dialog's fields ---------------------------------------------------------------


def _dialog_values() -> dict[str, Any]:
    return sv.values_of(DEFAULTS)


def _parser(name: str):
    return lambda text: sv.parse(name, text)


#: The dialog's text fields (check boxes and choice lists cannot hold arbitrary text).
TEXT_FIELDS = [n for n, f in sv.FIELDS.items() if not isinstance(f.row.kind, Flag | Choice)]
typed_text = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[ +-]?[0-9 ,_.]{0,12}(e[+-]?\d{1,4})? ?%?\Z"),
    st.sampled_from(["1e999", "nan", "-inf", "0x10", "1_000", "٣٠", "10 000", "20 %", "9" * 5_000]),
    keys,
)


@fuzz_settings()
@given(st.sampled_from(TEXT_FIELDS), typed_text)
def test_dialog_fields_accept_or_explain_any_text(name, text):
    values = _dialog_values() | {name: _parser(name)(text)}
    errors = sv.field_errors(DEFAULTS, values)
    assert set(errors) <= set(values)
    assert all(isinstance(reason, str) and reason for reason in errors.values())
    if errors:
        with pytest.raises(SettingsError):
            sv.validated(DEFAULTS, values)
        return
    settings = sv.validated(DEFAULTS, values)
    settings.validate()
    field = sv.FIELDS[name]
    if not isinstance(field.row.kind, Key | KeyList):
        assert field.value_of(settings) == values[name]


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"bull_threshold": 10**400}, "bull_threshold"),  # crashed: int too large for a float
        ({"min_gap_days": 10**400}, "more than 15 digits"),  # a 401-digit notice
        ({"line\nbreak": 1}, "'line\\nbreak'"),  # the notice spanned two lines
        ({"extra_key_dates": [{"date": "20240420", "label": "x"}]}, "YYYY-MM-DD"),
    ],
)
def test_problems_fuzzing_found_stay_fixed(tmp_path, document, named):
    (tmp_path / SETTINGS_FILE).write_text(json.dumps(document))
    loaded = load_settings(tmp_path)
    assert named in loaded.notice and "\n" not in loaded.notice and len(loaded.notice) < 400
    assert loaded.settings == DEFAULTS


def test_a_pasted_5000_digit_number_is_explained_not_a_crash():
    """Python refuses int() of over 4,300 digits with ValueError; the dialog must say the value
    is out of range instead (found by fuzzing; parse_int is shared by every whole-number field)."""
    values = _dialog_values() | {"min_gap_days": sv.parse("min_gap_days", "9" * 5_000)}
    assert "min_gap_days" in sv.field_errors(DEFAULTS, values)
