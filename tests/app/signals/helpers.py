"""Small series for the signal tests: epoch days from ISO dates, and plain loop references."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)


def day(iso: str) -> int:
    """Epoch day of an ISO date."""
    return (dt.date.fromisoformat(iso) - EPOCH).days


def days(*isos: str) -> np.ndarray:
    return np.array([day(s) for s in isos], dtype=np.int64)


def iso(epoch_day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(epoch_day))).isoformat()


def loop_breakouts(days_: np.ndarray, values: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """(breakout index, prior record index) by the definition, one bar at a time."""
    found, last_record, high = [], None, -np.inf
    for i, value in enumerate(values):
        if value > high:
            if last_record is not None and days_[i] - days_[last_record] >= min_gap:
                found.append((i, last_record))
            high, last_record = value, i
    return found


def loop_forward(event_day: int, days_: np.ndarray, close: np.ndarray, h: int):
    """(fwd, best, worst) for one event by the definition, scanning every bar."""
    before = [i for i, d in enumerate(days_) if d <= event_day]
    if not before or days_[-1] < event_day + h:
        return np.nan, np.nan, np.nan
    p0 = close[before[-1]]
    ph = close[[i for i, d in enumerate(days_) if d <= event_day + h][-1]]
    window = [close[i] for i, d in enumerate(days_) if event_day < d <= event_day + h]
    if not window:
        return ph / p0 - 1, np.nan, np.nan
    return ph / p0 - 1, max(window) / p0 - 1, min(window) / p0 - 1


def loop_regimes(close: np.ndarray, bull: float, bear: float) -> list[tuple[int, int, str]]:
    """The Lunde–Timmermann state machine, one bar at a time (the reference for the fast scan)."""
    n = len(close)
    lo_i = hi_i = 0
    state = None
    for k in range(n):
        if close[k] < close[lo_i]:
            lo_i = k
        if close[k] > close[hi_i]:
            hi_i = k
        if close[k] >= (1 + bull) * close[lo_i]:
            state, anchor = "bull", lo_i
            break
        if close[k] <= (1 - bear) * close[hi_i]:
            state, anchor = "bear", hi_i
            break
    if state is None:
        return []
    other = {"bull": "bear", "bear": "bull"}
    phases = [(0, anchor, other[state])] if anchor > 0 else []
    extreme = k
    for j in range(k + 1, n):
        if state == "bull":
            if close[j] > close[extreme]:
                extreme = j
            elif close[j] <= (1 - bear) * close[extreme]:
                phases.append((anchor, extreme, "bull"))
                state, anchor, extreme = "bear", extreme, j
        else:
            if close[j] < close[extreme]:
                extreme = j
            elif close[j] >= (1 + bull) * close[extreme]:
                phases.append((anchor, extreme, "bear"))
                state, anchor, extreme = "bull", extreme, j
    phases.append((anchor, n - 1, state))
    return phases


def bars_on(epoch_days, closes, highs=None):
    """A bars frame on the given epoch days (open = close, high = highs or close)."""
    from app.bars import bars_from_arrays

    closes = np.asarray(closes, dtype=float)
    highs = closes if highs is None else np.asarray(highs, dtype=float)
    return bars_from_arrays(
        np.asarray(epoch_days, dtype=np.int64),
        {
            "open": closes,
            "high": highs,
            "low": np.minimum(closes, highs),
            "close": closes,
            "volume": np.zeros(closes.size),
        },
    )


def weekdays_from(first_iso: str, count: int) -> np.ndarray:
    """`count` Monday-to-Friday epoch days from the first such day on or after first_iso."""
    start = day(first_iso)
    span = np.arange(start, start + count * 2 + 7)
    weekday = (span + 3) % 7  # 1970-01-01 was a Thursday: Monday -> 0
    return span[weekday < 5][:count]


def random_walk(count: int, seed: int, vol: float = 0.01, start: float = 100.0) -> np.ndarray:
    steps = np.random.default_rng(seed).normal(0.0003, vol, count)
    return start * np.exp(np.cumsum(steps))
