"""The setting kinds whose values are lists: instrument keys, words from a few, day counts.

Split from app.setting_kinds (single values) to keep each module short; both are read the
same way (see app.setting_kinds for what a kind does).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from app.errors import SettingsError
from app.setting_kinds import Key, Kind, Whole, key_or_value, split_items


@dataclass(frozen=True)
class KeyList(Kind):
    """Instrument keys, `min_items` to `max_items` of them; with `distinct`, each market once.

    Keys are compared in their canonical spelling, so `yahoo:^rut` repeats `yahoo:^RUT`.
    """

    max_items: int
    min_items: int = 0
    distinct: bool = False

    def check(self, field: str, value: Any, unit: str) -> None:
        from app.instruments import parse_key

        if not isinstance(value, tuple):
            raise SettingsError(field, "must be a list of instrument keys")
        if not self.min_items <= len(value) <= self.max_items:
            raise SettingsError(field, f"must have {self._count_text()} (got {len(value)})")
        for key in value:
            Key().check(field, key, unit)
        if self.distinct:
            seen: set[str] = set()
            for key in value:
                canonical = parse_key(key).key
                if canonical in seen:
                    raise SettingsError(field, f"lists {canonical} twice")
                seen.add(canonical)

    def _count_text(self) -> str:
        if self.min_items:
            return f"{self.min_items} to {self.max_items} instruments"
        return f"at most {self.max_items} instruments"

    def range_text(self, unit: str) -> str:
        count = f"{self.min_items} to" if self.min_items else "up to"
        count = f"{count} {self.max_items}"
        once = ", each once" if self.distinct else ""
        return f"{count}, separated by commas{once}"

    def from_json(self, value: Any) -> Any:
        return tuple(key_or_value(v) for v in value) if isinstance(value, list) else value

    def to_json(self, value: Any) -> Any:
        return [str(k) for k in value]

    def parse(self, text: str) -> Any:
        return tuple(key_or_value(t) for t in split_items(text))

    def format(self, value: Any) -> str:
        return ", ".join(value)


@dataclass(frozen=True)
class ChoiceList(Kind):
    """Some of a few words, each at most once, in any order (none at all is allowed).

    `labels`, one per choice, name them for people (the settings dialog's check boxes).
    """

    choices: tuple[str, ...]
    labels: tuple[str, ...] = ()

    def label(self, choice: str) -> str:
        if len(self.labels) == len(self.choices):
            return self.labels[self.choices.index(choice)]
        return choice.replace("_", " ")

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, tuple):
            raise SettingsError(field, f"must be a list of {', '.join(self.choices)}")
        for item in value:
            if not isinstance(item, str) or item not in self.choices:
                raise SettingsError(field, f"each must be one of {', '.join(self.choices)}")
        if len(set(value)) < len(value):
            raise SettingsError(field, "must list each one once")

    def range_text(self, unit: str) -> str:
        return f"any of {', '.join(self.choices)}, separated by commas"

    def from_json(self, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def to_json(self, value: Any) -> Any:
        return list(value)

    def parse(self, text: str) -> Any:
        return tuple(t.lower() for t in split_items(text))

    def format(self, value: Any) -> str:
        return ", ".join(value)


@dataclass(frozen=True)
class DayList(Kind):
    """Increasing whole numbers of days, 1 to `max_items` of them."""

    low: int
    high: int
    max_items: int

    def check(self, field: str, value: Any, unit: str) -> None:
        if not isinstance(value, tuple) or not value:
            raise SettingsError(field, "must be a list of day counts such as 30, 90, 180, 365")
        if len(value) > self.max_items:
            raise SettingsError(field, f"at most {self.max_items} horizons")
        for h in value:
            if isinstance(h, bool) or not isinstance(h, int) or not self.low <= h <= self.high:
                raise SettingsError(
                    field, f"each must be a whole number from {self.low} to {self.high:,}"
                )
        if any(b <= a for a, b in itertools.pairwise(value)):
            raise SettingsError(field, "must be increasing, without repeats")

    def range_text(self, unit: str) -> str:
        return (
            f"up to {self.max_items} increasing whole numbers from {self.low} to "
            f"{self.high:,} {unit}".rstrip()
        )

    def from_json(self, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def to_json(self, value: Any) -> Any:
        return list(value)

    def parse(self, text: str) -> Any:
        return tuple(Whole(self.low, self.high).parse(t) for t in split_items(text))

    def format(self, value: Any) -> str:
        return ", ".join(str(h) for h in value)
