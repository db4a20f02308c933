"""The analysis parameters, detached from the settings file.

They live beside the signals that read them (not in app.analysis, which assembles the signals)
so the signals never import the analysis; app.analysis re-exports the name for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.config import SETTINGS
from app.signals.regimes import RegimeRule

if TYPE_CHECKING:
    from app.config import Settings


def default_of(param: str) -> Any:
    """The default of the setting that feeds analysis parameter `param` (app.config's table is
    the one place a default is written)."""
    return next(row.default for row in SETTINGS if (row.param or row.name) == param)


@dataclass(frozen=True)
class AnalysisParams:
    """The analysis settings, detached from the settings file."""

    # Names and types only: each default (and range, label, help) is the settings table's.
    basis: str = default_of("basis")  # or "high"; bars without a high use their close
    min_gap_days: int = default_of("min_gap_days")
    horizons: tuple[int, ...] = default_of("horizons")
    headline_horizon: int = default_of("headline_horizon")
    non_overlapping: bool = default_of("non_overlapping")
    era_days: int = default_of("era_days")
    corr_window: int = default_of("corr_window")
    vol_window: int = default_of("vol_window")
    leader_regime: RegimeRule = field(default_factory=RegimeRule)
    follower_regime: RegimeRule = field(default_factory=RegimeRule)
    bootstrap_draws: int = default_of("bootstrap_draws")
    seed: int = default_of("seed")
    leader_trades_every_day: bool = False
    follower_trades_every_day: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalysisParams:
        """The analysis rows of the settings table (app.config), for the settings' pair."""
        from app.instruments import parse_key

        leader, follower = parse_key(settings.leader), parse_key(settings.follower)
        return cls(
            **settings.analysis_values(),
            leader_regime=RegimeRule(**settings.instrument(leader.key).analysis_values()),
            follower_regime=RegimeRule(**settings.instrument(follower.key).analysis_values()),
            leader_trades_every_day=leader.trades_every_day,
            follower_trades_every_day=follower.trades_every_day,
        )
