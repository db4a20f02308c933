"""Bull and bear phases: the Lunde–Timmermann rule for candidate turning points, then censoring.

`phases_of` is what the analysis uses: the threshold rule below proposes turning points and
app.signals.censoring keeps those that make phases of a meaningful length and size (rules and
their settings there). `regime_at` reads the phase a market was in on given days.

The threshold rule (`regime_phases`):

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

Dated phases: the first phase starts on the first bar, before which its real start lies, so
only the phases after it start on a dated turning point. A day belongs to the phase that
ends on or after it and starts before it (a peak day is the last day of its bull phase).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.errors import AnalysisError
from app.signals.common import as_dates

if TYPE_CHECKING:
    import pandas as pd

REGIME_COLUMNS = ("start", "end", "kind", "return")
_FIRST_WINDOW = 256


def _default_of(param: str) -> Any:
    """The default of the per-instrument setting that feeds `param` (app.config's table)."""
    from app.config import INSTRUMENT_SETTINGS

    return next(row.default for row in INSTRUMENT_SETTINGS if (row.param or row.name) == param)


@dataclass(frozen=True)
class RegimeRule:
    """How bull and bear phases of one instrument are dated."""

    # Names and types only: each default (and range, label, help) is the settings table's
    # (app.config.InstrumentSettings; Bitcoin markets get their own defaults there).
    bull: float = _default_of("bull")
    bear: float = _default_of("bear")
    censor_days: int = _default_of("censor_days")
    min_cycle_days: int = _default_of("min_cycle_days")
    min_phase_days: int = _default_of("min_phase_days")
    min_phase_move: float = _default_of("min_phase_move")


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


def phases_of(days: np.ndarray, close: np.ndarray, rule: RegimeRule) -> list[tuple[int, int, str]]:
    """The censored phases of one instrument (candidates by the threshold rule, censored)."""
    from app.signals.censoring import censor_phases

    return censor_phases(days, close, regime_phases(close, rule.bull, rule.bear), rule)


REGIME_AT_COLUMNS = (
    "regime",
    "regime_start",
    "regime_days",
    "regime_return",
    "regime_days_left",
    "regime_running",
)


def regime_at(
    event_days: np.ndarray, days: np.ndarray, close: np.ndarray, phases: list[tuple[int, int, str]]
) -> pd.DataFrame:
    """The dated phase each event day falls in (columns REGIME_AT_COLUMNS, one row per event).

    regime "bull"/"bear" ("" when unknown: before the first bar, after the last bar, or in the
    first phase, whose start is not dated); regime_start the turning point's day; regime_days
    the calendar days from it to the event; regime_return the close on the event day (the last
    bar on or before it) over the close at the turning point, minus 1; regime_days_left the
    calendar days from the event to the phase's end (NaN while it is still running, and when
    unknown); regime_running whether the event falls in the last phase, still running.
    """
    import pandas as pd

    event_days = np.asarray(event_days, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    columns = _unknown_regimes(event_days.size)
    dated = phases[1:] if days.size else []
    if dated:
        first_bar = np.array([s for s, _, _ in dated], dtype=np.intp)
        start_day, end_day = days[first_bar], days[np.array([e for _, e, _ in dated])]
        phase = np.searchsorted(start_day, event_days, side="left") - 1
        known = (phase >= 0) & (event_days <= days[-1])
        k, on = phase[known], event_days[known]
        running = k == len(dated) - 1
        columns["regime"][known] = np.array([kind for _, _, kind in dated], dtype=object)[k]
        columns["regime_start"][known] = as_dates(start_day[k])
        columns["regime_days"][known] = on - start_day[k]
        bar = np.searchsorted(days, on, side="right") - 1
        columns["regime_return"][known] = close[bar] / close[first_bar[k]] - 1
        columns["regime_days_left"][known] = np.where(running, np.nan, end_day[k] - on)
        columns["regime_running"][known] = running
    return pd.DataFrame(columns, columns=list(REGIME_AT_COLUMNS))


def _unknown_regimes(count: int) -> dict[str, np.ndarray]:
    return {
        "regime": np.full(count, "", dtype=object),
        "regime_start": np.full(count, np.datetime64("NaT"), dtype="datetime64[s]"),
        "regime_days": np.full(count, np.nan),
        "regime_return": np.full(count, np.nan),
        "regime_days_left": np.full(count, np.nan),
        "regime_running": np.zeros(count, dtype=bool),
    }


def bull_share(phases: list[tuple[int, int, str]]) -> float:
    """Share of the bars in dated phases that are bull days (NaN with no dated phase).

    The base rate of `regime_at(...)["regime"] == "bull"`: a bar counts in the phase that
    ends on or after it and starts before it, as there; the first, undated phase is left out.
    """
    dated = phases[1:]
    total = sum(end - start for start, end, _ in dated)
    if total == 0:
        return float("nan")
    return sum(end - start for start, end, kind in dated if kind == "bull") / total
