"""A lean line item for the price, correlation and volatility curves.

pyqtgraph's PlotDataItem is general (symbols, fills, FFT, its own downsampling) and draws
through the view's world transform; Qt strokes wide lines under a scaling transform several
times slower than in device pixels. The curves here already hold about one low/high pair per
pixel column (widgets.charts.lod), so this item maps them to device pixels with numpy and draws them
with an identity transform: a frame of six curves then costs ~1 ms of drawing instead of ~10.

It honours pyqtgraph's log mode (PlotItem.setLogMode calls `setLogMode`), reports `dataBounds`
for auto-range, and exposes `opts` (pen, antialias) so a LegendItem can draw its sample.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from widgets.charts.pg import pg

#: pyqtgraph's points-to-segments conversion, into an array kept between paints.
to_line_segments = pg.graphicsItems.PlotCurveItem.arrayToLineSegments


class FastCurve(pg.GraphicsObject):
    """A polyline in data coordinates, drawn in device pixels."""

    def __init__(self, pen: QPen, name: str | None = None) -> None:
        super().__init__()
        self._pen = QPen(pen)
        self._pen.setCosmetic(True)
        self._name = name
        self.opts = {"pen": self._pen, "antialias": True, "name": name}
        self._x = np.empty(0)
        self._y = np.empty(0)  # view coordinates (log10 in log mode)
        self._log = False
        self._raw_y = np.empty(0)
        self._bounds = QRectF()
        self._segments = pg.Qt.internals.PrimitiveArray(QLineF, 4)
        # Segments drawn one by one are ~15× faster than one wide antialiased polyline, but
        # their joints would darken a translucent or dashed line: those are drawn whole.
        self._segmented = pen.style() == Qt.PenStyle.SolidLine and pen.color().alpha() == 255

    def name(self) -> str | None:
        return self._name

    def setData(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Replace the points (data coordinates, sorted by x, finite)."""
        self._x = np.asarray(xs, dtype=float)
        self._raw_y = np.asarray(ys, dtype=float)
        self._map_y()

    def setLogMode(self, x_mode: bool, y_mode: bool) -> None:
        """pyqtgraph calls this when the plot switches between log and linear Y."""
        if bool(y_mode) != self._log:
            self._log = bool(y_mode)
            self._map_y()

    def _map_y(self) -> None:
        if self._log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(self._raw_y)
            y[~np.isfinite(y)] = np.nan
        else:
            y = self._raw_y
        self.prepareGeometryChange()
        self._y = y
        finite = np.isfinite(y)
        if self._x.size and finite.any():
            xs, ys = self._x[finite], y[finite]
            self._bounds = QRectF(xs[0], ys.min(), max(xs[-1] - xs[0], 1e-9), max(np.ptp(ys), 1e-9))
        else:
            self._bounds = QRectF()
        self.update()

    def setAntialias(self, on: bool) -> None:
        if self.opts["antialias"] != on:
            self.opts["antialias"] = on
            self.update()

    def pen(self) -> QPen:
        return QPen(self._pen)

    def boundingRect(self) -> QRectF:
        if self._bounds.isNull():
            return QRectF()
        # Grow by the pen's width in data units so thick lines are not clipped at the edges.
        px = self.pixelVectors()
        pad_x = pad_y = 0.0
        if px is not None and px[0] is not None:
            width = self._pen.widthF() or 1.0
            pad_x, pad_y = abs(px[0].x()) * width, abs(px[1].y()) * width
        return self._bounds.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):
        values = self._x if axis == 0 else self._y
        if values.size == 0:
            return (None, None)
        if orthoRange is not None:
            other = self._y if axis == 0 else self._x
            keep = (other >= orthoRange[0]) & (other <= orthoRange[1])
            values = values[keep]
        values = values[np.isfinite(values)]
        if values.size == 0:
            return (None, None)
        return (float(values.min()), float(values.max()))

    def paint(self, painter: QPainter, *_args) -> None:
        if self._x.size < 2:
            return
        transform = painter.transform()
        if transform.isRotating():
            return  # the charts never rotate; keep the fast path simple
        px = self._x * transform.m11() + transform.dx()
        py = self._y * transform.m22() + transform.dy()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        painter.setPen(self._pen)
        if self._segmented:
            pg.graphicsItems.PlotCurveItem.arrayToLineSegments(
                px, py, "finite", True, self._segments
            )
            painter.drawLines(*self._segments.drawargs())
        else:
            finite = np.isfinite(py)
            painter.drawPolyline(pg.functions.arrayToQPolygonF(px[finite], py[finite]))
        painter.restore()
