"""Background items: many shaded date spans, many vertical date lines, the grid.

A million-bar history has hundreds of breakouts and thousands of bull/bear phases. As separate
pyqtgraph items (LinearRegionItem, InfiniteLine) each one recomputes its geometry on every pan
and zoom, which costs more than drawing the prices. These items keep the dates in sorted arrays
and paint only the ones in view, in one call, always across the full height of the pane.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QBrush, QPen

from widgets.charts.pg import pg


class _FullHeightItem(pg.GraphicsObject):
    """Base: spans the view's full height and the data's X extent; repaints on view changes."""

    def __init__(self, left: float, right: float) -> None:
        super().__init__()
        self._left, self._right = left, right
        self._bounds = QRectF()

    def viewRangeChanged(self) -> None:  # called by pyqtgraph when the view moves
        self.prepareGeometryChange()
        self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        if self._bounds.isNull():
            view = self.viewRect()
            if view is None or self._right < self._left:
                return QRectF()
            self._bounds = QRectF(
                self._left, view.top(), max(self._right - self._left, 1e-9), view.height()
            )
        return QRectF(self._bounds)

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        return None  # decoration: never part of the auto-range


class SpansItem(_FullHeightItem):
    """Shaded [start, end] spans (sorted, not overlapping) across the full pane height."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, brush: QBrush) -> None:
        starts, ends = np.asarray(starts, float), np.asarray(ends, float)
        keep = np.isfinite(starts) & np.isfinite(ends) & (ends > starts)
        order = np.argsort(starts[keep], kind="stable")
        self.starts, self.ends = starts[keep][order], ends[keep][order]
        super().__init__(
            float(self.starts.min()) if self.starts.size else 0.0,
            float(self.ends.max()) if self.ends.size else -1.0,
        )
        self._brush = QBrush(brush)
        # The running maximum of the ends makes "first span ending after x" a binary search.
        self._max_end = np.maximum.accumulate(self.ends) if self.ends.size else self.ends

    def __len__(self) -> int:
        return int(self.starts.size)

    def paint(self, painter, *_args) -> None:
        view = self.viewRect()
        if view is None or not self.starts.size:
            return
        first = int(np.searchsorted(self._max_end, view.left(), "left"))
        last = int(np.searchsorted(self.starts, view.right(), "right"))
        if last <= first:
            return
        transform = painter.transform()
        left = self.starts[first:last] * transform.m11() + transform.dx()
        right = self.ends[first:last] * transform.m11() + transform.dx()
        left, right = _merge_in_pixels(left, right)
        top = view.top() * transform.m22() + transform.dy()
        bottom = view.bottom() * transform.m22() + transform.dy()
        y0, height = min(top, bottom), abs(bottom - top)
        painter.save()
        painter.resetTransform()  # device pixels: thousands of spans merge into a few rects
        painter.setPen(QPen(pg.mkPen(None)))
        painter.setBrush(self._brush)
        painter.drawRects([QRectF(a, y0, b - a, height) for a, b in zip(left, right, strict=True)])
        painter.restore()


def _merge_in_pixels(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans (sorted by left edge) merged wherever they touch or overlap on screen."""
    reach = np.maximum.accumulate(right)
    starts_new = np.ones(left.size, dtype=bool)
    starts_new[1:] = left[1:] > reach[:-1] + 1.0
    group_first = np.flatnonzero(starts_new)
    group_last = np.append(group_first[1:] - 1, left.size - 1)
    return left[group_first], reach[group_last]


class VLinesItem(_FullHeightItem):
    """Vertical lines at sorted X positions, across the full pane height."""

    def __init__(self, xs: np.ndarray, pen: QPen) -> None:
        xs = np.asarray(xs, float)
        self.xs = np.sort(xs[np.isfinite(xs)])
        super().__init__(
            float(self.xs[0]) if self.xs.size else 0.0,
            float(self.xs[-1]) if self.xs.size else -1.0,
        )
        self._pen = QPen(pen)
        self._pen.setCosmetic(True)

    def __len__(self) -> int:
        return int(self.xs.size)

    def paint(self, painter, *_args) -> None:
        view = self.viewRect()
        if view is None or not self.xs.size:
            return
        first = int(np.searchsorted(self.xs, view.left(), "left"))
        last = int(np.searchsorted(self.xs, view.right(), "right"))
        transform = painter.transform()
        columns = _distinct_sorted(np.round(self.xs[first:last] * transform.m11() + transform.dx()))
        top = view.top() * transform.m22() + transform.dy()
        bottom = view.bottom() * transform.m22() + transform.dy()
        painter.save()
        painter.resetTransform()  # device pixels: one line per pixel column at most
        painter.setPen(self._pen)
        painter.drawLines([QLineF(x, top, x, bottom) for x in columns])
        painter.restore()


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted (ascending or descending) array.

    np.unique would do, but its first call imports numpy.ma (~30 ms), here in a first paint.
    """
    if values.size < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


class GridItem(_FullHeightItem):
    """The pane's grid, drawn behind the data in opaque pale colours.

    pyqtgraph draws its grid from the axes, over the data and translucent; Qt draws translucent
    lines ~35× slower than opaque ones, and lines over a price curve cut into it. This item
    takes the tick positions from the pane's own axes, so grid and labels always agree.
    """

    def __init__(self, plot: pg.PlotItem, major: QPen, minor: QPen) -> None:
        super().__init__(-1e300, 1e300)
        self._plot = plot
        self._major, self._minor = QPen(major), QPen(minor)
        for pen in (self._major, self._minor):
            pen.setCosmetic(True)

    def boundingRect(self) -> QRectF:
        view = self.viewRect()
        return QRectF() if view is None else QRectF(view)

    def paint(self, painter, *_args) -> None:
        view = self.viewRect()
        vb = self._plot.vb
        if view is None or vb.width() <= 0 or vb.height() <= 0:
            return
        x_levels = _levels(self._plot.getAxis("bottom"), view.left(), view.right(), vb.width())
        # pyqtgraph's axis measures its length one pixel beyond each end: ask with the same
        # length, so the axis and the grid share one computation (and agree exactly).
        y_levels = _levels(self._plot.getAxis("left"), view.top(), view.bottom(), vb.height() + 2)
        transform = painter.transform()
        for depth, pen in ((1, self._minor), (0, self._major)):
            xs = _spaced(_at(x_levels, depth), abs(transform.m11()), depth)
            ys = _spaced(_at(y_levels, depth), abs(transform.m22()), depth)
            lines = [QLineF(x, view.top(), x, view.bottom()) for x in xs]
            lines += [QLineF(view.left(), y, view.right(), y) for y in ys]
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)


def _levels(axis: pg.AxisItem, low: float, high: float, pixels: float) -> list:
    low, high = sorted((low, high))
    return axis.tickValues(low, high, pixels)


def _at(levels: list, depth: int) -> list[float]:
    return list(levels[depth][1]) if len(levels) > depth else []


MIN_MINOR_GAP_PX = 12.0


def _spaced(values: list[float], pixels_per_unit: float, depth: int) -> list[float]:
    """Minor grid lines only where they stay at least MIN_MINOR_GAP_PX apart (no hatching)."""
    if depth == 0 or len(values) < 2:
        return values
    gap = float(np.min(np.diff(np.sort(values)))) * pixels_per_unit
    return values if gap >= MIN_MINOR_GAP_PX else []
