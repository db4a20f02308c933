"""Synthetic histories shaped like the real ones, for layout tests (no files, no network).

The layout defects of the charts show on real proportions: a leader that starts decades before
the follower (^RUT in 1987, ^GSPC in 1927, Bitcoin in 2010), a follower that rises six decades
from cents to six figures, and the real key dates (halvings, the ETF approval) bunched at the
right end of a century. These builders make such results deterministically and run the real
analysis on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.key_dates import load_key_dates
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, bars, make_result

END = "2026-02-20"


def index_walk(start: str, first: float, last: float, seed: int) -> pd.DataFrame:
    """Weekday closes from `first` to `last`: a six-year swing on a trend, so the index sets a
    new all-time high after a year or more below the old one every few years."""
    days = pd.bdate_range(start, END)
    rng = np.random.default_rng(seed)
    t = np.arange(days.size, dtype=float)
    trend = np.log(first) + np.log(last / first) * t / t[-1]
    swing = 0.25 * np.sin(2 * np.pi * t / (252 * 6))
    noise = np.cumsum(rng.normal(0, 0.006, days.size))
    noise -= np.linspace(0, noise[-1], days.size)  # end exactly on the trend
    return bars(days, np.exp(trend + swing - swing[-1] + noise))


def bitcoin_like(start: str = "2010-08-18") -> pd.DataFrame:
    """Daily closes from about $0.06 to about $100,000, bull and bear phases included."""
    days = pd.date_range(start, END, freq="D")
    rng = np.random.default_rng(5)
    t = np.arange(days.size, dtype=float)
    trend = np.log(0.06) + np.log(100_000 / 0.06) * (t / t[-1]) ** 0.55
    cycles = 0.8 * np.sin(2 * np.pi * t / 1461.0)
    return bars(days, np.exp(trend + cycles + np.cumsum(rng.normal(0, 0.02, days.size)) * 0.3))


def long_result(leader_start: str = "1987-09-10", **param_changes):
    """^RUT-like leader since 1987 and Bitcoin-like follower since 2010, real key dates."""
    leader = index_walk(leader_start, 120.0, 2_400.0, seed=3)
    return make_result(leader, bitcoin_like(), load_key_dates(), **param_changes)


def gspc_like_result():
    """An S&P-500-like leader since 1927 (the key dates squeezed into the last 15%)."""
    leader = index_walk("1927-12-30", 17.0, 6_900.0, seed=8)
    return make_result(leader, bitcoin_like(), load_key_dates())


__all__ = ["FOLLOWER_KEY", "LEADER_KEY", "bitcoin_like", "gspc_like_result", "long_result"]
