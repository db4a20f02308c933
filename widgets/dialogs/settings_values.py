"""The settings dialog's values: text → typed value, per-field messages, and what a change implies.

No widgets here. Validation goes through `Settings.validate` and `app.config.RULES`, so the
dialog shows the same wording as the command line and the settings-file loader for the same
mistake. Text that does not parse is passed on as it is, so the message is still the rule's
("must be a whole number from 1 to 10,000"), not a second wording.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from app.config import RULES, Settings
from app.errors import SettingsError

#: Fields shown as one value per line edit, with the type their text parses to.
INT_FIELDS = (
    "min_gap_days",
    "corr_window",
    "vol_window",
    "bootstrap_draws",
    "seed",
    "bull_window_days",
    "stale_after_days",
)
FLOAT_FIELDS = ("fetch_timeout_s",)
THRESHOLD_FIELDS = ("leader_bull", "leader_bear", "follower_bull", "follower_bear")
BOOL_FIELDS = ("non_overlapping", "refresh_on_start")
INSTRUMENT_FIELDS = ("leader", "follower", "extra_instruments")
#: Changing any of these re-runs the analysis on the bars in memory (no download).
ANALYSIS_FIELDS = (
    "basis",
    "min_gap_days",
    "horizons",
    "non_overlapping",
    "corr_window",
    "vol_window",
    "bull_threshold",
    "bear_threshold",
    "regime_overrides",
    "bootstrap_draws",
    "seed",
    "bull_window_days",
    "extra_key_dates",
)


def parse_int(text: str) -> int | str:
    """ "10,000" or "10 000" → 10000; anything else is returned unchanged for the rule's message."""
    cleaned = re.sub(r"[,_\s]", "", text)
    # More than 18 digits is out of every field's range; int() of over 4,300 digits would raise.
    return int(cleaned) if re.fullmatch(r"[+-]?\d{1,18}", cleaned) else text


def parse_float(text: str) -> float | str:
    """ "0.2", "20 %" (→ 0.2) or "1,5"-free numbers; anything else is returned unchanged."""
    cleaned = text.strip().replace(" ", "")
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%"))
    except ValueError:
        return text
    return value / 100 if percent else value


def parse_list(text: str) -> tuple[str, ...]:
    """Comma-, semicolon- or space-separated items."""
    return tuple(t for t in re.split(r"[,;\s]+", text.strip()) if t)


def parse_horizons(text: str) -> tuple[int | str, ...]:
    return tuple(parse_int(t) for t in parse_list(text))


def format_horizons(horizons: tuple[int, ...]) -> str:
    return ", ".join(str(h) for h in horizons)


def format_number(value: float) -> str:
    return f"{value:g}"


def thresholds_of(settings: Settings) -> dict[str, float]:
    """The four regime thresholds the dialog shows: the ones the analysis uses for each market."""
    leader = settings.thresholds_for(settings.leader)
    follower = settings.thresholds_for(settings.follower)
    return {
        "leader_bull": leader[0],
        "leader_bear": leader[1],
        "follower_bull": follower[0],
        "follower_bear": follower[1],
    }


def build_settings(base: Settings, values: dict[str, Any]) -> Settings:
    """A (not yet validated) Settings from `base` with the dialog's values applied.

    The per-market thresholds become `regime_overrides` entries, dropped again when they equal
    the general thresholds, so the settings file stays minimal.
    """
    changes = {k: v for k, v in values.items() if k not in THRESHOLD_FIELDS}
    candidate = dataclasses.replace(base, **changes)
    overrides = dict(candidate.regime_overrides)
    general = (candidate.bull_threshold, candidate.bear_threshold)
    for role in ("leader", "follower"):
        pair = (values.get(f"{role}_bull"), values.get(f"{role}_bear"))
        if None in pair:
            continue
        key = getattr(candidate, role)
        if pair == general:
            overrides.pop(key, None)
        else:
            overrides[key] = pair
    return dataclasses.replace(candidate, regime_overrides=overrides)


def field_errors(base: Settings, values: dict[str, Any]) -> dict[str, str]:
    """Per dialog field, what is wrong with its value (only fields with a problem)."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        reason = _field_error(base, name, value)
        if reason:
            errors[name] = reason
    if errors:
        return errors
    try:
        build_settings(base, values).validate()
    except SettingsError as exc:
        errors[_dialog_field(exc.field, values)] = exc.reason
    return errors


def _field_error(base: Settings, name: str, value: Any) -> str:
    try:
        if name in THRESHOLD_FIELDS:
            rule = RULES["bull_threshold" if name.endswith("bull") else "bear_threshold"]
            rule.check(name, value)
        else:
            dataclasses.replace(base, **{name: value}).validate()
    except SettingsError as exc:
        return exc.reason
    return ""


def _dialog_field(field: str, values: dict[str, Any]) -> str:
    if field in values:
        return field
    if field.startswith("regime_overrides"):
        return "leader_bull"
    return next(iter(values))


def validated(base: Settings, values: dict[str, Any]) -> Settings:
    """The new settings, or SettingsError naming the first field that is wrong."""
    errors = field_errors(base, values)
    if errors:
        name, reason = next(iter(errors.items()))
        raise SettingsError(name, reason)
    settings = build_settings(base, values)
    settings.validate()
    return settings


def changed_parts(old: Settings, new: Settings) -> set[str]:
    """Which consequences a change has: "instruments" (fetch), "analysis" (re-run), "display"."""
    parts: set[str] = set()
    if old.instruments != new.instruments:
        parts.add("instruments")
    if any(getattr(old, f) != getattr(new, f) for f in ANALYSIS_FIELDS):
        parts.add("analysis")
    if old.stale_after_days != new.stale_after_days:
        parts.add("display")
    return parts
