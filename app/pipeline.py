"""Load the pair and analyse it: the one path from settings and the cache to an AnalysisResult.

The `analyze` command, the headless `report` and the window's workers all come through here,
so every run reads its parameters and key dates the same way. No Qt and no widgets: the GUI
adds only what is its own (the early close-price preview, cancellation) around these calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.bars import EPOCH_DATE
from app.errors import UnknownInstrumentError

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from app.analysis import AnalysisParams, AnalysisResult
    from app.config import KeyDate, Settings
    from app.provenance import Sources, SourceSpan
    from app.signals.verdicts import Markets


@dataclass(frozen=True)
class RunInputs:
    """What a run takes from the settings besides the pair: parameters and key dates."""

    params: AnalysisParams
    key_dates: tuple[KeyDate, ...]

    @classmethod
    def of(cls, settings: Settings) -> RunInputs:
        """Read from the settings; a bad key-dates file raises here, before any bar is loaded."""
        from app.analysis import AnalysisParams
        from app.key_dates import load_key_dates

        params = AnalysisParams.from_settings(settings)
        return cls(params, load_key_dates(settings.extra_key_dates))


@dataclass(frozen=True)
class CachedPair:
    """The leader's and follower's cached bars, and where each came from."""

    leader: pd.DataFrame
    follower: pd.DataFrame
    sources: Sources


def analyse(
    settings: Settings,
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    inputs: RunInputs | None = None,
    sources: Sources | None = None,
) -> AnalysisResult:
    """Analyse bars already in memory with the settings' pair, parameters and key dates.

    Partial data gives partial results with notes (what the window shows); `analyse_cached`
    is the strict path for the commands. `sources` (where each instrument's bars came from)
    lets the event study mark windows whose follower bars come from two sources.
    """
    from app.analysis import run_analysis

    inputs = inputs or RunInputs.of(settings)
    switches = origin_switch_days((sources or {}).get(settings.follower, ()))
    return run_analysis(
        settings.leader,
        leader,
        settings.follower,
        follower,
        inputs.params,
        inputs.key_dates,
        follower_origin_days=switches,
        markets=markets_of(settings, settings.leader, settings.follower),
    )


def markets_of(settings: Settings, leader: str, follower: str) -> Markets:
    """The names verdicts give `leader` and `follower`: the user's own for a market (Settings →
    Markets), else the name people know it by, as the window's title and status line say."""
    from app.instruments import market_name
    from app.signals.verdicts import Markets

    return Markets(
        market_name(leader, settings.instrument(leader).label),
        market_name(follower, settings.instrument(follower).label),
    )


def origin_switch_days(spans: Sequence[SourceSpan]) -> list[int]:
    """Epoch days on which a run of bars from another origin begins (runs after the first
    whose origin differs from the run before)."""
    days, previous = [], None
    for span in sorted(spans, key=lambda s: s.first_date):
        if previous is not None and span.origin != previous:
            days.append((span.first_date - EPOCH_DATE).days)
        previous = span.origin
    return days


def load_pair(db_path: Path, settings: Settings) -> CachedPair:
    """The settings' pair from the cache at `db_path`.

    Raises:
        UnknownInstrumentError: there is no cache yet, or one of the pair has no cached bars.
    """
    from app.cache import Cache

    if not db_path.exists():  # opening would create an empty cache the user never asked for
        raise UnknownInstrumentError(
            f"No cached data yet (no cache at {db_path}); fetch or import "
            f"{settings.leader} and {settings.follower} first."
        )
    keys = (settings.leader, settings.follower)
    with Cache.open(db_path) as cache:
        leader, follower = cache.load_bars(keys[0]), cache.load_bars(keys[1])
        return CachedPair(leader, follower, cache.recorded_sources(keys))


def analyse_cached(db_path: Path, settings: Settings) -> tuple[AnalysisResult, Sources]:
    """Load the pair and analyse it, refusing data that would leave a part empty.

    For the commands (`analyze`, `report`): a script must never mistake an empty column for a
    finding, so incomplete inputs raise AnalysisError (app.analysis.require_complete_inputs).
    Settings are read first, so a bad setting is reported before the cache is opened.
    """
    from app.analysis import require_complete_inputs

    inputs = RunInputs.of(settings)
    pair = load_pair(db_path, settings)
    require_complete_inputs(
        settings.leader, pair.leader, settings.follower, pair.follower, inputs.params
    )
    return analyse(settings, pair.leader, pair.follower, inputs, pair.sources), pair.sources
