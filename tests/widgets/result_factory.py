"""Synthetic, deterministic analysis results for widget tests (no files, no network).

`make_result()` builds a leader that rises, moves sideways below its high for over a year and
then breaks out, and a follower that trades every day across two halvings, and runs the real
`app.analysis.run_analysis` on them. Prices are known exactly (`leader_close_on`), so tests can
check that a readout shows real prices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.analysis import AnalysisParams, AnalysisResult, run_analysis
from app.bars import bars_from_arrays, epoch_days
from app.config import KeyDate

LEADER_KEY = "yahoo:^RUT"
FOLLOWER_KEY = "ccxt:bitstamp:BTC/USD"
START = "2012-01-02"
KEY_DATES = (
    KeyDate("2012-11-28", "1st Bitcoin halving", "halving"),
    KeyDate("2016-07-09", "2nd Bitcoin halving", "halving"),
    KeyDate("2016-01-15", "Test event", "event"),
)


def bars(days: pd.DatetimeIndex, closes: np.ndarray) -> pd.DataFrame:
    """A bars frame (close-only besides a high/low band) for the given dates and closes."""
    epoch = epoch_days(days)
    closes = np.asarray(closes, dtype=float)
    return bars_from_arrays(
        epoch,
        {
            "open": closes,
            "high": closes * 1.01,
            "low": closes * 0.99,
            "close": closes,
            "volume": np.full(closes.size, 1e6),
        },
    )


def leader_closes(n: int, seed: int = 7) -> np.ndarray:
    """Rise, a long sideways stretch below the high, then a breakout; small noise on top."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    third = n // 3
    trend = np.where(
        t < third,
        100 * 1.0012**t,
        np.where(t < 2 * third, 100 * 1.0012**third * (0.85 + 0.05 * np.sin(t / 40)), 0.0),
    )
    tail = 100 * 1.0012**third * 0.9 * 1.0016 ** (t - 2 * third)
    trend = np.where(t >= 2 * third, tail, trend)
    return trend * np.exp(rng.normal(0, 0.004, n))


def follower_closes(n: int, seed: int = 11) -> np.ndarray:
    """A volatile random walk with a strong drift (crypto-like), always positive."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0015, 0.035, n)
    return 5.0 * np.exp(np.cumsum(steps))


def synthetic_pair(
    leader_days: int = 1800, follower_days: int = 2500
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(leader, follower) bars: leader on weekdays only, follower every calendar day."""
    leader_index = pd.bdate_range(START, periods=leader_days)
    follower_index = pd.date_range(START, periods=follower_days, freq="D")
    return (
        bars(leader_index, leader_closes(leader_days)),
        bars(follower_index, follower_closes(follower_days)),
    )


def make_result(
    leader: pd.DataFrame | None = None,
    follower: pd.DataFrame | None = None,
    key_dates: tuple[KeyDate, ...] = KEY_DATES,
    **param_changes,
) -> AnalysisResult:
    """Run the real analysis on synthetic (or given) bars with fast test parameters."""
    if leader is None or follower is None:
        default_leader, default_follower = synthetic_pair()
        leader = default_leader if leader is None else leader
        follower = default_follower if follower is None else follower
    params = AnalysisParams(
        bootstrap_draws=200,
        follower_trades_every_day=True,
        leader_trades_every_day=False,
        **param_changes,
    )
    return run_analysis(LEADER_KEY, leader, FOLLOWER_KEY, follower, params, key_dates)


def close_on(frame: pd.DataFrame, date: str | pd.Timestamp) -> float:
    """The close on `date` or, if none, the last close before it."""
    return float(frame["close"].loc[: pd.Timestamp(date)].iloc[-1])
