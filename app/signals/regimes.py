"""Bull and bear phases by the Lunde–Timmermann rule.

A bull phase runs from a trough until the close falls `bear` (e.g. 20 %) below the highest
close since that trough; the highest close is the peak that ends it. A bear phase runs from a
peak until the close rises `bull` above the lowest close since that peak; the lowest close is
the trough that ends it. Ties pick the first bar with the extreme close.

Ends of the history:
- Before the first confirmed move the state is unknown. Whichever threshold is crossed first
  (a rise of `bull` above the running low, or a fall of `bear` below the running high) dates
  the first turning point; the stretch from the first bar to it gets the opposite kind. Its
  start is the start of the data, not a dated turning point. A history that never moves by
  either threshold has no phases at all.
- The last phase is still running: it ends on the last bar, which is not a turning point.
Phases share their boundary bars (a bull ends on the peak where the next bear starts).

The scan jumps from turning point to turning point with vectorised running maxima/minima over
windows that double until the next confirmation is found: O(bars) in all, with a Python loop
over phases only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.errors import AnalysisError
from app.signals.common import as_dates

if TYPE_CHECKING:
    import pandas as pd

REGIME_COLUMNS = ("start", "end", "kind", "return")
_FIRST_WINDOW = 256


@dataclass(frozen=True)
class RegimeRule:
    """How bull and bear phases of one instrument are dated."""

    bull: float = 0.20
    bear: float = 0.20
    censor_days: int = 180
    min_cycle_days: int = 480
    min_phase_days: int = 120
    min_phase_move: float = 0.20


def _check_threshold(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0 < value < 1):
        raise AnalysisError(f"{name} regime threshold must be between 0 and 1 (got {value!r})")


def regime_phases(close: np.ndarray, bull: float, bear: float) -> list[tuple[int, int, str]]:
    """Phases as (start index, end index, kind), oldest first (see module doc)."""
    _check_threshold("bull", bull)
    _check_threshold("bear", bear)
    close = np.asarray(close, dtype=float)
    first = _first_turn(close, bull, bear)
    if first is None:
        return []
    kind, anchor, confirmed = first
    phases: list[tuple[int, int, str]] = []
    if anchor > 0:
        phases.append((0, anchor, _other(kind)))
    while True:
        threshold = bear if kind == "bull" else bull
        turn = _next_turn(close, anchor, confirmed, kind == "bull", threshold)
        if turn is None:
            phases.append((anchor, close.size - 1, kind))
            return phases
        phases.append((anchor, turn[0], kind))
        kind, anchor, confirmed = _other(kind), turn[0], turn[1]


def _other(kind: str) -> str:
    return "bear" if kind == "bull" else "bull"


def _first_turn(close: np.ndarray, bull: float, bear: float) -> tuple[str, int, int] | None:
    """(kind that starts, its turning point, the bar that confirmed it) or None."""
    width = _FIRST_WINDOW
    while True:
        segment = close[:width]
        rise = np.flatnonzero(segment >= (1 + bull) * np.minimum.accumulate(segment))
        fall = np.flatnonzero(segment <= (1 - bear) * np.maximum.accumulate(segment))
        if rise.size or fall.size:
            rise_at = rise[0] if rise.size else close.size
            fall_at = fall[0] if fall.size else close.size
            if rise_at <= fall_at:
                return "bull", int(np.argmin(segment[: rise_at + 1])), int(rise_at)
            return "bear", int(np.argmax(segment[: fall_at + 1])), int(fall_at)
        if width >= close.size:
            return None
        width *= 2


def _next_turn(
    close: np.ndarray, anchor: int, confirm_from: int, falling: bool, threshold: float
) -> tuple[int, int] | None:
    """The extreme that ends the phase begun at `anchor`, and the bar that confirms it.

    Only bars from `confirm_from` on (the bar that confirmed the current phase) can confirm
    its end; the extreme is taken over anchor..confirmation.
    """
    width = _FIRST_WINDOW
    while True:
        stop = min(close.size, max(confirm_from + 1, anchor + width))
        segment = close[anchor:stop]
        if falling:
            hit = segment <= (1 - threshold) * np.maximum.accumulate(segment)
        else:
            hit = segment >= (1 + threshold) * np.minimum.accumulate(segment)
        hit[: confirm_from - anchor] = False
        found = np.flatnonzero(hit)
        if found.size:
            upto = segment[: found[0] + 1]
            extreme = np.argmax(upto) if falling else np.argmin(upto)
            return anchor + int(extreme), anchor + int(found[0])
        if stop >= close.size:
            return None
        width *= 2


def regime_frame(
    days: np.ndarray, close: np.ndarray, phases: list[tuple[int, int, str]]
) -> pd.DataFrame:
    """Phases (from regime_phases) as a frame: start, end, kind ("bull"/"bear"), return."""
    import pandas as pd

    starts = np.array([p[0] for p in phases], dtype=np.intp)
    ends = np.array([p[1] for p in phases], dtype=np.intp)
    return pd.DataFrame(
        {
            "start": as_dates(np.asarray(days)[starts]),
            "end": as_dates(np.asarray(days)[ends]),
            "kind": pd.Series([p[2] for p in phases], dtype=object),
            "return": close[ends] / close[starts] - 1.0 if phases else np.empty(0),
        },
        columns=list(REGIME_COLUMNS),
    )


def bull_start_days(days: np.ndarray, phases: list[tuple[int, int, str]]) -> np.ndarray:
    """Days on which a bull phase began at a dated trough (not the first bar of the data)."""
    starts = [days[s] for s, _, kind in phases if kind == "bull" and s > 0]
    return np.asarray(starts, dtype=np.int64)


def bull_near(
    event_days: np.ndarray,
    bull_starts: np.ndarray,
    first_day: int | None,
    last_day: int | None,
    window: int,
) -> np.ndarray:
    """1.0 if a bull phase began within ±window days of each event, 0.0 if not, NaN if unknown.

    Unknown: the follower's history does not cover the whole window and no bull start was
    found in the part it covers (one may lie outside the data, or may still come).
    """
    event_days = np.asarray(event_days, dtype=np.int64)
    out = np.full(event_days.size, np.nan)
    if first_day is None or last_day is None or event_days.size == 0:
        return out
    position = np.searchsorted(bull_starts, event_days - window, side="left")
    padded = np.append(bull_starts, np.iinfo(np.int64).max)
    found = padded[position] <= event_days + window
    covered = (event_days - window >= first_day) & (event_days + window <= last_day)
    out[covered] = 0.0
    out[found] = 1.0
    return out
