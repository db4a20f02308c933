"""The settings file: JSON that people can read and edit, versioned, written whole or not at all.

The file holds every setting of app.config's table by name, and under `per_instrument` only
the values a market has that differ from its defaults. A file that cannot be used (broken
syntax, an invalid value, a newer schema) is moved aside as a backup and defaults are used;
the caller gets a notice to show the user.

Older schemas are migrated on reading. Version 1 (up to Riskcurve 0.1) had general regime
thresholds `bull_threshold` and `bear_threshold`, per-market exceptions in `regime_overrides`
(key -> [bull, bear]) and a `bull_window_days` that the analysis no longer has. Version 2 keeps
everything a market has of its own in `per_instrument` (key -> {label, thresholds, censoring}).
The migration keeps the thresholds each market was analysed with under version 1, and writes
only those that differ from version 2's defaults for that market. `bull_window_days` is dropped
without a word: no part of the analysis reads it any more. A file without `schema_version` is
read as the current version, unless it has a name that only version 1 had (a hand-written
version 1 file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import (
    INSTRUMENT_SETTINGS,
    SCHEMA_VERSION,
    SETTING,
    SETTINGS,
    InstrumentSettings,
    Settings,
)
from app.errors import InvalidKeyError, SettingsError
from app.instruments import parse_key
from app.setting_kinds import Key

SETTINGS_FILE = "settings.json"


# ---------------------------------------------------------------------------------------------
# JSON mapping


def to_json_dict(settings: Settings) -> dict[str, Any]:
    """The settings file's content: every setting, and each market's own values that differ."""
    data: dict[str, Any] = {r.name: r.kind.to_json(getattr(settings, r.name)) for r in SETTINGS}
    data["per_instrument"] = {
        key: _instrument_json(key, values) for key, values in settings.per_instrument.items()
    }
    data["schema_version"] = settings.schema_version
    return data


def _instrument_json(key: str, values: InstrumentSettings) -> dict[str, Any]:
    defaults = InstrumentSettings.default_for(key)
    return {
        r.name: r.kind.to_json(getattr(values, r.name))
        for r in INSTRUMENT_SETTINGS
        if getattr(values, r.name) != getattr(defaults, r.name)
    }


def from_json_dict(data: Any) -> Settings:
    """Build validated Settings from parsed JSON; unknown keys are an error (likely a typo)."""
    if not isinstance(data, dict):
        raise SettingsError("settings", "the file must hold a JSON object")
    data = migrate(dict(data))
    names = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SettingsError(_printable(unknown[0]), "is not a known setting")
    values = {k: SETTING[k].kind.from_json(v) if k in SETTING else v for k, v in data.items()}
    if "per_instrument" in values:
        values["per_instrument"] = _per_instrument_from_json(values["per_instrument"])
    try:
        settings = Settings(**values)
    except TypeError as exc:  # a wrongly shaped value that slipped past conversion
        raise SettingsError("settings", str(exc)) from None
    settings.validate()
    return settings


def _per_instrument_from_json(value: Any) -> dict[str, InstrumentSettings]:
    if not isinstance(value, dict):
        raise SettingsError("per_instrument", "must map instrument keys to their settings")
    table: dict[str, InstrumentSettings] = {}
    for key, entry in value.items():
        Key().check("per_instrument", key, "")
        where = f"per_instrument[{_printable(key)}]"
        if not isinstance(entry, dict):
            raise SettingsError(where, "must be an object of settings")
        unknown = sorted(set(entry) - {r.name for r in INSTRUMENT_SETTINGS})
        if unknown:
            raise SettingsError(f"{where}.{_printable(unknown[0])}", "is not a known setting")
        changes = {k: SETTING[k].kind.from_json(v) for k, v in entry.items()}
        canonical = parse_key(key).key
        if canonical in table:
            raise SettingsError(where, "is listed twice")
        table[canonical] = dataclasses.replace(InstrumentSettings.default_for(canonical), **changes)
    return table


def _printable(name: str) -> str:
    """A field name from a file, safe to show on one line: control characters escaped, cut."""
    text = name if name.isprintable() else repr(name)
    return text if len(text) <= 40 else text[:39] + "…"


# ---------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus a message for the user when the file could not be used as it was."""

    settings: Settings
    notice: str = ""
    backup: Path | None = None


def load_settings(config_dir: Path) -> LoadedSettings:
    """Read settings; on any problem keep the file aside, use defaults and say so."""
    from app.outputs import NotARegularFile, read_regular_file

    path = config_dir / SETTINGS_FILE
    try:
        text = read_regular_file(path).decode("utf-8-sig")  # Notepad writes a byte-order mark
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except NotARegularFile as exc:
        return _set_aside(path, f"could not be read (it is {exc}, not a regular file)")
    except (OSError, UnicodeDecodeError) as exc:
        return _set_aside(path, f"could not be read ({exc})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _set_aside(path, f"is not valid JSON (line {exc.lineno}: {exc.msg})")
    except (ValueError, RecursionError):
        # Python's limits: integers over 4,300 digits, lists nested about a thousand deep.
        return _set_aside(path, "is not usable JSON (a number or nesting too large to read)")
    try:
        return LoadedSettings(from_json_dict(data))
    except SettingsError as exc:
        return _set_aside(path, f"has an invalid value: {exc}")


def _set_aside(path: Path, problem: str) -> LoadedSettings:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    for count in itertools.count(2):  # never replace an earlier backup made in the same second
        if not backup.exists():
            break
        backup = path.with_name(f"{path.name}.{stamp}-{count}.bak")
    try:
        os.replace(path, backup)
    except OSError:
        notice = f"Your settings file {path} {problem}. Default settings are in use."
        return LoadedSettings(Settings(), notice, None)
    notice = (
        f"Your settings file {path} {problem}. It was kept as {backup}. "
        "Default settings are in use."
    )
    return LoadedSettings(Settings(), notice, backup)


def save_settings(config_dir: Path, settings: Settings) -> Path:
    """Validate and write atomically (app.outputs: temp file, fsync, rename), so a crash never
    leaves half a file; a link or a device in its place is refused (OutputError)."""
    from app.outputs import make_folder, write_text

    settings.validate()
    make_folder(config_dir)
    text = json.dumps(to_json_dict(settings), indent=2, ensure_ascii=False) + "\n"
    return write_text(config_dir / SETTINGS_FILE, text, replace=True)


# ---------------------------------------------------------------------------------------------
# Older schemas


#: Names that only version 1 files have.
V1_ONLY = ("bull_threshold", "bear_threshold", "regime_overrides", "bull_window_days")
#: Version 1's defaults for what version 2 moved into per_instrument.
V1_THRESHOLDS = (0.20, 0.20)
V1_OVERRIDES = {"ccxt:bitstamp:BTC/USD": [0.30, 0.30], "yahoo:BTC-USD": [0.30, 0.30]}
V1_INSTRUMENTS = ("yahoo:^RUT", "ccxt:bitstamp:BTC/USD", "yahoo:BTC-USD", "yahoo:^GSPC")


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """The file's content in the current schema (SettingsError when it cannot be read)."""
    version = data.get("schema_version")
    if version is None and "schema_version" not in data:
        version = 1 if any(name in data for name in V1_ONLY) else SCHEMA_VERSION
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError("schema_version", f"must be a whole number from 1 to {SCHEMA_VERSION}")
    if version > SCHEMA_VERSION:
        raise SettingsError(
            "schema_version",
            f"the file was written by a newer Riskcurve (format {version}; this one reads "
            f"up to {SCHEMA_VERSION})",
        )
    if version == 1:
        data = _from_v1(data)
    return {**data, "schema_version": SCHEMA_VERSION}


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: thresholds per market, bull_window_days gone."""
    data = dict(data)
    data.pop("bull_window_days", None)
    general = (
        data.pop("bull_threshold", V1_THRESHOLDS[0]),
        data.pop("bear_threshold", V1_THRESHOLDS[1]),
    )
    for name, value in zip(("bull_threshold", "bear_threshold"), general, strict=True):
        SETTING[name].check(SETTING[name].kind.from_json(value), name)
    overrides = data.pop("regime_overrides", V1_OVERRIDES)
    if not isinstance(overrides, dict) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in overrides.values()
    ):
        raise SettingsError("regime_overrides", "must map instrument keys to [bull, bear]")
    thresholds: dict[str, tuple[Any, ...]] = {}
    for key, pair in overrides.items():
        thresholds.setdefault(_canonical(key), tuple(pair))
    for key in _instruments_of(data):
        thresholds.setdefault(_canonical(key), general)
    table = {
        key: {"bull_threshold": bull, "bear_threshold": bear}
        for key, (bull, bear) in thresholds.items()
    }
    if "per_instrument" in data:
        raise SettingsError("per_instrument", "is not a setting of a version 1 file")
    data["per_instrument"] = _without_defaults(table)
    return data


def _canonical(key: Any) -> Any:
    try:
        return parse_key(key).key
    except InvalidKeyError:
        return key


def _instruments_of(data: dict[str, Any]) -> list[str]:
    """The markets a version 1 file analysed or kept cached (those it names, else v1's own)."""
    leader = data.get("leader", V1_INSTRUMENTS[0])
    follower = data.get("follower", V1_INSTRUMENTS[1])
    extra = data.get("extra_instruments", list(V1_INSTRUMENTS[2:]))
    keys = [leader, follower, *(extra if isinstance(extra, list) else [])]
    return [key for key in keys if isinstance(key, str)]


def _without_defaults(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Leave out the thresholds version 2 would give a market anyway (keys that do not parse
    stay, so validation names them)."""
    kept: dict[str, dict[str, Any]] = {}
    for key, values in table.items():
        defaults = InstrumentSettings.default_for(key)
        own = {k: v for k, v in values.items() if v != getattr(defaults, k)}
        if own:
            kept[key] = own
    return kept
