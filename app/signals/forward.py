"""Follower returns after events, and the same return from every day (the base rate).

For an event on day d and a horizon of h calendar days:
- p0 = follower close on d, or the latest close before d;
- ph = follower close on d + h, or the latest close before it;
- return = ph / p0 - 1.
It is NaN when the follower has no close on or before d (its history starts later) or when
its history ends before d + h (last follower day < d + h): a window that is not over yet is
not a measurement. best/worst are the highest/lowest close within (d, d + h] as returns from
p0; NaN whenever the return itself is NaN (a partial window would flatter or hide a crash),
or when no bar falls inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.signals.common import index_on_or_before


@dataclass(frozen=True)
class ForwardReturns:
    """Per-event returns for one horizon (arrays aligned with the events)."""

    horizon: int
    fwd: np.ndarray
    best: np.ndarray
    worst: np.ndarray


def forward_returns(
    event_days: np.ndarray, days: np.ndarray, close: np.ndarray, horizon: int
) -> ForwardReturns:
    """Forward, best and worst returns of the follower after each event day (see module doc)."""
    event_days = np.asarray(event_days, dtype=np.int64)
    nan = np.full(event_days.size, np.nan)
    if days.size == 0 or event_days.size == 0:
        return ForwardReturns(horizon, nan, nan.copy(), nan.copy())
    start = index_on_or_before(days, event_days)
    end = index_on_or_before(days, event_days + horizon)
    valid = (start >= 0) & (event_days + horizon <= days[-1])
    p0 = np.where(valid, close[np.maximum(start, 0)], np.nan)
    fwd = np.where(valid, close[end] / p0 - 1.0, np.nan)
    # Window (d, d + h]: first bar strictly after d up to the bar at or before d + h.
    first = start + 1
    inside = valid & (end >= first)
    best, worst = nan.copy(), nan.copy()
    if inside.any():
        highs, lows = _window_extremes(close, first[inside], end[inside] + 1)
        best[inside] = highs / p0[inside] - 1.0
        worst[inside] = lows / p0[inside] - 1.0
    return ForwardReturns(horizon, fwd, best, worst)


def _window_extremes(
    values: np.ndarray, starts: np.ndarray, stops: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Max and min of values[start:stop] for each non-empty window, without a Python loop.

    `reduceat` over interleaved (start, stop) pairs reduces each window; the odd slots reduce
    the stretch between one window's stop and the next window's start and are discarded. With
    windows in date order that costs O(len(values) + total window length).
    """
    padded = np.append(values, np.nan)  # a stop may equal len(values)
    bounds = np.empty(starts.size * 2, dtype=np.intp)
    bounds[0::2], bounds[1::2] = starts, stops
    return (
        np.maximum.reduceat(padded, bounds)[0::2],
        np.minimum.reduceat(padded, bounds)[0::2],
    )


def base_rate_returns(days: np.ndarray, close: np.ndarray, horizon: int) -> np.ndarray:
    """The forward return from every follower bar whose horizon fits in the history.

    "Every day" means every day the follower has a bar, not every calendar day: an event's p0
    is a real close, so the base rate is built from real closes too, and a weekday market's
    Friday close is not counted three times (Friday, Saturday, Sunday starts).
    """
    starts, ends = base_windows(days, horizon)
    return close[ends] / close[starts] - 1.0


def base_windows(days: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end bar indexes of every base-rate window (see base_rate_returns)."""
    if days.size == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty.copy()
    starts = np.flatnonzero(days + horizon <= days[-1])
    return starts, index_on_or_before(days, days[starts] + horizon)


def days_to_next_record(event_days: np.ndarray, days: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Calendar days from each event until the follower's next all-time high (close).

    A record on the event day itself counts (0 days). The follower's first bar sets no record
    (it beats nothing), so an event before or on the day the follower's history starts has no
    answer (NaN), and so has an event after which no record has been set yet.
    """
    from app.signals.breakouts import record_mask

    event_days = np.asarray(event_days, dtype=np.int64)
    out = np.full(event_days.size, np.nan)
    if days.size == 0:
        return out
    record_days = days[record_mask(close)][1:]
    position = np.searchsorted(record_days, event_days, side="left")
    found = (position < record_days.size) & (event_days >= days[0])
    out[found] = record_days[position[found]] - event_days[found]
    return out


def rough_windows(
    event_days: np.ndarray,
    window_days: np.ndarray,
    days: np.ndarray,
    complete: np.ndarray,
    normal_week: int,
    new_origin: np.ndarray | None = None,
) -> np.ndarray:
    """1.0 where the follower's bars in an event's window are rough, 0.0 where clean, else NaN.

    The window of an event on day d is (d, d + window_days], priced from the bar on or before
    d through the bar on or before d + window_days (window_days NaN: no window, NaN result).
    It is rough when one of those bars lacks open, high, low or close (`complete` False), or
    when more than `normal_week` days pass without a bar: between two of its bars, from the
    first bar to d, or from the last bar to the window's end, or (`new_origin`: True on a bar
    whose origin differs from the bar before it) when its bars do not all come from one
    source. Prefix counts make it O(bars).
    """
    out = np.full(event_days.size, np.nan)
    measured = ~np.isnan(window_days)
    if days.size == 0 or not measured.any():
        return out
    d = np.asarray(event_days, dtype=np.int64)[measured]
    stop = d + window_days[measured].astype(np.int64)
    first, last = index_on_or_before(days, d), index_on_or_before(days, stop)
    incomplete = np.concatenate(([0], np.cumsum(~complete)))
    long_gaps = np.concatenate(([0, 0], np.cumsum(np.diff(days) > normal_week)))
    rough = incomplete[last + 1] - incomplete[first] > 0  # bars first..last
    rough |= long_gaps[last + 1] - long_gaps[first + 1] > 0  # gaps ending at first+1..last
    rough |= (d - days[first] > normal_week) | (stop - days[last] > normal_week)
    if new_origin is not None:  # a change of source at bars first+1..last
        switches = np.concatenate(([0], np.cumsum(new_origin)))
        rough |= switches[last + 1] - switches[first + 1] > 0
    out[measured] = rough.astype(float)
    return out
