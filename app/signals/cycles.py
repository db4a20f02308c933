"""Halving cycles: how the follower did from each Bitcoin halving to the next.

A cycle starts on a halving date and runs until the day before the next halving, or to the
last bar for the current (newest) cycle. Per cycle:
- halving_price: close on the halving date or the latest before it (no cycle without one);
- peak_close / peak_date: the highest close within the cycle (first bar on ties);
- multiple: peak_close / halving_price; days_to_peak: calendar days from the halving;
- multiple_at_current_day: close on or before (halving + D) / halving_price, where D is the
  number of days the current cycle has run (last bar − newest halving): "where was this
  cycle at the same age as today's?". Every earlier cycle has reached that age.
Halvings after the last bar are ignored (the next_halving_date of the current cycle still
shows a known future halving). Aligned curves map days since the halving to
close / halving_price, for every bar of the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.signals.common import as_dates, index_on_or_before

if TYPE_CHECKING:
    import pandas as pd

CYCLE_COLUMNS = (
    "halving_date",
    "next_halving_date",
    "halving_price",
    "peak_date",
    "peak_close",
    "multiple",
    "days_to_peak",
    "multiple_at_current_day",
)
_NUMBER_COLUMNS = (
    "halving_price",
    "peak_close",
    "multiple",
    "days_to_peak",
    "multiple_at_current_day",
)


@dataclass(frozen=True)
class Cycles:
    """The cycle table, the aligned curves and which curve is the current cycle."""

    table: pd.DataFrame
    curves: dict[str, pd.Series]
    current: str | None


def halving_cycles(days: np.ndarray, close: np.ndarray, halving_days: np.ndarray) -> Cycles:
    """Cycle table and aligned curves from sorted halving epoch days (see module doc)."""

    halvings = np.unique(np.asarray(halving_days, dtype=np.int64))
    rows: list[dict[str, object]] = []
    curves: dict[str, pd.Series] = {}
    usable = _usable_halvings(days, halvings)
    if usable.size == 0:
        return Cycles(_cycle_table(rows), curves, None)
    age = int(days[-1] - halvings[usable[-1]])
    for position in usable:
        start = int(halvings[position])
        stop = int(halvings[position + 1]) if position + 1 < halvings.size else None
        row, curve = _one_cycle(days, close, start, stop, age)
        rows.append(row)
        curves[str(as_dates(np.array([start]))[0])[:10]] = curve
    current = next(reversed(curves))
    return Cycles(_cycle_table(rows), curves, current)


def _usable_halvings(days: np.ndarray, halvings: np.ndarray) -> np.ndarray:
    """Positions of halvings that have a price on or before them and are not in the future."""
    if days.size == 0 or halvings.size == 0:
        return np.empty(0, dtype=np.intp)
    has_price = index_on_or_before(days, halvings) >= 0
    return np.flatnonzero(has_price & (halvings <= days[-1]))


def _one_cycle(
    days: np.ndarray, close: np.ndarray, start: int, stop: int | None, age: int
) -> tuple[dict[str, object], pd.Series]:
    import pandas as pd

    price = float(close[index_on_or_before(days, np.array([start]))[0]])
    first = int(np.searchsorted(days, start, side="left"))
    last = int(np.searchsorted(days, stop, side="left")) if stop is not None else days.size
    inside = close[first:last]
    row: dict[str, object] = {
        "halving_date": as_dates(np.array([start]))[0],
        "next_halving_date": as_dates(np.array([stop]))[0] if stop is not None else None,
        "halving_price": price,
        "peak_date": None,
        "peak_close": np.nan,
        "multiple": np.nan,
        "days_to_peak": np.nan,
        "multiple_at_current_day": np.nan,  # set below
    }
    if inside.size:
        peak = first + int(np.argmax(inside))
        row.update(
            peak_date=as_dates(days[peak : peak + 1])[0],
            peak_close=float(close[peak]),
            multiple=float(close[peak]) / price,
            days_to_peak=float(days[peak] - start),
        )
    # start + age <= the last day for every cycle, since no cycle starts after the newest.
    at_age = index_on_or_before(days, np.array([start + age]))[0]
    row["multiple_at_current_day"] = float(close[at_age]) / price
    curve = pd.Series(
        close[first:last] / price,
        index=pd.Index(days[first:last] - start, name="days_since_halving"),
    )
    return row, curve


def _cycle_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(CYCLE_COLUMNS))
    for column in ("halving_date", "next_halving_date", "peak_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    for column in _NUMBER_COLUMNS:
        frame[column] = frame[column].astype(float)
    return frame
