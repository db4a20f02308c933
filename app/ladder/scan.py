"""One scan of the ladder: the rung table and the pair matrix, computed from cached bars.

The window runs it in a worker after each refresh; `scan` prints it; `report` draws it
(ladder.png). It reads the cache only, never the network.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import SettingsError
from app.ladder.pairs import (
    PairCell,
    leader_breakouts,
    ordered_pairs,
    pair_cell,
    pair_params,
    scan_horizons,
)
from app.ladder.rungs import RungState, rung_state

if TYPE_CHECKING:
    import pandas as pd

    from app.cache import InstrumentInfo
    from app.config import Settings


@dataclass(frozen=True)
class LadderScan:
    """Every rung's state and every scanned pair's event study at one horizon.

    Attributes:
        keys: the ladder, safest first (the rows of the table, the rows and columns of the
            matrix).
        horizon: the horizon of every cell (days).
        all_pairs: whether every ordered pair was scanned, or only leader above follower.
        rungs: one RungState per key, in ladder order.
        cells: one PairCell per scanned pair, leaders in ladder order, then followers.
        seed, bootstrap_draws: the bootstrap's seed and number of draws (reproducible).
        seconds: how long the scan took.
    """

    keys: tuple[str, ...]
    horizon: int
    all_pairs: bool
    rungs: tuple[RungState, ...]
    cells: tuple[PairCell, ...]
    seed: int
    bootstrap_draws: int
    seconds: float = 0.0

    def cell(self, leader: str, follower: str) -> PairCell | None:
        """The cell of one ordered pair, or None when it was not scanned."""
        for cell in self.cells:
            if cell.leader == leader and cell.follower == follower:
                return cell
        return None

    def rung(self, key: str) -> RungState | None:
        """The state of one rung, or None when it is not on this ladder."""
        return next((r for r in self.rungs if r.key == key), None)


def scan_ladder(
    frames: Mapping[str, pd.DataFrame],
    infos: Mapping[str, InstrumentInfo | None],
    settings: Settings,
    *,
    keys: Sequence[str] | None = None,
    horizon: int | None = None,
    all_pairs: bool = False,
    today: dt.date | None = None,
) -> LadderScan:
    """Rung states and the pair matrix of `keys` (default: the ladder setting).

    `frames` holds each rung's bars (empty for a rung without data), loaded once; each cell
    is the event study run_analysis computes for that pair (see app.ladder.pairs.pair_cell),
    so it is the verdict the pair's own analysis gives.

    Raises:
        SettingsError: the horizon is out of range, or one too many for the horizons setting.
    """
    from app.signals.common import beyond_float_range_is_missing

    with beyond_float_range_is_missing():  # as run_analysis: extreme prices give NaN, not errors
        return _scan(frames, infos, settings, keys, horizon, all_pairs, today)


def _scan(
    frames: Mapping[str, pd.DataFrame],
    infos: Mapping[str, InstrumentInfo | None],
    settings: Settings,
    keys: Sequence[str] | None,
    horizon: int | None,
    all_pairs: bool,
    today: dt.date | None,
) -> LadderScan:
    from app.pipeline import markets_of
    from app.signals.parts import Bars

    started = time.perf_counter()
    keys = tuple(keys if keys is not None else settings.ladder)
    horizon = _checked_horizon(settings, horizon)
    bars = {k: Bars.of(frames[k], k) for k in keys}
    rungs = tuple(rung_state(k, bars[k], infos.get(k), settings, today) for k in keys)
    cells, breakouts = [], {}
    for leader, follower in ordered_pairs(keys, all_pairs):
        params = pair_params(settings, leader, follower, horizon)
        if leader not in breakouts:  # the breakout settings are the same for every follower
            breakouts[leader] = leader_breakouts(bars[leader], params)
        names = markets_of(settings, leader, follower)
        cells.append(
            pair_cell((leader, follower), breakouts[leader], bars[follower], params, names)
        )
    return LadderScan(
        keys=keys,
        horizon=horizon,
        all_pairs=all_pairs,
        rungs=rungs,
        cells=tuple(cells),
        seed=settings.seed,
        bootstrap_draws=settings.bootstrap_draws,
        seconds=time.perf_counter() - started,
    )


def _checked_horizon(settings: Settings, horizon: int | None) -> int:
    from app.config import SETTING

    if horizon is None:
        return settings.headline_horizon
    SETTING["headline_horizon"].check(horizon, "horizon")
    horizons = scan_horizons(settings.horizons, horizon)
    from app.setting_lists import DayList

    kind = SETTING["horizons"].kind
    limit = kind.max_items if isinstance(kind, DayList) else len(horizons)
    if len(horizons) > limit:
        shown = ", ".join(str(h) for h in settings.horizons)
        raise SettingsError(
            "horizon", f"must be one of the horizons ({shown} days) when {limit} are set"
        )
    return horizon


def load_rungs(
    db_path: Path | str, keys: Sequence[str]
) -> tuple[dict[str, pd.DataFrame], dict[str, InstrumentInfo | None]]:
    """Each rung's bars (empty when it is not cached) and the cache's record of it, loaded once.

    Reads the cache only; a cache file that does not exist yet is not created.
    """
    from app.bars import empty_bars
    from app.cache import Cache

    frames = {k: empty_bars() for k in keys}
    infos: dict[str, InstrumentInfo | None] = dict.fromkeys(keys)
    if not Path(db_path).exists():
        return frames, infos
    with Cache.open(db_path) as cache:
        for key in keys:
            infos[key] = cache.instrument(key)
            if infos[key] is not None:
                frames[key] = cache.load_bars(key)
    return frames, infos


def scan_cache(
    db_path: Path | str,
    settings: Settings,
    *,
    keys: Sequence[str] | None = None,
    horizon: int | None = None,
    all_pairs: bool = False,
    today: dt.date | None = None,
) -> LadderScan:
    """`scan_ladder` on the cached bars of the ladder (the window's worker and `scan` call it)."""
    keys = tuple(keys if keys is not None else settings.ladder)
    frames, infos = load_rungs(db_path, keys)
    return scan_ladder(
        frames, infos, settings, keys=keys, horizon=horizon, all_pairs=all_pairs, today=today
    )
