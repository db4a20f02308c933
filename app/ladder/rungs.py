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
