"""Typed, validated, versioned user settings, stored as human-readable JSON.

This module is the settings table: every setting is declared once below, as a field of
`Settings` (or of `InstrumentSettings`, for the values each market has of its own) with its
kind, default, allowed range, unit, label, one-line help and what it affects. The settings
file's schema and messages, `AnalysisParams.from_settings`, the settings dialog's fields and
the `analyze` options are all derived from these rows (`SETTINGS`, `INSTRUMENT_SETTINGS`), so
adding a setting is one row here (plus, for an analysis setting, the parameter that uses it).

The settings file (JSON, versioned, migrated, set aside when unusable) is app.settings_file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.errors import InvalidKeyError, SettingsError
from app.instruments import InstrumentKey, is_bitcoin, parse_key
from app.setting_kinds import (
    ANALYSIS,
    DOWNLOADS,
    VIEW,
    Choice,
    Flag,
    Key,
    KeyDates,
    Number,
    Percent,
    Setting,
    Text,
    Whole,
)
from app.setting_lists import ChoiceList, DayList, KeyList

#: What a refresh can alert about (app.ladder.alerts): a breakout (a new all-time high after
#: at least the minimum consolidation), any new all-time high, a bull/bear regime turn.
ALERT_KINDS = ("breakout", "new_high", "regime_turn")

#: The settings file's format version (app.settings_file migrates older files).
SCHEMA_VERSION = 2
_ROW = "setting"


def setting(default: Any, kind: Any, label: str, help: str, **extra: Any) -> Any:
    """A dataclass field that carries its row of the settings table."""
    row = Setting(kind=kind, default=default, label=label, help=help, **extra)
    return field(default=default, metadata={_ROW: row})


@dataclass(frozen=True)
class KeyDate:
    """A dated marker drawn on charts; kind "halving" also starts a halving cycle."""

    date: str
    label: str
    kind: str = "event"


@dataclass(frozen=True)
class InstrumentSettings:
    """What each market has of its own: a display name and how its regimes are dated.

    The defaults are the ones of an ordinary market; Bitcoin markets default to wider
    thresholds (`bitcoin_default`), since their ordinary swings exceed 20 %.
    """

    label: str = setting(
        "",
        Text(60),
        "Shown as",
        "Your own name for this market in charts, captions and tables (empty: the usual name)",
        affects=(VIEW,),
    )
    bull_threshold: float = setting(
        0.20,
        Percent(0.01, 0.95),
        "Bull threshold",
        "Rise from a trough that starts a bull phase",
        bitcoin_default=0.30,
        param="bull",
    )
    bear_threshold: float = setting(
        0.20,
        Percent(0.01, 0.95),
        "Bear threshold",
        "Fall from a peak that starts a bear phase",
        bitcoin_default=0.30,
        param="bear",
    )
    censor_days: int = setting(
        180,
        Whole(0, 1_825),
        "Censor at the ends",
        "No turning point is dated within this many days of the first bar",
        unit="days",
    )
    min_cycle_days: int = setting(
        480,
        Whole(0, 3_650),
        "Min. cycle",
        "Shortest full cycle (peak to peak, trough to trough)",
        unit="days",
    )
    min_phase_days: int = setting(
        120,
        Whole(0, 1_825),
        "Min. phase",
        "Shortest bull or bear phase (unless it moves more than the min. phase move)",
        unit="days",
    )
    min_phase_move: float = setting(
        0.20,
        Percent(0.0, 5.0),
        "Min. phase move",
        "A phase shorter than the min. phase still counts when it moves this much",
    )

    @classmethod
    def default_for(cls, key: str) -> InstrumentSettings:
        """The defaults for one market (Bitcoin markets have their own)."""
        try:
            bitcoin = is_bitcoin(parse_key(key))
        except InvalidKeyError:  # reported by validation, not here
            bitcoin = False
        if not bitcoin:
            return cls()
        return cls(**{r.name: r.bitcoin_default for r in INSTRUMENT_SETTINGS if r.bitcoin_default})

    def analysis_values(self) -> dict[str, Any]:
        """The values of the rows that affect the analysis, by analysis parameter name."""
        return {r.param or r.name: getattr(self, r.name) for r in INSTRUMENT_SETTINGS if _feeds(r)}


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. Field names are the JSON keys."""

    leader: str = setting(
        "yahoo:^RUT",
        Key(),
        "Leader",
        "The market whose breakouts we watch",
        affects=(ANALYSIS, DOWNLOADS),
    )
    follower: str = setting(
        "ccxt:bitstamp:BTC/USD",
        Key(),
        "Follower",
        "The market whose reaction we measure",
        affects=(ANALYSIS, DOWNLOADS),
    )
    extra_instruments: tuple[str, ...] = setting(
        ("yahoo:BTC-USD", "yahoo:^GSPC"),
        KeyList(50),
        "Also keep cached",
        "More instruments to download and keep cached",
        affects=(DOWNLOADS,),
    )
    ladder: tuple[str, ...] = setting(
        ("yahoo:^GSPC", "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"),
        KeyList(10, min_items=2, distinct=True),
        "Ladder",
        "Markets in risk-curve order, safest first: each rung is scanned as a leader of the "
        "rungs below it",
        affects=(DOWNLOADS,),
    )
    basis: str = setting(
        "close", Choice(("close", "high")), "Breakout basis", "Price that sets an all-time high"
    )
    min_gap_days: int = setting(
        365,
        Whole(1, 10_000),
        "Min. consolidation",
        "Calendar days since the previous all-time high",
        unit="days",
    )
    horizons: tuple[int, ...] = setting(
        (30, 90, 180, 365),
        DayList(1, 3_650, 8),
        "Horizons",
        "Days after each breakout to measure the follower",
        unit="days",
    )
    headline_horizon: int = setting(
        90,
        Whole(1, 3_650),
        "Headline horizon",
        "Horizon of the headline verdict (one of the horizons)",
        unit="days",
    )
    non_overlapping: bool = setting(
        False,
        Flag(),
        "Non-overlapping events",
        "Drop events inside an earlier event's window (only matters when a horizon exceeds "
        "the minimum consolidation: breakouts are at least that many days apart)",
    )
    era_days: int = setting(
        730,
        Whole(0, 3_650),
        "Base-rate era",
        "Era for the base rate: follower days within ± this many days of each event "
        "(0 = whole history)",
        unit="days",
    )
    corr_window: int = setting(
        90,
        Whole(5, 1_000),
        "Correlation window",
        "Daily returns in the rolling correlation",
        unit="trading days",
    )
    vol_window: int = setting(
        30,
        Whole(5, 1_000),
        "Volatility window",
        "Daily returns in the rolling volatility",
        unit="trading days",
    )
    bootstrap_draws: int = setting(
        10_000, Whole(100, 1_000_000), "Bootstrap draws", "Random event sets for the p-value"
    )
    seed: int = setting(
        20_240_420, Whole(0, 2**32 - 1), "Random seed", "Random seed (results are reproducible)"
    )
    extra_key_dates: tuple[KeyDate, ...] = setting(
        (),
        KeyDates(KeyDate),
        "Your key dates",
        "Dated chart markers; kind halving also starts a halving cycle",
    )
    refresh_on_start: bool = setting(
        True,
        Flag(),
        "Refresh on start",
        "Download new bars when the app starts",
        affects=(DOWNLOADS,),
    )
    refresh_hours: int = setting(
        0,
        Whole(0, 24, zero="Never"),
        "Refresh every",
        "While the window is open, download new bars this often (0 = never)",
        unit="hours",
        affects=(DOWNLOADS,),
    )
    alert_kinds: tuple[str, ...] = setting(
        ALERT_KINDS,
        ChoiceList(ALERT_KINDS, ("Breakouts", "New all-time highs", "Regime turns")),
        "Alerts",
        "What a refresh tells you about: a rung's breakout, any new all-time high of a rung, "
        "a rung's regime turn (empty: no alerts)",
        affects=(DOWNLOADS,),
    )
    fetch_timeout_s: float = setting(
        60.0,
        Number(5, 600),
        "Download timeout",
        "Time before a download gives up",
        unit="seconds",
        affects=(DOWNLOADS,),
    )
    stale_after_days: int = setting(
        4,
        Whole(1, 365),
        "Stale after",
        "Age of the newest bar after which cached data counts as stale",
        unit="days",
        affects=(VIEW,),
    )
    #: Markets with values of their own (see InstrumentSettings); others use their defaults.
    per_instrument: Mapping[str, InstrumentSettings] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        """Keys in their canonical spelling (app.instruments.InstrumentKey): the settings file,
        the dialog and the command line all come through here. A key that does not parse is
        kept as it is, for validate() to name."""
        object.__setattr__(self, "leader", _canonical(self.leader))
        object.__setattr__(self, "follower", _canonical(self.follower))
        for name in ("extra_instruments", "ladder"):
            if isinstance(getattr(self, name), tuple):
                keys = tuple(_canonical(k) for k in getattr(self, name))
                object.__setattr__(self, name, keys)
        if isinstance(self.per_instrument, Mapping) and not all(
            type(k) is InstrumentKey for k in self.per_instrument
        ):
            table = {_canonical(k): v for k, v in self.per_instrument.items()}
            object.__setattr__(self, "per_instrument", table)

    def with_changes(self, **changes: Any) -> Settings:
        """A validated copy with some fields replaced."""
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        """Raise SettingsError naming the first field that is out of its allowed range."""
        for row in SETTINGS:
            row.check(getattr(self, row.name))
        if not isinstance(self.schema_version, int) or self.schema_version != SCHEMA_VERSION:
            raise SettingsError("schema_version", f"must be {SCHEMA_VERSION}")
        if parse_key(self.leader).key == parse_key(self.follower).key:
            raise SettingsError("follower", "must differ from the leader")
        if self.headline_horizon not in self.horizons:
            shown = ", ".join(str(h) for h in self.horizons)
            raise SettingsError(
                "headline_horizon",
                f"must be one of the horizons ({shown} days; got {self.headline_horizon})",
            )
        _check_per_instrument(self.per_instrument)

    def instrument(self, key: str) -> InstrumentSettings:
        """The values of one market: its own, or the defaults for it."""
        own = self.per_instrument.get(_canonical(key))
        return own if own is not None else InstrumentSettings.default_for(key)

    def with_instrument(self, key: str, **changes: Any) -> Settings:
        """A copy (not validated) with some of one market's values replaced.

        A market whose values all equal its defaults is dropped, so the file stays minimal.
        """
        key = _canonical(key)
        values = dataclasses.replace(self.instrument(key), **changes)
        table = dict(self.per_instrument)
        if values == InstrumentSettings.default_for(key):
            table.pop(key, None)
        else:
            table[key] = values
        return dataclasses.replace(self, per_instrument=table)

    def analysis_values(self) -> dict[str, Any]:
        """The market-independent analysis settings, by analysis parameter name."""
        return {r.param or r.name: getattr(self, r.name) for r in SETTINGS if _feeds(r)}

    @property
    def instruments(self) -> tuple[str, ...]:
        """Every instrument to keep cached, leader and follower first, then the extra ones and
        the ladder's rungs, without repeats."""
        keys = (self.leader, self.follower, *self.extra_instruments, *self.ladder)
        return tuple(dict.fromkeys(keys))


def _rows(cls: type) -> tuple[Setting, ...]:
    return tuple(
        dataclasses.replace(f.metadata[_ROW], name=f.name, per_instrument=cls is not Settings)
        for f in dataclasses.fields(cls)
        if _ROW in f.metadata
    )


def _feeds(row: Setting) -> bool:
    """Rows that become analysis parameters (the pair's keys and key dates travel apart)."""
    return ANALYSIS in row.affects and not isinstance(row.kind, Key | KeyDates)


def _canonical(key: Any) -> Any:
    """An InstrumentKey, or the value unchanged when it is not a valid key."""
    try:
        return InstrumentKey(key)
    except InvalidKeyError:
        return key


#: The settings table: one row per setting, in the order the dialog and the file show them.
SETTINGS: tuple[Setting, ...] = _rows(Settings)
INSTRUMENT_SETTINGS: tuple[Setting, ...] = _rows(InstrumentSettings)
SETTING: dict[str, Setting] = {r.name: r for r in (*SETTINGS, *INSTRUMENT_SETTINGS)}


def _check_per_instrument(table: Any) -> None:
    if not isinstance(table, Mapping):
        raise SettingsError("per_instrument", "must map instrument keys to their settings")
    for key, values in table.items():
        Key().check("per_instrument", key, "")
        if not isinstance(values, InstrumentSettings):
            raise SettingsError(f"per_instrument[{key}]", "must be an object of settings")
        for row in INSTRUMENT_SETTINGS:
            row.check(getattr(values, row.name), f"per_instrument[{key}].{row.name}")
