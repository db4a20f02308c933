"""Hand-built ladders: a leader with regular breakouts, a follower that rallies after each one,
and a follower that ignores them."""

from __future__ import annotations

import numpy as np

from tests.app.helpers import make_bars

FIRST_DAY = 10_000  # 1997-05-19
CYCLE_DAYS = 500  # each breakout comes 500 days after the previous all-time high
CYCLES = 9
DAYS = CYCLE_DAYS * CYCLES + 200


def leader_closes() -> np.ndarray:
    """Flat within each cycle, one step up at each cycle's start: a breakout every 500 days."""
    cycle = np.arange(DAYS) // CYCLE_DAYS
    return 100.0 * 1.1**cycle


def breakout_offsets() -> list[int]:
    return [CYCLE_DAYS * k for k in range(1, DAYS // CYCLE_DAYS + 1)]


def rallying_closes() -> np.ndarray:
    """Flat, except a 30 % rise over the 60 days after each of the leader's breakouts."""
    steps = np.zeros(DAYS)
    for start in breakout_offsets():
        steps[start + 1 : start + 61] = np.log(1.3) / 60
    return 50.0 * np.exp(np.cumsum(steps))


def indifferent_closes() -> np.ndarray:
    """A 97-day wave: its 90-day returns after the breakouts are those of any day."""
    t = np.arange(DAYS)
    return 100.0 * (1.0 + 0.1 * np.sin(2 * np.pi * t / 97))


def ladder_frames() -> dict[str, object]:
    """Leader, rallying follower, indifferent follower, a rung without bars, a single bar."""
    return {
        "csv:leader": make_bars(FIRST_DAY, leader_closes()),
        "csv:rally": make_bars(FIRST_DAY, rallying_closes()),
        "csv:wave": make_bars(FIRST_DAY, indifferent_closes()),
        "csv:empty": make_bars(FIRST_DAY, []),
        "csv:single": make_bars(FIRST_DAY + 100, [42.0]),
    }
