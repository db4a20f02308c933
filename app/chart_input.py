"""What the linked charts draw from an analysis, as plain numpy arrays and strings (no pandas).

The chart stack draws a ChartInput, never the AnalysisResult itself. So the same drawing can
come from a fresh analysis (`chart_input`, in the worker that has pandas) or from the copy kept
on disk with the data and settings it was made from (app.chart_snapshot), which the window
draws at start-up before pandas is even imported. X values are chart X: seconds since
1970-01-01 UTC at midnight of each date (as app.bars' epoch days × EPOCH_DAY_SECONDS).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from app.bars import EPOCH_DAY_SECONDS, epoch_date

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.signals.verdicts import Markets


def _empty() -> np.ndarray:
    return np.empty(0)


@dataclass(frozen=True)
class XY:
    """A dated series: chart X and values, finite values only, oldest first."""

    xs: np.ndarray = field(default_factory=_empty)
    ys: np.ndarray = field(default_factory=_empty)

    @property
    def size(self) -> int:
        return int(self.xs.size)


@dataclass(frozen=True)
class Breakouts:
    """The leader's breakouts in the analysis' row order, one array entry per breakout.

    `returns[row, i]` is the follower's return `horizons[i]` days after breakout `row` (NaN
    where it was not measured).
    """

    xs: np.ndarray = field(default_factory=_empty)
    prior_ath_xs: np.ndarray = field(default_factory=_empty)
    level: np.ndarray = field(default_factory=_empty)
    pct_above: np.ndarray = field(default_factory=_empty)
    gap_days: np.ndarray = field(default_factory=_empty)
    returns: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def __len__(self) -> int:
        return int(self.xs.size)

    def row_at(self, x: float) -> int | None:
        """The row of the breakout dated at chart X (midnight), or None."""
        matches = np.flatnonzero(np.round(self.xs) == round(x))
        return int(matches[0]) if matches.size else None


@dataclass(frozen=True)
class KeyDateMark:
    """A halving or event line: chart X, its label and kind ("halving" or "event")."""

    x: float
    label: str
    kind: str


@dataclass(frozen=True)
class ChartInput:
    """Everything the four linked panes draw for one leader/follower analysis.

    `key` names the bars and settings the drawing was made from (app.chart_snapshot), "" when
    nobody asked; two inputs with the same non-empty key draw the same charts. `quick` names
    them too, from the cache's summary of the bars (read without loading them), for finding
    the kept drawing at start-up; only `key` says that two drawings are the same.
    """

    leader_key: str
    follower_key: str
    horizons: tuple[int, ...] = ()
    corr_window: int = 0
    vol_window: int = 0
    leader: XY = field(default_factory=XY)
    leader_ath: XY = field(default_factory=XY)
    follower: XY = field(default_factory=XY)
    bull_starts: np.ndarray = field(default_factory=_empty)
    bull_ends: np.ndarray = field(default_factory=_empty)
    correlation: XY = field(default_factory=XY)
    leader_vol: XY = field(default_factory=XY)
    follower_vol: XY = field(default_factory=XY)
    breakouts: Breakouts = field(default_factory=Breakouts)
    key_dates: tuple[KeyDateMark, ...] = ()
    key_dates_on: str = "follower"  # the pane of the pair's Bitcoin market ("leader" too)
    markets: Markets | None = None  # the analysis' names for the two (AnalysisResult.markets)
    key: str = ""
    quick: str = ""

    def x_bounds(self) -> tuple[float, float] | None:
        """The first and last date of either market, as chart X."""
        ends = [(s.xs[0], s.xs[-1]) for s in (self.leader, self.follower) if s.size]
        if not ends:
            return None
        return float(min(e[0] for e in ends)), float(max(e[1] for e in ends))

    def missing(self) -> tuple[str, ...]:
        """The keys of the pair that have no bars in this drawing."""
        pairs = ((self.leader_key, self.leader), (self.follower_key, self.follower))
        return tuple(key for key, series in pairs if not series.size)

    def last_days(self) -> dict[str, dt.date | None]:
        """Each market's newest date, by key (None: no bars), for the data's age."""
        pairs = ((self.leader_key, self.leader), (self.follower_key, self.follower))
        return {
            key: epoch_date(series.xs[-1] // EPOCH_DAY_SECONDS) if series.size else None
            for key, series in pairs
        }

    def both_markets_bounds(self) -> tuple[float, float] | None:
        """The dates of View › "Start where both markets have data": from the first date on
        which both have data to the newest bar of either (a staler market must not hide the
        other's latest days), or None if their histories never meet."""
        if not (self.leader.size and self.follower.size):
            return None
        first = float(max(self.leader.xs[0], self.follower.xs[0]))
        last = float(max(self.leader.xs[-1], self.follower.xs[-1]))
        shared = first <= min(self.leader.xs[-1], self.follower.xs[-1])
        return (first, last) if shared and first < last else None


def chart_input(result: AnalysisResult, key: str = "", quick: str = "") -> ChartInput:
    """The drawing of an analysis result (needs pandas: it reads the result's frames)."""
    breakouts = result.breakouts
    regimes = result.follower_regimes
    bulls = regimes.loc[regimes["kind"] == "bull"] if len(regimes) else regimes
    return ChartInput(
        leader_key=result.leader_key,
        follower_key=result.follower_key,
        horizons=tuple(int(h) for h in result.params.horizons),
        corr_window=int(result.params.corr_window),
        vol_window=int(result.params.vol_window),
        leader=close_xy(result.leader),
        leader_ath=series_xy(result.leader_ath),
        follower=close_xy(result.follower),
        bull_starts=column_seconds(bulls["start"]) if len(bulls) else _empty(),
        bull_ends=column_seconds(bulls["end"]) if len(bulls) else _empty(),
        correlation=series_xy(result.correlation),
        leader_vol=series_xy(result.leader_vol),
        follower_vol=series_xy(result.follower_vol),
        breakouts=_breakouts(breakouts, result.params.horizons) if len(breakouts) else Breakouts(),
        key_dates=tuple(
            KeyDateMark(date_x(kd.date), kd.label, kd.kind)
            for kd in sorted(result.key_dates, key=lambda kd: kd.date)
        ),
        key_dates_on=result.halving_market or "follower",  # none drawn when neither is
        markets=result.markets,
        key=key,
        quick=quick,
    )


def pair_names(drawn: AnalysisResult | ChartInput) -> tuple[str, str]:
    """The leader's and the follower's names in words, as charts, captions and tables give
    them: the analysis' own (with the user's labels from the settings), else the known ones."""
    if drawn.markets is not None:
        return drawn.markets.leader, drawn.markets.follower
    from app.instruments import market_name

    return market_name(drawn.leader_key), market_name(drawn.follower_key)


def cycles_market(result: AnalysisResult) -> tuple[str, pd.DataFrame | None]:
    """The name and the bars of the market whose halving cycles the result has (the pair's
    Bitcoin market, AnalysisResult.halving_market); ("", None) when neither market is."""
    leader, follower = pair_names(result)
    if result.halving_market == "leader":
        return leader, result.leader
    if result.halving_market == "follower":
        return follower, result.follower
    return "", None


def _breakouts(frame: pd.DataFrame, horizons: tuple[int, ...]) -> Breakouts:
    def floats(column: str) -> np.ndarray:
        return frame[column].to_numpy(dtype=np.float64, na_value=np.nan)

    returns = [
        floats(f"fwd_{h}d") if f"fwd_{h}d" in frame else np.full(len(frame), np.nan)
        for h in horizons
    ]
    return Breakouts(
        xs=column_seconds(frame["date"]),
        prior_ath_xs=column_seconds(frame["prior_ath_date"]),
        level=floats("level"),
        pct_above=floats("pct_above"),
        gap_days=floats("gap_days"),
        returns=np.column_stack(returns) if returns else np.empty((len(frame), 0)),
    )


def index_seconds(index: pd.DatetimeIndex) -> np.ndarray:
    """Chart X (float seconds) for a tz-naive date index of any datetime unit."""
    return index.as_unit("s").asi8.astype(np.float64)


def column_seconds(column: pd.Series) -> np.ndarray:
    """Chart X of a column of dates (whatever its datetime unit)."""
    import pandas as pd

    return index_seconds(pd.DatetimeIndex(pd.to_datetime(column)))


def series_xy(series: pd.Series | None) -> XY:
    """A date-indexed series as XY: finite values only, sorted by date."""
    if series is None or len(series) == 0:
        return XY()
    y = series.to_numpy(dtype=np.float64, na_value=np.nan)
    x = index_seconds(series.index)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size > 1 and np.any(np.diff(x) < 0):
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    return XY(x, y)


def close_xy(bars: pd.DataFrame | None) -> XY:
    """A bars frame's close column as XY."""
    if bars is None or len(bars) == 0 or "close" not in bars:
        return XY()
    return series_xy(bars["close"])


def date_x(date: str) -> float:
    """Chart X of a YYYY-MM-DD date (midnight UTC)."""
    day = dt.date.fromisoformat(date[:10])
    return float((day - dt.date(1970, 1, 1)).days * EPOCH_DAY_SECONDS)
