"""Moving the chart stack in time: the calls the window's View menu, toolbar and table use.

Every move goes through the stack's canvas, which keeps the panes linked, re-fits them and
reports the new range (`ChartStack.rangeChanged`). The canvas itself maps the keys (Left
and Right pan, + and − zoom, Home all dates, End the latest) and a double-click to these moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from app.bars import EPOCH_DAY_SECONDS
from widgets.charts.coords import to_timestamp, to_x

if TYPE_CHECKING:
    import pandas as pd

    from widgets.charts.canvas import StackCanvas

PAN_STEP = 0.1  # share of the visible span one Left/Right key press (or View menu entry) moves
ZOOM_STEP = 1.25  # one +/− key press

#: The keys the canvas moves by, as chart tools do.
NAVIGATION_KEYS: dict[Qt.Key, Callable[[StackCanvas], None]] = {
    Qt.Key.Key_Left: lambda canvas: canvas.pan(-PAN_STEP),
    Qt.Key.Key_Right: lambda canvas: canvas.pan(PAN_STEP),
    Qt.Key.Key_Plus: lambda canvas: canvas.zoom(ZOOM_STEP),
    Qt.Key.Key_Equal: lambda canvas: canvas.zoom(ZOOM_STEP),  # + without Shift
    Qt.Key.Key_Minus: lambda canvas: canvas.zoom(1 / ZOOM_STEP),
    Qt.Key.Key_Underscore: lambda canvas: canvas.zoom(1 / ZOOM_STEP),
    Qt.Key.Key_Home: lambda canvas: canvas.show_all(),
    Qt.Key.Key_End: lambda canvas: canvas.show_latest(),
}


class TimeNavigation:
    """The time-moving half of ChartStack's public API (the stack provides `_canvas`)."""

    _canvas: StackCanvas

    def center_on(self, date: pd.Timestamp) -> None:
        """Centre every pane on `date` (the middle of that day), keeping the zoom span."""
        x0, x1 = self.x_range()
        centre = to_x(date) + EPOCH_DAY_SECONDS / 2
        self._canvas.set_x((centre - (x1 - x0) / 2, centre + (x1 - x0) / 2))

    def show_all(self) -> None:
        """Zoom out to every date of the result, with a little room (Home; from where both
        markets have data, in that mode)."""
        self._canvas.show_all()

    def can_show(self, date: pd.Timestamp) -> bool:
        """Whether `date` lies within the dates the view may show (see `set_overlap_only`)."""
        bounds = self._canvas.date_bounds()
        return bounds is not None and bounds[0] <= to_x(date) <= bounds[1]

    def show_range(self, first: pd.Timestamp | str, last: pd.Timestamp | str) -> None:
        """Show the days from `first` to `last`, both included (within the allowed dates)."""
        self._canvas.set_x((to_x(first), to_x(last) + EPOCH_DAY_SECONDS))

    def pan(self, fraction: float) -> None:
        """Move by `fraction` of the visible span: -0.1 a tenth back in time, 0.1 forward."""
        self._canvas.pan(fraction)

    def zoom(self, factor: float) -> None:
        """Zoom around the middle of the view: factor 2 shows half the span, 0.5 twice it."""
        if factor <= 0:
            raise ValueError(f"zoom factor must be positive (got {factor})")
        self._canvas.zoom(factor)

    def show_latest(self) -> None:
        """Keep the span and move to the newest date."""
        self._canvas.show_latest()

    def visible_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last moment shown, as tz-naive timestamps."""
        x0, x1 = self.x_range()
        return to_timestamp(x0), to_timestamp(x1)

    def x_range(self) -> tuple[float, float]:
        """The visible X range in chart coordinates (seconds since 1970 UTC)."""
        return self._canvas.x_range()

    def set_x_range(self, x_range: tuple[float, float]) -> None:
        """Show exactly this X range (chart coordinates)."""
        self._canvas.set_x(x_range)
