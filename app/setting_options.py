"""The analysis settings as command-line options, derived from the settings table (app.config).

Every setting that affects the analysis and has a one-line text form becomes an option of
`analyze` (`min_gap_days` -> `--min-gap-days`); each per-instrument one becomes two, for the
leader and the follower (`--leader-bull-threshold`, `--follower-bull-threshold`). Values are
typed as in the settings dialog (percentages as 20 or 20%), checked by the same rules, and
a mistake is named by its option.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from app.config import INSTRUMENT_SETTINGS, SETTINGS, Settings
from app.setting_kinds import (
    ANALYSIS,
    Choice,
    Flag,
    Key,
    Percent,
    Setting,
    Whole,
)
from app.setting_lists import DayList

ROLES = ("leader", "follower")


def _option_rows() -> Iterator[tuple[str, Setting]]:
    """(role or "", row) for every option, market-independent ones first."""
    for row in SETTINGS:
        if ANALYSIS in row.affects and row.text_editable:
            yield "", row
    for role in ROLES:
        for row in INSTRUMENT_SETTINGS:
            if ANALYSIS in row.affects and row.text_editable:
                yield role, row


def option_name(row: Setting, role: str = "") -> str:
    """`--min-gap-days`, `--leader-bull-threshold`."""
    return "--" + "-".join(p for p in (role, row.name.replace("_", "-")) if p)


def _dest(row: Setting, role: str) -> str:
    return f"{role}_{row.name}" if role else row.name


def _metavar(row: Setting) -> str:
    kind = row.kind
    if isinstance(kind, Key):
        return "KEY"
    if isinstance(kind, Choice):
        return "|".join(kind.choices)
    if isinstance(kind, DayList):
        return "LIST"
    if isinstance(kind, Percent):
        return "PCT"
    return "N" if isinstance(kind, Whole) else "VALUE"


def _help(row: Setting, role: str) -> str:
    who = f"{role.title()}: " if role else ""
    return f"{who}{row.help_text()}".replace("%", "%%")  # argparse formats help with %


def add_setting_options(command: argparse.ArgumentParser) -> None:
    """Add one option per analysis setting; each defaults to the user's settings (None)."""
    for role, row in _option_rows():
        name, dest = option_name(row, role), _dest(row, role)
        if isinstance(row.kind, Flag):
            command.add_argument(
                name,
                dest=dest,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=_help(row, role),
            )
        else:
            command.add_argument(name, dest=dest, metavar=_metavar(row), help=_help(row, role))


def settings_from_args(settings: Settings, args: argparse.Namespace) -> Settings:
    """The user's settings with the options given applied, validated (SettingsError)."""
    changes: dict[str, Any] = {}
    per_role: dict[str, dict[str, Any]] = {role: {} for role in ROLES}
    for role, row in _option_rows():
        given = getattr(args, _dest(row, role), None)
        if given is None:
            continue
        value = given if isinstance(row.kind, Flag) else row.kind.parse(given)
        row.check(value, option_name(row, role))
        (per_role[role] if role else changes)[row.name] = value
    new = settings.with_changes(**changes)
    for role, values in per_role.items():
        if values:
            new = new.with_instrument(getattr(new, role), **values)
    new.validate()
    return new
