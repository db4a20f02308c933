"""The settings dialog's fields and values, derived from the settings table (no widgets here).

Each field is one row of app.config's table: a general setting (named as the setting, e.g.
`min_gap_days`), or a per-instrument one for the leader or the follower (`leader_bull_threshold`,
`follower_label`). Text is read by the row's kind, so percentages are typed as percentages;
text that does not parse is passed on unchanged, so the message is still the rule's wording,
the same as the command line's and the settings file's for the same mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.config import INSTRUMENT_SETTINGS, SETTINGS, Settings
from app.errors import InvalidKeyError, SettingsError
from app.instruments import parse_key
from app.setting_kinds import ANALYSIS, Key, Setting
from app.setting_lists import KeyList

ROLES = ("leader", "follower")
MARKETS, ANALYSIS_PAGE, REGIMES, DOWNLOADS_PAGE = "Markets", "Analysis", "Regimes", "Downloads"
PAGES = (MARKETS, ANALYSIS_PAGE, REGIMES, DOWNLOADS_PAGE)


@dataclass(frozen=True)
class DialogField:
    """One field of the dialog: the row it edits, for which market, on which page."""

    name: str
    row: Setting
    role: str = ""  # "leader" or "follower" for per-instrument rows
    page: str = MARKETS

    @property
    def label(self) -> str:
        unit = f" ({self.row.unit})" if self.row.unit else ""
        return self.row.label + unit

    def value_of(self, settings: Settings) -> Any:
        if not self.role:
            return getattr(settings, self.row.name)
        return getattr(settings.instrument(getattr(settings, self.role)), self.row.name)


def _page_of(row: Setting) -> str:
    if isinstance(row.kind, Key | KeyList):
        return MARKETS
    if row.per_instrument:
        return REGIMES if ANALYSIS in row.affects else MARKETS
    return ANALYSIS_PAGE if ANALYSIS in row.affects else DOWNLOADS_PAGE


def dialog_fields() -> tuple[DialogField, ...]:
    """Every field, in table order within each page; a market's own fields on the Markets page
    (its name) come right after the market's key."""
    fields = [DialogField(r.name, r, "", _page_of(r)) for r in SETTINGS if r.text_editable]
    for role in ROLES:
        own = [
            DialogField(f"{role}_{r.name}", r, role, _page_of(r))
            for r in INSTRUMENT_SETTINGS
            if r.text_editable
        ]
        at = [f.name for f in fields].index(role) + 1
        fields[at:at] = [f for f in own if f.page == MARKETS]
        fields += [f for f in own if f.page != MARKETS]
    return tuple(fields)


FIELDS: dict[str, DialogField] = {f.name: f for f in dialog_fields()}


def parse(name: str, text: str) -> Any:
    """The value typed into field `name` (unchanged text when it does not parse)."""
    return FIELDS[name].row.kind.parse(text)


def format_value(name: str, value: Any) -> str:
    return FIELDS[name].row.kind.format(value)


def values_of(settings: Settings) -> dict[str, Any]:
    """Every field's value in `settings` (per-instrument ones of its leader and follower)."""
    return {name: f.value_of(settings) for name, f in FIELDS.items()}


def build_settings(base: Settings, values: dict[str, Any]) -> Settings:
    """A (not yet validated) Settings from `base` with the dialog's values applied.

    Per-instrument values go to the markets the dialog names as leader and follower; a market
    whose values equal its defaults keeps no entry, so the settings file stays minimal.
    """
    import dataclasses

    general = {n: v for n, v in values.items() if n in FIELDS and not FIELDS[n].role}
    settings = dataclasses.replace(base, **general)
    for role in ROLES:
        own = {FIELDS[n].row.name: v for n, v in values.items() if FIELDS[n].role == role}
        key = getattr(settings, role)
        if own and _parses(key):
            settings = settings.with_instrument(key, **own)
    return settings


def _parses(key: Any) -> bool:
    try:
        parse_key(key)
    except InvalidKeyError:
        return False
    return True


def field_errors(base: Settings, values: dict[str, Any]) -> dict[str, str]:
    """Per dialog field, what is wrong with its value (only fields with a problem)."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        try:
            FIELDS[name].row.check(value, name)
        except SettingsError as exc:
            errors[name] = exc.reason
    if errors:
        return errors
    try:
        build_settings(base, values).validate()
    except SettingsError as exc:
        errors[_dialog_field(exc.field, values)] = exc.reason
    return errors


def _dialog_field(field: str, values: dict[str, Any]) -> str:
    """The dialog field a settings error is about (per_instrument[KEY].NAME -> ROLE_NAME)."""
    if field in values:
        return field
    if field.startswith("per_instrument[") and "]." in field:
        key, name = field[len("per_instrument[") :].split("].", 1)
        for role in ROLES:
            if _same_key(values.get(role), key) and f"{role}_{name}" in values:
                return f"{role}_{name}"
    return next(iter(values))


def _same_key(a: Any, b: str) -> bool:
    try:
        return bool(parse_key(a).key == parse_key(b).key)
    except InvalidKeyError:
        return False


def validated(base: Settings, values: dict[str, Any]) -> Settings:
    """The new settings, or SettingsError naming the first field that is wrong."""
    errors = field_errors(base, values)
    if errors:
        name, reason = next(iter(errors.items()))
        raise SettingsError(name, reason)
    settings = build_settings(base, values)
    settings.validate()
    return settings
