"""What one setting is: its kind of value, allowed range, unit, label, help and what it affects.

`app.config` declares every setting once, as a field of `Settings` (or of `InstrumentSettings`
for the per-instrument ones) carrying a `Setting` row. Everything else is derived from those
rows: the settings file's reading and writing, the validation messages (the same wording for
the file, the dialog and the command line), the analysis parameters, the dialog's fields and
the `analyze` options. A kind knows how its values are checked, read from JSON, shown as text
and read back from text; text that does not parse is returned unchanged, so the message is
still the rule's ("must be a whole number from 1 to 10,000 days"), never a second wording.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.errors import InvalidKeyError, SettingsError

#: What a change of the setting affects: re-run the analysis, the downloads, or only the view.
ANALYSIS, DOWNLOADS, VIEW = "analysis", "downloads", "view"


@dataclass(frozen=True)
class Setting:
    """One row of the settings table (see app.config for the rows themselves)."""

    kind: Kind
    default: Any
    label: str
    help: str
    unit: str = ""
    affects: tuple[str, ...] = (ANALYSIS,)
    per_instrument: bool = False
    #: The per-instrument default for Bitcoin markets, whose ordinary swings are wider.
    bitcoin_default: Any = None
    #: The name of the analysis parameter it feeds, when that differs from the setting's.
    param: str = ""
    name: str = ""

    def check(self, value: Any, field: str = "") -> None:
        """Raise SettingsError (naming `field`, default the setting) when value is not allowed."""
        self.kind.check(field or self.name, value, self.unit)

    def range_text(self) -> str:
        """What the setting accepts, for help texts ("from 1 to 10,000 days")."""
        return self.kind.range_text(self.unit)

    def help_text(self) -> str:
        """The one-line help followed by the allowed values."""
        allowed = self.range_text()
        return f"{self.help}; {allowed}" if allowed else self.help

    @property
    def text_editable(self) -> bool:
        """Whether the value has a one-line text form (dialog field, command-line option)."""
        return self.kind.text_editable


class Kind(ABC):
    """How the values of one kind of setting are checked, stored and typed."""

    text_editable = True

    @abstractmethod
    def check(self, field: str, value: Any, unit: str) -> None:
        """Raise SettingsError naming `field` when `value` is not one of this kind's."""

    def range_text(self, unit: str) -> str:
        return ""

    def from_json(self, value: Any) -> Any:
        """The Python value for a value read from JSON (unchanged when it has the wrong shape)."""
        return value

    def to_json(self, value: Any) -> Any:
        return value

    def parse(self, text: str) -> Any:
        """The value a user typed (unchanged text when it does not parse: check explains)."""
        return text

    def format(self, value: Any) -> str:
        return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def fmt_number(value: float) -> str:
    """1000 -> "1,000"; 0.5 -> "0.5"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def shown(value: Any) -> str:
    """A value for a message: a 400-digit number from a hand-edited file stays one short line."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return "a number with more than 15 digits"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number within [low, high]; `zero` is the word 0 stands for ("Never"), shown and
    accepted in its place, so the meaning of 0 is on the field, not only in its help."""

    low: int
    high: int
    zero: str = ""

    def check(self, field: str, value: Any, unit: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(field, f"must be a whole number {self.range_text(unit)}")
        if not self.low <= value <= self.high:
            raise SettingsError(field, f"must be {self.range_text(unit)} (got {shown(value)})")

    def range_text(self, unit: str) -> str:
        low = fmt_number(self.low) + (f" ({self.zero.lower()})" if self.zero else "")
        return f"from {low} to {fmt_number(self.high)}" + (f" {unit}" if unit else "")

    def parse(self, text: str) -> Any:
        """ "10,000" or "10 000" -> 10000, the `zero` word -> 0; anything else unchanged."""
        if self.zero and text.strip().lower() == self.zero.lower():
            return 0
        cleaned = re.sub(r"[,_\s]", "", text)
        # More than 18 digits is out of every range; int() of over 4,300 digits would raise.
        return int(cleaned) if re.fullmatch(r"[+-]?\d{1,18}", cleaned) else text

    def format(self, value: Any) -> str:
        return self.zero if self.zero and value == 0 and not isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Number(Kind):
    """A number (stored as a float) within [low, high]."""

    low: float
    high: float

    def check(self, field: str, value: Any, unit: str) -> None:
        if not _is_number(value):
            raise SettingsError(field, f"must be a number {self.range_text(unit)}")
        if not self.low <= value <= self.high:
            raise SettingsError(field, f"must be {self.range_text(unit)} (got {self.show(value)})")

    def show(self, value: float) -> str:
        return shown(value)

    def range_text(self, unit: str) -> str:
        return f"from {fmt_number(self.low)} to {fmt_number(self.high)}" + (
            f" {unit}" if unit else ""
        )

    def from_json(self, value: Any) -> Any:
        # An int beyond float range stays an int: the range check then names the field.
        if type(value) is int and abs(value) < 2**1023:
            return float(value)
        return value

    def parse(self, text: str) -> Any:
        try:
            return float(text.strip().replace(" ", ""))
        except ValueError:
            return text

    def format(self, value: Any) -> str:
        return f"{value:g}"


@dataclass(frozen=True)
class Percent(Number):
    """A fraction (0.2) that people read and type as a percentage (20%).

    The settings file stores the fraction; the dialog, the command line and every message
    show the percentage. Typed text is always a percentage: "20", "20%" and "20 %" are 0.2.
    """

    def show(self, value: float) -> str:
        if isinstance(value, int) and abs(value) >= 10**13:
            return "a number with more than 15 digits"
        return f"{_percent_digits(value)}%"

    def range_text(self, unit: str) -> str:
        return f"from {self.show(self.low)} to {self.show(self.high)}"

    def parse(self, text: str) -> Any:
        cleaned = text.strip().replace(" ", "").removesuffix("%")
        if not re.fullmatch(r"[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})", cleaned):
            return text
        try:
            # Decimal, so "29" becomes exactly the float that 0.29 in the file would be.
            return float(Decimal(cleaned) / 100)
        except InvalidOperation:
            return text

    def format(self, value: Any) -> str:
        return self.show(value)


def _percent_digits(value: float) -> str:
    try:
        number = Decimal(repr(float(value))) * 100
    except (InvalidOperation, OverflowError):
        return str(value)
    text = f"{number.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Flag(Kind):
    """On or off."""

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, bool):
            raise SettingsError(field, "must be true or false")

    def parse(self, text: str) -> Any:
        lowered = text.strip().lower()
        return {"true": True, "yes": True, "on": True, "false": False, "no": False}.get(
            lowered, text
        )


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few words."""

    choices: tuple[str, ...]

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, str) or value not in self.choices:
            raise SettingsError(field, f"must be one of {', '.join(self.choices)}")

    def range_text(self, unit: str) -> str:
        return f"one of {', '.join(self.choices)}"

    def parse(self, text: str) -> Any:
        return text.strip().lower()


@dataclass(frozen=True)
class Text(Kind):
    """Printable text of up to `max_length` characters (empty allowed)."""

    max_length: int

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, str):
            raise SettingsError(field, f"must be text of up to {self.max_length} characters")
        if len(value) > self.max_length:
            raise SettingsError(
                field, f"must have at most {self.max_length} characters (got {len(value)})"
            )
        if not value.isprintable():
            raise SettingsError(field, "must be one line of printable characters")

    def range_text(self, unit: str) -> str:
        return f"up to {self.max_length} characters"

    def parse(self, text: str) -> Any:
        return text.strip()


@dataclass(frozen=True)
class Key(Kind):
    """An instrument key such as yahoo:^RUT, held in its canonical spelling (InstrumentKey)."""

    def check(self, field: str, value: Any, unit: str) -> None:
        from app.instruments import parse_key

        if not isinstance(value, str):
            raise SettingsError(field, "must be an instrument key such as yahoo:^RUT")
        try:
            parse_key(value)
        except InvalidKeyError as exc:
            raise SettingsError(field, str(exc)) from None

    def from_json(self, value: Any) -> Any:
        return key_or_value(value)

    def parse(self, text: str) -> Any:
        return key_or_value(text.strip())


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class KeyDates(Kind):
    """Dated chart markers, {date, label, kind}; edited in the settings file only."""

    text_editable = False
    #: The record type (app.config.KeyDate), passed in so this module stays below config.
    record: Callable[..., Any]

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, tuple):
            raise SettingsError(field, "must be a list of {date, label, kind}")
        for item in value:
            try:
                # fromisoformat alone also takes 20240420 and 2024-W16-6: the format is YYYY-MM-DD.
                if not _ISO_DATE.fullmatch(item.date):
                    raise ValueError(item.date)
                dt.date.fromisoformat(item.date)
            except (TypeError, ValueError):
                raise SettingsError(field, f"{item.date!r} is not a YYYY-MM-DD date") from None
            if not isinstance(item.label, str) or not 0 < len(item.label) <= 60:
                raise SettingsError(field, "each label must have 1 to 60 characters")
            if item.kind not in ("halving", "event"):
                raise SettingsError(field, "kind must be halving or event")

    def from_json(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        if not all(isinstance(v, dict) and set(v) <= {"date", "label", "kind"} for v in value):
            raise SettingsError("extra_key_dates", "each entry must be {date, label, kind}")
        try:
            return tuple(self.record(**v) for v in value)
        except TypeError:
            raise SettingsError("extra_key_dates", "each entry needs a date and a label") from None

    def to_json(self, value: Any) -> Any:
        return [{"date": k.date, "label": k.label, "kind": k.kind} for k in value]


def key_or_value(value: Any) -> Any:
    """The parsed key, or the value unchanged for check() to explain."""
    from app.instruments import InstrumentKey

    try:
        return InstrumentKey(value)
    except InvalidKeyError:
        return value


def split_items(text: str) -> tuple[str, ...]:
    """Comma-, semicolon- or space-separated items."""
    return tuple(t for t in re.split(r"[,;\s]+", text.strip()) if t)
