"""Symbols at (date, price): breakout markers and the follow-up points of a selected breakout.

A ScatterPlotItem does not follow a pane's log mode by itself (pyqtgraph converts only its
PlotDataItem), nor compare mode's rebasing; `PriceMarks` keeps the raw prices and maps them,
and answers for its own Y range like the curves do (widgets.charts.fitting). Breakout markers
carry a tooltip per point, report clicks by date, and are dimmed where the follower had no
data yet (nothing can be measured after those breakouts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QPen

from widgets.charts.lod import visible_bounds
from widgets.charts.pg import pg


class PriceMarks(pg.ScatterPlotItem):
    """Symbols at raw prices, shown in the pane's log mode and scaled by `set_scale`."""

    def __init__(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        *,
        symbol: str,
        size: float,
        brushes: Sequence[QBrush],
        pen: QPen,
        tip: Callable[[int], str] | None = None,
    ) -> None:
        """`tip(row)` is the tooltip of the point in that row, worked out when it is shown."""
        super().__init__(
            symbol=symbol,
            size=size,
            pen=pen,
            hoverable=tip is not None,
            tip=(lambda x, y, data: tip(data)) if tip is not None else None,
            antialias=True,
        )
        self.xs = np.asarray(xs, dtype=float)
        self.ys = np.asarray(ys, dtype=float)
        self.scale = 1.0
        self._log = False
        self._brushes = list(brushes)
        self._apply()

    def setLogMode(self, x_mode: bool, y_mode: bool) -> None:
        """pyqtgraph calls this when the pane switches between log and linear Y."""
        if bool(y_mode) != self._log:
            self._log = bool(y_mode)
            self._apply()

    def setDownsampling(self, *_args, **_kwargs) -> None:
        """A few hundred symbols need no downsampling (pyqtgraph asks every data item)."""

    def setClipToView(self, *_args) -> None:
        """Symbols outside the view cost nothing to skip (pyqtgraph asks every data item)."""

    def set_scale(self, scale: float) -> None:
        """Multiply the prices as drawn (compare mode's index)."""
        if scale != self.scale:
            self.scale = scale
            self._apply()

    def _apply(self) -> None:
        ys = self.ys * self.scale
        if self._log:
            with np.errstate(divide="ignore", invalid="ignore"):
                ys = np.log10(ys)
        keep = np.isfinite(ys)
        self.setData(
            x=self.xs[keep],
            y=ys[keep],
            brush=[b for b, k in zip(self._brushes, keep, strict=True) if k],
            data=np.flatnonzero(keep),  # each point's row
        )

    def visible_y_range(self, x0: float, x1: float) -> tuple[float, float] | None:
        """Lowest and highest price as drawn inside [x0, x1] (None if none is inside)."""
        if not self.isVisible():
            return None
        return visible_bounds(self.xs, self.ys * self.scale, x0, x1)


class BreakoutMarkers(PriceMarks):
    """Upward triangles at the leader's breakouts; a click reports the breakout's row.

    Signals:
        breakoutClicked(int): row of the clicked breakout in the result's breakouts frame.
    """

    breakoutClicked = Signal(int)

    def __init__(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        *,
        size: float,
        brushes: Sequence[QBrush],
        pen: QPen,
        tip: Callable[[int], str],
    ) -> None:
        super().__init__(xs, ys, symbol="t1", size=size, brushes=brushes, pen=pen, tip=tip)
        self.tip = tip
        self.sigClicked.connect(self._on_clicked)

    def _on_clicked(self, _item, points, _event) -> None:
        if len(points):
            self.breakoutClicked.emit(int(points[0].data()))
