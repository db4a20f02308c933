"""The analysis parameters, detached from the settings file.

They live beside the signals that read them (not in app.analysis, which assembles the signals)
so the signals never import the analysis; app.analysis re-exports the name for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.signals.regimes import RegimeRule

if TYPE_CHECKING:
    from app.config import Settings


@dataclass(frozen=True)
class AnalysisParams:
    """The analysis settings, detached from the settings file."""

    basis: str = "close"  # or "high"; bars without a high use their close
    min_gap_days: int = 365
    horizons: tuple[int, ...] = (30, 90, 180, 365)
    headline_horizon: int = 90
    non_overlapping: bool = False
    era_days: int = 730
    corr_window: int = 90
    vol_window: int = 30
    leader_regime: RegimeRule = field(default_factory=RegimeRule)
    follower_regime: RegimeRule = field(default_factory=RegimeRule)
    bootstrap_draws: int = 10_000
    seed: int = 20_240_420
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
