"""Typed, validated, versioned user settings, stored as human-readable JSON.

`Settings` is a frozen dataclass; every field's allowed range lives next to it (`RULES`) so the
loader, the command line and the settings dialog give the same message for the same mistake.
A settings file that cannot be used (broken syntax, an invalid value, a newer schema) is moved
aside as a backup and defaults are used; the caller gets a notice to show the user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import InvalidKeyError, SettingsError
from app.instruments import parse_key

SCHEMA_VERSION = 1
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class KeyDate:
    """A dated marker drawn on charts; kind "halving" also starts a halving cycle."""

    date: str
    label: str
    kind: str = "event"


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. Field names are the JSON keys."""

    leader: str = "yahoo:^RUT"
    follower: str = "ccxt:bitstamp:BTC/USD"
    extra_instruments: tuple[str, ...] = ("yahoo:BTC-USD", "yahoo:^GSPC")
    basis: str = "close"
    min_gap_days: int = 365
    horizons: tuple[int, ...] = (30, 90, 180, 365)
    non_overlapping: bool = False
    corr_window: int = 90
    vol_window: int = 30
    bull_threshold: float = 0.20
    bear_threshold: float = 0.20
    # Per-instrument regime thresholds: key -> (bull, bear). Bitcoin's ordinary swings exceed
    # 20%, so its default rule needs wider bands to date only the big bull and bear markets.
    regime_overrides: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "ccxt:bitstamp:BTC/USD": (0.30, 0.30),
            "yahoo:BTC-USD": (0.30, 0.30),
        }
    )
    bootstrap_draws: int = 10_000
    seed: int = 20_240_420
    bull_window_days: int = 180
    refresh_on_start: bool = True
    fetch_timeout_s: float = 60.0
    stale_after_days: int = 4
    extra_key_dates: tuple[KeyDate, ...] = ()
    schema_version: int = SCHEMA_VERSION

    def with_changes(self, **changes: Any) -> Settings:
        """A validated copy with some fields replaced."""
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        """Raise SettingsError naming the first field that is out of its allowed range."""
        for name, rule in RULES.items():
            rule.check(name, getattr(self, name))
        _check_instruments(self)
        _check_horizons(self.horizons)
        _check_overrides(self.regime_overrides)
        _check_key_dates(self.extra_key_dates)

    def thresholds_for(self, key: str) -> tuple[float, float]:
        """(bull, bear) regime thresholds for an instrument."""
        return self.regime_overrides.get(key, (self.bull_threshold, self.bear_threshold))

    @property
    def instruments(self) -> tuple[str, ...]:
        """Every instrument to keep cached, leader and follower first, without repeats."""
        return tuple(dict.fromkeys((self.leader, self.follower, *self.extra_instruments)))


@dataclass(frozen=True)
class Rule:
    """Allowed values of one scalar field, with the wording used in messages."""

    kind: type
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def check(self, name: str, value: Any) -> None:
        if self.kind is bool:
            if not isinstance(value, bool):
                raise SettingsError(name, "must be true or false")
            return
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise SettingsError(name, f"must be one of {', '.join(self.choices)}")
            return
        if self.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise SettingsError(name, f"must be a whole number {self.range_text()}")
        if self.kind is float and (
            isinstance(value, bool) or not isinstance(value, int | float) or value != value
        ):
            raise SettingsError(name, f"must be a number {self.range_text()}")
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise SettingsError(name, f"must be {self.range_text()} (got {_shown(value)})")

    def range_text(self) -> str:
        return f"from {_fmt(self.low)} to {_fmt(self.high)}"


def _shown(value: float) -> str:
    """A value for a message: a 400-digit number from a hand-edited file stays one short line."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return "a number with more than 15 digits"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _printable(name: str) -> str:
    """A field name from a file, safe to show on one line: control characters escaped, cut."""
    text = name if name.isprintable() else repr(name)
    return text if len(text) <= 40 else text[:39] + "…"


def _fmt(value: float | None) -> str:
    if value is None:
        return "any"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


RULES: dict[str, Rule] = {
    "basis": Rule(str, choices=("close", "high"), help="Price that sets an all-time high"),
    "min_gap_days": Rule(int, 1, 10_000, help="Calendar days since the previous high"),
    "non_overlapping": Rule(bool, help="Drop events inside an earlier event's window"),
    "corr_window": Rule(int, 5, 1_000, help="Trading days in the rolling correlation"),
    "vol_window": Rule(int, 5, 1_000, help="Trading days in the rolling volatility"),
    "bull_threshold": Rule(float, 0.01, 0.95, help="Rise from a trough that starts a bull"),
    "bear_threshold": Rule(float, 0.01, 0.95, help="Fall from a peak that starts a bear"),
    "bootstrap_draws": Rule(int, 100, 1_000_000, help="Random event sets for the p-value"),
    "seed": Rule(int, 0, 2**32 - 1, help="Random seed (results are reproducible)"),
    "bull_window_days": Rule(int, 0, 1_825, help="± days around a breakout to look for a bull"),
    "refresh_on_start": Rule(bool, help="Download new bars when the app starts"),
    "fetch_timeout_s": Rule(float, 5, 600, help="Seconds before a download gives up"),
    "stale_after_days": Rule(int, 1, 365, help="Days after which cached data counts as stale"),
    "schema_version": Rule(int, 1, SCHEMA_VERSION, help="Settings file format version"),
}
HORIZON_LIMITS = (1, 3_650)
MAX_HORIZONS = 8
MAX_EXTRA_INSTRUMENTS = 50


def _check_instruments(settings: Settings) -> None:
    for name in ("leader", "follower"):
        _check_key(name, getattr(settings, name))
    if not isinstance(settings.extra_instruments, tuple):
        raise SettingsError("extra_instruments", "must be a list of instrument keys")
    if len(settings.extra_instruments) > MAX_EXTRA_INSTRUMENTS:
        raise SettingsError("extra_instruments", f"at most {MAX_EXTRA_INSTRUMENTS} instruments")
    for key in settings.extra_instruments:
        _check_key("extra_instruments", key)
    if parse_key(settings.leader).key == parse_key(settings.follower).key:
        raise SettingsError("follower", "must differ from the leader")


def _check_key(name: str, key: Any) -> None:
    if not isinstance(key, str):
        raise SettingsError(name, "must be an instrument key such as yahoo:^RUT")
    try:
        parse_key(key)
    except InvalidKeyError as exc:
        raise SettingsError(name, str(exc)) from None


def _check_horizons(horizons: Any) -> None:
    low, high = HORIZON_LIMITS
    if not isinstance(horizons, tuple) or not horizons:
        raise SettingsError("horizons", "must be a list of day counts such as 30, 90, 180, 365")
    if len(horizons) > MAX_HORIZONS:
        raise SettingsError("horizons", f"at most {MAX_HORIZONS} horizons")
    for h in horizons:
        if isinstance(h, bool) or not isinstance(h, int) or not low <= h <= high:
            raise SettingsError("horizons", f"each must be a whole number from {low} to {high:,}")
    if any(b <= a for a, b in itertools.pairwise(horizons)):
        raise SettingsError("horizons", "must be increasing, without repeats")


def _check_overrides(overrides: Any) -> None:
    if not isinstance(overrides, dict):
        raise SettingsError("regime_overrides", "must map instrument keys to [bull, bear]")
    rule = RULES["bull_threshold"]
    for key, pair in overrides.items():
        _check_key("regime_overrides", key)
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise SettingsError("regime_overrides", f"{key}: must be [bull, bear]")
        for value in pair:
            rule.check(f"regime_overrides[{key}]", value)


def _check_key_dates(key_dates: Any) -> None:
    if not isinstance(key_dates, tuple):
        raise SettingsError("extra_key_dates", "must be a list of {date, label, kind}")
    for item in key_dates:
        try:
            # fromisoformat alone also takes 20240420 and 2024-W16-6; the file format is YYYY-MM-DD.
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", item.date):
                raise ValueError(item.date)
            dt.date.fromisoformat(item.date)
        except (TypeError, ValueError):
            raise SettingsError(
                "extra_key_dates", f"{item.date!r} is not a YYYY-MM-DD date"
            ) from None
        if not isinstance(item.label, str) or not 0 < len(item.label) <= 60:
            raise SettingsError("extra_key_dates", "each label must have 1 to 60 characters")
        if item.kind not in ("halving", "event"):
            raise SettingsError("extra_key_dates", "kind must be halving or event")


# ---------------------------------------------------------------------------------------------
# JSON mapping


def to_json_dict(settings: Settings) -> dict[str, Any]:
    data = dataclasses.asdict(settings)
    data["regime_overrides"] = {k: list(v) for k, v in settings.regime_overrides.items()}
    return data


def from_json_dict(data: Any) -> Settings:
    """Build validated Settings from parsed JSON; unknown keys are an error (likely a typo)."""
    if not isinstance(data, dict):
        raise SettingsError("settings", "the file must hold a JSON object")
    data = _migrate(dict(data))
    names = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SettingsError(_printable(unknown[0]), "is not a known setting")
    values = {k: _from_json_value(k, v) for k, v in data.items()}
    try:
        settings = Settings(**values)
    except TypeError as exc:  # a wrongly shaped value that slipped past conversion
        raise SettingsError("settings", str(exc)) from None
    settings.validate()
    return settings


def _from_json_value(name: str, value: Any) -> Any:
    if name in ("extra_instruments", "horizons") and isinstance(value, list):
        return tuple(value)
    if name == "regime_overrides" and isinstance(value, dict):
        return {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
    if name == "extra_key_dates" and isinstance(value, list):
        if not all(isinstance(v, dict) and set(v) <= {"date", "label", "kind"} for v in value):
            raise SettingsError(name, "each entry must be {date, label, kind}")
        try:
            return tuple(KeyDate(**v) for v in value)
        except TypeError:
            raise SettingsError(name, "each entry needs a date and a label") from None
    if name in ("bull_threshold", "bear_threshold", "fetch_timeout_s") and type(value) is int:
        # An int beyond float range stays an int: the range check then names the field.
        return float(value) if abs(value) < 2**1023 else value
    return value


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older settings file up to SCHEMA_VERSION (only version 1 exists so far)."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise SettingsError(
            "schema_version",
            f"the file was written by a newer Riskcurve (format {version}; this one reads "
            f"up to {SCHEMA_VERSION})",
        )
    return data


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
    path = config_dir / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
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
        backup = None
    kept = f" It was kept as {backup}." if backup else ""
    notice = f"Your settings file {path} {problem}.{kept} Default settings are in use."
    return LoadedSettings(Settings(), notice, backup)


def save_settings(config_dir: Path, settings: Settings) -> Path:
    """Validate and write atomically (app.outputs: temp file, fsync, rename), so a crash never
    leaves half a file; a link or a device in its place is refused (OutputError)."""
    from app.outputs import make_folder, write_text

    settings.validate()
    make_folder(config_dir)
    text = json.dumps(to_json_dict(settings), indent=2, ensure_ascii=False) + "\n"
    return write_text(config_dir / SETTINGS_FILE, text, replace=True)
