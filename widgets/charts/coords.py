"""Plain conversions between the analysis frames and chart coordinates (no Qt here).

Chart X is seconds since 1970-01-01 UTC: bars are stamped at midnight of their trading date and
the date axis formats in UTC, so a bar shows the same date in any computer time zone. Y is the
raw value; in log mode pyqtgraph maps it to log10 itself, and `real_y` undoes that for readouts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.bars import EPOCH_DAY_SECONDS

if TYPE_CHECKING:
    import pandas as pd

# The readout shows a value only if the nearest earlier point is this close (a weekend or a
# holiday gap is fine; a month-long hole in the data is not "the value under the cursor").
MAX_READOUT_GAP_S = 10 * EPOCH_DAY_SECONDS
_EPOCH = dt.datetime(1970, 1, 1)


def to_x(date: pd.Timestamp | str) -> float:
    """Chart X of a date (a tz-aware date is converted to UTC first)."""
    import pandas as pd

    stamp = pd.Timestamp(date)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    # Timestamp.value is always nanoseconds, whatever the unit; asm8 keeps the unit.
    return float(stamp.as_unit("s").asm8.astype(np.int64))


def day_start(date: pd.Timestamp | str) -> float:
    """Chart X of midnight (UTC) of the day `date` falls on."""
    x = to_x(date)
    return x - x % EPOCH_DAY_SECONDS


def to_timestamp(x: float) -> pd.Timestamp:
    """The tz-naive timestamp at chart X, floored to the second."""
    import pandas as pd

    return pd.Timestamp(math.floor(x), unit="s")


def date_text(x: float) -> str:
    """The calendar date (UTC) at chart X, as YYYY-MM-DD (without pandas: the charts drawn at
    start-up from app.chart_snapshot say dates before pandas is imported)."""
    day = _EPOCH + dt.timedelta(seconds=math.floor(x))
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def real_y(view_y: float, log_mode: bool) -> float:
    """Undo pyqtgraph's log10 mapping: the value a view coordinate stands for."""
    return float(10.0**view_y) if log_mode else float(view_y)


def view_y(value: float, log_mode: bool) -> float:
    """The view coordinate of a value (log10 in log mode); non-positive values clamp low."""
    if not log_mode:
        return float(value)
    return math.log10(value) if value > 0 else -12.0


def value_at(
    xs: np.ndarray, ys: np.ndarray, x: float, max_gap: float = MAX_READOUT_GAP_S
) -> float | None:
    """The last value at or before `x`, or None if there is none close enough."""
    if xs.size == 0:
        return None
    i = int(np.searchsorted(xs, x, side="right")) - 1
    if i < 0 or x - xs[i] > max_gap:
        return None
    return float(ys[i])


def format_price(value: float) -> str:
    """A price with thousands separators and enough decimals for cents and fractions of cents."""
    magnitude = abs(value)
    if magnitude >= 1:
        return f"{value:,.2f}"
    if magnitude == 0:
        return "0"
    return f"{value:.{max(2, 2 - math.floor(math.log10(magnitude)) + 1)}f}"


def format_percent(fraction: float) -> str:
    """A fraction as a whole-ish percentage (0.634 -> '63.4%')."""
    return f"{fraction * 100:.1f}%"


def format_change(fraction: float) -> str:
    """A return, always signed: 0.173 -> '+17.3%'."""
    return f"{fraction * 100:+.1f}%"


@dataclass(frozen=True)
class ReadoutSeries:
    """One value shown in the crosshair readout: its label, data and how to format it."""

    label: str
    xs: np.ndarray
    ys: np.ndarray
    kind: str  # "price", "percent", "number" or "index"
    colour: str = ""

    def text_at(self, x: float) -> str | None:
        """The formatted value at chart X, or None when the series has no value there."""
        value = value_at(self.xs, self.ys, x)
        if value is None:
            return None
        if self.kind == "price":
            return format_price(value)
        if self.kind == "percent":
            return format_percent(value)
        if self.kind == "index":
            return f"{value:,.1f}"
        return f"{value:+.2f}"


def rebase_factor(xs: np.ndarray, ys: np.ndarray, left_x: float) -> float | None:
    """100 / the first value at or after the left edge (None if nothing is visible)."""
    i = int(np.searchsorted(xs, left_x, side="left"))
    if i >= xs.size or not ys[i] > 0:
        return None
    return 100.0 / float(ys[i])
