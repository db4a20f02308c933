"""Building blocks shared by the chart panes: the time-only view box, the plot, decorations.

Every decoration (shaded spans, vertical date lines, labels) is added with ``ignoreBounds=True``
so the Y auto-range fits the price data only, and sits below the series (negative Z) so it never
hides a price.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QMenu

from widgets.charts.axes import UtcDateAxis, ValueAxisItem
from widgets.charts.bands import GridItem, SpansItem, VLinesItem
from widgets.charts.fast_curve import FastCurve
from widgets.charts.lod import LodCurve
from widgets.charts.pane_spec import Pane
from widgets.charts.pg import pg
from widgets.theme import Theme

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
        # pyqtgraph's own menu (a ViewBoxMenu with its forms, ~10 ms a pane) is never shown:
        # build none, and say the menu is enabled so a right click still reaches ours.
        super().__init__(enableMenu=False)
        self.state["enableMenu"] = True
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

    def getMenu(self, ev) -> QMenu:
        return self.context_menu()

    def getContextMenus(self, event) -> list:
        """Nothing to add to a child item's menu (pyqtgraph's would read its absent menu)."""
        return []


def make_plot(
    theme: Theme, show_dates: bool, tick_cache: dict | None = None
) -> tuple[pg.PlotItem, TimeViewBox]:
    """A PlotItem with a UTC date axis, a value axis and the time-only view box (the stack
    styles the axes with its theme, widgets.charts.canvas)."""
    view_box = TimeViewBox()
    date_axis = UtcDateAxis(tick_cache)
    plot = pg.PlotItem(viewBox=view_box, axisItems={"bottom": date_axis, "left": ValueAxisItem()})
    plot.setMenuEnabled(False, None)
    plot.hideButtons()
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


class PanePlots:
    """The panes' PlotItems, made ahead of the stack one per `make_next` call.

    A PlotItem takes tens of milliseconds to make (its axes, layout and option forms), four
    of them more than a window may stall for: the chart area makes them in separate
    event-loop passes while it waits for the first drawing (widgets.charts.area), and the
    stack makes whichever are missing itself.
    """

    def __init__(self, theme: Theme, panes: tuple[Pane, ...]) -> None:
        self.theme, self.panes = theme, panes
        self._made: dict[Pane, tuple[pg.PlotItem, TimeViewBox]] = {}
        self._tick_cache: dict = {}  # one for all date axes

    def make_next(self) -> bool:
        """Make the next pane's plot; False when every pane's is made."""
        pane = next((p for p in self.panes if p not in self._made), None)
        if pane is None:
            return False
        self._made[pane] = self._make(pane)
        return True

    def take(self, pane: Pane) -> tuple[pg.PlotItem, TimeViewBox]:
        """The plot of `pane` (made now if it was not yet)."""
        return self._made.pop(pane, None) or self._make(pane)

    def _make(self, pane: Pane) -> tuple[pg.PlotItem, TimeViewBox]:
        return make_plot(self.theme, pane == self.panes[-1], self._tick_cache)


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
    return LodCurve(item, xs, ys)


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
    pen: QPen,
    tooltip: str = "",
    z: float = -10,
) -> pg.InfiniteLine:
    """A vertical date line; `tooltip` names it when the mouse rests on it.

    Its label, if any, is drawn by the pane's DateLabelBand (widgets.charts.date_labels), which
    keeps labels out of each other's way and inside the pane.
    """
    line = pg.InfiniteLine(pos=x, angle=90, movable=False, pen=pen)
    line.setZValue(z)
    if tooltip:
        line.setToolTip(tooltip)
    plot.addItem(line, ignoreBounds=True)
    return line


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
