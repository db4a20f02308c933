"""Where each rung of the ladder stands on its last bar: one `RungState` per market.

The numbers are the ones the single-pair analysis shows for its leader and follower (the same
functions compute them): the all-time high of the breakout basis, the bull/bear phases of the
instrument's own regime rule, the latest breakout after the minimum consolidation, and the
rolling volatility with its percentile in the instrument's own history. A rung without bars
is still a row (with its freshness: why it has none), never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.bars import epoch_date
from app.instruments import market_name, parse_key

if TYPE_CHECKING:
    from app.cache import InstrumentInfo
    from app.config import Settings
    from app.signals.parts import Bars


@dataclass(frozen=True)
class RungState:
    """One market of the ladder on its last cached bar.

    Missing values are None (dates, day counts) or NaN (prices, returns, volatility): a rung
    with no bars has only its key, name and freshness; a rung with one bar has its close and
    is at its (first) all-time high, with no regime, breakout or volatility.

    Attributes:
        key: the instrument key (canonical spelling).
        name: the market's name for people (app.instruments.market_name, with the user's label).
        bars: number of cached bars.
        first_date, last_date: the first and last cached trading dates.
        last_close: the close of the last bar.
        at_ath: the last bar set an all-time high of the breakout basis (strictly above all).
        last_ath_date: the date of the latest all-time high.
        days_since_ath: calendar days from the latest all-time high to the last bar.
        drawdown: last close / all-time high - 1 (<= 0; NaN without bars).
        regime: "bull" or "bear" (the phase still running), "" when none can be dated.
        regime_since: the turning point that started it (None when it starts with the data).
        regime_return: the return from the start of the running phase to the last close.
        last_breakout: the date of the latest breakout (None when there is none).
        breakout_age_days: calendar days from the latest breakout to the last bar.
        volatility: the latest rolling annualised volatility (the `vol_window` setting).
        volatility_pct: its percentile (0..1) in the instrument's own history.
        stale: the last bar is older than the `stale_after_days` setting (or there is none).
        last_error: the last failed fetch's message ("" when the last fetch went well).
        last_error_kind: that error's kind (app.errors, e.g. "offline"), "" when none.
    """

    key: str
    name: str
    bars: int = 0
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    last_close: float = float("nan")
    at_ath: bool = False
    last_ath_date: dt.date | None = None
    days_since_ath: int | None = None
    drawdown: float = float("nan")
    regime: str = ""
    regime_since: dt.date | None = None
    regime_return: float = float("nan")
    last_breakout: dt.date | None = None
    breakout_age_days: int | None = None
    volatility: float = float("nan")
    volatility_pct: float = float("nan")
    stale: bool = True
    last_error: str = ""
    last_error_kind: str = ""

    @property
    def has_data(self) -> bool:
        """Whether the rung has any cached bar."""
        return self.bars > 0


def rung_state(
    key: str,
    rung: Bars,
    info: InstrumentInfo | None,
    settings: Settings,
    today: dt.date | None = None,
) -> RungState:
    """The state of one rung from its bars (app.signals.parts.Bars) and the cache's record.

    Computed by the analysis's own parts (app.signals.parts, breakouts, state) on the rung's
    bars with its own regime rule, so a rung reads the same here as in the pair's charts.
    """
    name = market_name(key, settings.instrument(key).label)
    freshness = _freshness(info, settings.stale_after_days, today)
    if rung.days.size == 0:
        return RungState(key=key, name=name, **freshness)
    return RungState(
        key=key,
        name=name,
        bars=int(rung.days.size),
        first_date=epoch_date(int(rung.days[0])),
        last_date=epoch_date(int(rung.days[-1])),
        **_ath_fields(rung, settings),
        **running_regime(key, rung, settings),
        **_volatility_fields(key, rung, settings),
        **freshness,
    )


def _ath_fields(rung: Bars, settings: Settings) -> dict[str, Any]:
    """Close, all-time high and the latest breakout, by the breakout settings."""
    from app.signals.breakouts import basis_values, breakout_arrays
    from app.signals.state import leader_state

    values = basis_values(rung.close, rung.high, settings.basis)
    state = leader_state(rung.days, values, rung.close)
    current, _ = breakout_arrays(rung.days, values, settings.min_gap_days)
    last_day = int(rung.days[-1])
    breakout = int(rung.days[current[-1]]) if current.size else None
    return {
        "last_close": state.last_close,
        "at_ath": state.at_ath,
        "last_ath_date": state.last_ath_date.date() if state.last_ath_date is not None else None,
        "days_since_ath": state.days_since_ath,
        "drawdown": state.drawdown,
        "last_breakout": epoch_date(breakout) if breakout is not None else None,
        "breakout_age_days": last_day - breakout if breakout is not None else None,
    }


def running_regime(key: str, rung: Bars, settings: Settings) -> dict[str, Any]:
    """The running bull/bear phase by the rung's own rule (as the analysis dates it): the
    RungState fields regime, regime_since and regime_return, or {} when none is dated."""
    import dataclasses

    from app.analysis import AnalysisParams
    from app.signals.breakouts import find_breakouts
    from app.signals.parts import regimes_part

    params = AnalysisParams.from_settings(dataclasses.replace(settings, leader=key))
    no_events = find_breakouts(rung.days[:0], rung.close[:0], settings.min_gap_days)
    phases = regimes_part(rung, rung, no_events, params, (key, key)).value.leader
    if phases.empty:
        return {}
    start_day = int(phases["start"].to_numpy(dtype="datetime64[D]").astype(np.int64)[-1])
    start = int(rung.days.searchsorted(start_day))
    return {
        "regime": str(phases["kind"].iloc[-1]),
        # A phase that starts on the first bar began before the data: no date to give.
        "regime_since": epoch_date(start_day) if start > 0 else None,
        "regime_return": float(rung.close[-1] / rung.close[start] - 1.0),
    }


def _volatility_fields(key: str, rung: Bars, settings: Settings) -> dict[str, Any]:
    from app.signals.parts import volatility_part

    every_day = parse_key(key).trades_every_day
    vol, pct = volatility_part(rung, settings.vol_window, every_day, key).value
    if vol.empty:
        return {}
    return {"volatility": float(vol.iloc[-1]), "volatility_pct": pct}


def _freshness(
    info: InstrumentInfo | None, stale_after_days: int, today: dt.date | None
) -> dict[str, Any]:
    if info is None:
        return {"stale": True}
    return {
        "stale": info.is_stale(stale_after_days, today),
        "last_error": info.last_error,
        "last_error_kind": info.last_error_kind,
    }
