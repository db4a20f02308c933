"""Building blocks shared by the chart panes: the time-only view box, axes and decorations.

Every decoration (shaded spans, vertical date lines, labels) is added with ``ignoreBounds=True``
so the Y auto-range fits the price data only, and sits below the series (negative Z) so it never
hides a price.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPen
from PySide6.QtWidgets import QMenu

from widgets.charts.bands import GridItem, SpansItem, VLinesItem
from widgets.charts.fast_curve import FastCurve
from widgets.charts.lod import LodCurve
from widgets.theme import Theme

LEFT_AXIS_WIDTH = 78  # px; the same for every pane so linked dates line up exactly
EXPORT_PANE_TEXT = "Export this chart as PNG…"
SHOW_ALL_TEXT = "Show all dates"
EXPORT_ALL_TEXT = "Export all charts as PNG…"


class TimeViewBox(pg.ViewBox):
    """A ViewBox whose mouse pans and zooms time only, with the app's own context menu.

    pyqtgraph's default menu offers SVG export (broken in 0.14) and plot options that would
    fight the app's own log/compare state, so it is replaced.

    Signals:
        exportRequested(): the user chose "Export this chart as PNG…".
        exportAllRequested(): the user chose "Export all charts as PNG…".
        showAllRequested(): the user chose "Show all dates".
    """

    exportRequested = Signal()
    exportAllRequested = Signal()
    showAllRequested = Signal()

    def __init__(self, show_all_text: str = SHOW_ALL_TEXT, export_all: bool = True) -> None:
        super().__init__(enableMenu=True)
        self.setMouseEnabled(x=True, y=False)
        self._context_menu: QMenu | None = None
        self._show_all_text = show_all_text
        self._export_all = export_all

    def context_menu(self) -> QMenu:
        """The pane's context menu (built on first use)."""
        if self._context_menu is None:
            menu = QMenu()
            menu.addAction(self._show_all_text).triggered.connect(self.showAllRequested.emit)
            menu.addSeparator()
            menu.addAction(EXPORT_PANE_TEXT).triggered.connect(self.exportRequested.emit)
            if self._export_all:
                menu.addAction(EXPORT_ALL_TEXT).triggered.connect(self.exportAllRequested.emit)
            self._context_menu = menu
        return self._context_menu

    def raiseContextMenu(self, ev) -> None:
        self.context_menu().popup(ev.screenPos().toPoint())


def compact_number(value: float) -> str:
    """Axis tick text that fits a narrow axis: 0.05, 950, 2,500, 120k, 1.2M."""
    magnitude = abs(value)
    if magnitude >= 1e4:
        for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if magnitude >= limit:
                return f"{value / limit:.3g}{suffix}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:,.4g}"
    return f"{value:.2g}"


class ValueAxisItem(pg.AxisItem):
    """A left axis with readable ticks in log mode (1, 2, 5, 10, 20, 50 … with k/M suffixes).

    pyqtgraph's log axis labels only whole decades, as "1e+05"-style text; a price chart
    covering one or two decades then shows a single tick.
    """

    MANTISSA_SETS = ((1.0,), (1.0, 3.0), (1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0))

    def __init__(self, **kwargs) -> None:
        super().__init__("left", **kwargs)
        self.enableAutoSIPrefix(False)

    label_gap_px = 30.0  # closest two labels may be; style_axis scales it with the theme

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        return log_ticks(minVal, maxVal, size, self.MANTISSA_SETS, self.label_gap_px)

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            if spacing is None:
                return [None for _ in values]  # minor ticks: a grid line, no label
            return [compact_number(float(10.0**v)) for v in values]
        return [compact_number(round(v * scale, 10)) for v in values]


def log_ticks(low: float, high: float, size: float, mantissa_sets, min_gap_px: float = 30) -> list:
    """Major and minor tick positions (log10) for a log axis `size` pixels long.

    Majors use the densest mantissa set whose closest two labels are still `min_gap_px` apart.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low or size <= 0:
        return [(1.0, [])]
    first, last = math.floor(low), math.ceil(high)
    pixels_per_decade = size / (high - low)
    if pixels_per_decade < min_gap_px:  # dozens of decades: label every 2nd, 5th, 10th …
        step = next(s for s in _decade_steps() if s * pixels_per_decade >= min_gap_px)
        majors = [float(d) for d in range(first, last + 1) if d % step == 0 and low <= d <= high]
        return [(float(step), majors), (None, [])]
    chosen = mantissa_sets[0]
    for mantissas in mantissa_sets:
        steps = np.diff(np.log10([*mantissas, 10.0]))
        if steps.min() * pixels_per_decade >= min_gap_px:
            chosen = mantissas
    majors = _decade_points(first, last, chosen, low, high)
    minors: list[float] = []
    if pixels_per_decade >= 3 * min_gap_px:
        every = tuple(float(m) for m in range(1, 10))
        minors = [
            v
            for v in _decade_points(first, last, every, low, high)
            if all(abs(v - m) > 1e-9 for m in majors)
        ]
    return [(1.0, majors), (None, minors)]


def _decade_steps():
    """1, 2, 5, 10, 20, 50, … decades."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            yield m * scale
        scale *= 10


def _decade_points(first: int, last: int, mantissas, low: float, high: float) -> list[float]:
    points = [d + math.log10(m) for d in range(first, last + 1) for m in mantissas]
    return [p for p in points if low <= p <= high]


def style_axis(axis: pg.AxisItem, theme: Theme, label: str = "") -> None:
    """Colours and fonts of one axis from the theme (the grid is a GridItem, not the axis)."""
    axis.setPen(pg.mkPen(theme.muted, width=theme.thin_width))
    axis.setTextPen(pg.mkPen(theme.foreground))
    axis.setTickFont(theme.font_of(0.95))
    axis.setStyle(tickTextOffset=theme.px(4), tickLength=-theme.px(5))
    if isinstance(axis, ValueAxisItem):
        axis.label_gap_px = theme.px(30)
    if label:
        size = theme.font.pointSizeF() * theme.scale
        axis.setLabel(label, color=theme.css(theme.muted), **{"font-size": f"{size:.1f}pt"})


class UtcDateAxis(pg.DateAxisItem):
    """A date axis in UTC (bars are stamped at UTC midnight) whose ticks linked panes share.

    pyqtgraph works out date ticks in Python, tick by tick; the four linked panes show the
    same dates at the same width, so the first axis to paint computes them for all.
    """

    def __init__(self, tick_cache: dict | None = None) -> None:
        super().__init__(orientation="bottom", utcOffset=0)
        self._tick_cache = {} if tick_cache is None else tick_cache
        # pyqtgraph learns the label size only when the axis first paints; the grid (painted
        # first, behind the data) needs the ticks before that.
        self.fontMetrics = QFontMetrics(QFont())

    def setTickFont(self, font) -> None:
        super().setTickFont(font)
        self.fontMetrics = QFontMetrics(font)

    def tickValues(self, minVal, maxVal, size):
        self.setZoomLevelForDensity((maxVal - minVal) / size)
        key = (minVal, maxVal, id(self.zoomLevel), self.minSpacing)
        if key not in self._tick_cache:
            if len(self._tick_cache) > 8:  # the grid and the axes ask with slightly other sizes
                self._tick_cache.clear()
            self._tick_cache[key] = self.zoomLevel.tickValues(minVal, maxVal, self.minSpacing)
        return self._tick_cache[key]


def make_plot(
    theme: Theme, left_label: str, show_dates: bool, tick_cache: dict | None = None
) -> tuple[pg.PlotItem, TimeViewBox]:
    """A PlotItem with a UTC date axis, a fixed-width left axis and the time-only view box."""
    view_box = TimeViewBox()
    date_axis = UtcDateAxis(tick_cache)
    plot = pg.PlotItem(viewBox=view_box, axisItems={"bottom": date_axis, "left": ValueAxisItem()})
    plot.setMenuEnabled(False, None)
    plot.hideButtons()
    style_axis(plot.getAxis("left"), theme, left_label)
    style_axis(date_axis, theme)
    plot.getAxis("left").setWidth(theme.px(LEFT_AXIS_WIDTH))
    if not show_dates:
        # The panes above the last share its dates: no axis of their own (the grid still
        # takes its ticks from it), a thin frame marks where one pane ends.
        plot.hideAxis("bottom")
        view_box.setBorder(pg.mkPen(theme.grid, width=theme.thin_width))
    plot.getAxis("left").setStyle(maxTickLevel=1, maxTextLevel=1)
    # Y is fitted to the visible data by the stack itself, before painting (widgets.charts.fitting):
    # pyqtgraph's auto-range does it while painting, which then paints every frame twice.
    view_box.disableAutoRange()
    return plot, view_box


def add_curve(
    plot: pg.PlotItem,
    xs: np.ndarray,
    ys: np.ndarray,
    colour: QColor,
    width: float,
    name: str | None = None,
    style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    z: float = 10,
) -> LodCurve:
    """A line series drawn through levels of detail (widgets.charts.lod) by a lean item."""
    item = FastCurve(pg.mkPen(colour, width=width, style=style), name)
    item.setZValue(z)
    plot.addItem(item)
    if name and plot.legend is not None:
        plot.legend.addItem(item, name)
    return LodCurve(item, xs, ys)


def add_markers(
    plot: pg.PlotItem, xs: np.ndarray, ys: np.ndarray, theme: Theme, name: str | None = None
) -> pg.PlotDataItem:
    """Breakout markers: upward triangles outlined in the foreground colour."""
    item = pg.PlotDataItem(
        xs,
        ys,
        pen=None,
        symbol="t1",
        symbolSize=theme.marker_size,
        symbolBrush=pg.mkBrush(theme.breakout),
        symbolPen=pg.mkPen(theme.background, width=theme.thin_width),
        name=name,
        antialias=True,
    )
    item.setZValue(30)
    plot.addItem(item)
    return item


def add_spans(plot: pg.PlotItem, starts: np.ndarray, ends: np.ndarray, colour: QColor) -> SpansItem:
    """Shade date spans across the full height of a pane (behind everything, not in auto-range)."""
    item = SpansItem(starts, ends, pg.mkBrush(colour))
    item.setZValue(-40)  # behind the grid
    plot.addItem(item, ignoreBounds=True)
    return item


def add_grid(plot: pg.PlotItem, theme: Theme) -> GridItem:
    """The pane's grid, behind everything else in it."""
    major = pg.mkPen(theme.grid, width=theme.thin_width)
    minor = pg.mkPen(theme.grid_minor, width=theme.thin_width)
    item = GridItem(plot, major, minor)
    item.setZValue(-30)
    plot.addItem(item, ignoreBounds=True)
    return item


def add_vlines(plot: pg.PlotItem, xs: np.ndarray, pen: QPen) -> VLinesItem:
    """Unlabelled vertical date lines (any number, one item)."""
    item = VLinesItem(xs, pen)
    item.setZValue(-10)
    plot.addItem(item, ignoreBounds=True)
    return item


def add_vline(
    plot: pg.PlotItem,
    x: float,
    colour: QColor,
    width: float,
    style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    label: str = "",
    theme: Theme | None = None,
    labels: list[pg.InfiniteLine] | None = None,
    z: float = -10,
) -> pg.InfiniteLine:
    """A vertical date line, optionally labelled; a labelled line is appended to `labels`.

    Labels start at the bottom of the pane (where a rising log price leaves room); the
    `DateLabelLayout` of the pane moves them up a row where they would overlap.
    """
    line = pg.InfiniteLine(
        pos=x, angle=90, movable=False, pen=pg.mkPen(colour, width=width, style=style)
    )
    line.setZValue(z)
    if label and theme is not None:
        text = pg.InfLineLabel(
            line,
            text=label,
            position=0.02,
            anchors=[(0, 1), (1, 1)],  # text beside the line, on the side facing the centre
            color=colour,
            fill=pg.mkBrush(_label_fill(theme)),
        )
        text.setFont(theme.font_of(0.85))
        # pyqtgraph's own pattern (InfiniteLine(label=...)): the line holds its label. A label
        # referenced only from elsewhere crashes when its line is removed from the plot.
        line.label = text
        if labels is not None:
            labels.append(line)
    plot.addItem(line, ignoreBounds=True)
    return line


def _label_fill(theme: Theme) -> QColor:
    fill = QColor(theme.background)
    fill.setAlpha(200)
    return fill


class PaneMessage(pg.TextItem):
    """A message centred in a pane (e.g. "No overlapping dates"), kept centred on resize."""

    def __init__(self, view_box: pg.ViewBox, theme: Theme) -> None:
        super().__init__("", color=theme.muted, anchor=(0.5, 0.5))
        self.setFont(theme.font_of(1.1))
        self.setParentItem(view_box)
        self._view_box = view_box
        view_box.sigResized.connect(self._recentre)
        self.setVisible(False)

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        self._recentre()

    def _recentre(self, *_args) -> None:
        rect = self._view_box.rect()
        self.setPos(QPointF(rect.center()))
