"""The graphics side of the chart stack: four linked panes, their items and their state.

`StackCanvas` is a pyqtgraph GraphicsLayoutWidget holding the panes (0 leader, 1 follower,
2 correlation, 3 volatility). It knows how to draw a result, switch log and compare modes and
move in time; `ChartStack` (widgets.charts.stack) wraps it with the readout strip, the empty
state and the export functions. A canvas can hold a subset of the panes (a one-pane export).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from widgets.charts.coords import DAY_SECONDS
from widgets.charts.crosshair import Crosshair
from widgets.charts.date_labels import DateLabelLayout
from widgets.charts.fitting import refresh_panes
from widgets.charts.items import LEFT_AXIS_WIDTH, PaneMessage, add_grid, make_plot, style_axis
from widgets.charts.panes import (
    StackContent,
    build_correlation_pane,
    build_follower_pane,
    build_leader_pane,
    build_volatility_pane,
    instrument_label,
    instrument_ticker,
)
from widgets.theme import Theme, with_alpha

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

ALL_PANES = (0, 1, 2, 3)
ROW_STRETCH = (30, 30, 13, 15)
MIN_VISIBLE_DAYS = 14
SETTLE_MS = 150  # after the last pan/zoom step, redraw the curves antialiased


class StackCanvas(pg.GraphicsLayoutWidget):
    """Four linked panes on one UTC date axis.

    Signals:
        exportPaneRequested(int): a pane's context menu asked to export that pane.
        exportAllRequested(): a pane's context menu asked to export every pane.
        showAllRequested(): a pane's context menu asked to show every date.
        rangeChanged(): the visible dates changed (after the panes were refreshed).
    """

    exportPaneRequested = Signal(int)
    exportAllRequested = Signal()
    showAllRequested = Signal()
    rangeChanged = Signal()

    def __init__(
        self,
        theme: Theme,
        panes: tuple[int, ...] = ALL_PANES,
        parent=None,
        interactive: bool = True,
    ) -> None:
        super().__init__(parent)
        self.theme = theme
        self.panes = panes
        # While the mouse drags or wheels: a low/high pair per 2 pixels and no antialiasing,
        # a third of the frame time; full quality again once the view rests. Exported
        # copies (interactive=False) are always drawn in full quality.
        self.interactive = interactive
        self.paint_count = 0
        self.columns_per_pixel = 1.0
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(lambda: self._set_fast(False))
        self.content = StackContent()
        self.log = True
        self.compare = False
        self.plots: list[pg.PlotItem] = []
        tick_cache: dict = {}
        for index in ALL_PANES:
            plot, view_box = make_plot(theme, "", index == panes[-1], tick_cache)
            view_box.exportRequested.connect(lambda i=index: self.exportPaneRequested.emit(i))
            view_box.exportAllRequested.connect(self.exportAllRequested.emit)
            view_box.showAllRequested.connect(self.showAllRequested.emit)
            plot.addLegend()
            self.plots.append(plot)
        self.master = self.plots[panes[0]]
        for row, index in enumerate(panes):
            self.addItem(self.plots[index], row=row, col=0)
            self.ci.layout.setRowStretchFactor(row, ROW_STRETCH[index])
        for plot in self.plots:
            if plot is not self.master:
                plot.setXLink(self.master)
        self.messages = [PaneMessage(plot.vb, theme) for plot in self.plots]
        self.date_labels = DateLabelLayout(self.plots[1].vb)
        self.highlights = [self._highlight_line() for _ in self.plots]
        self.crosshair = Crosshair(self.plots, theme)
        self.apply_theme(theme)
        self.master.vb.sigXRangeChanged.connect(self._on_x_changed)
        for plot in self.plots:
            plot.vb.sigRangeChangedManually.connect(self._on_mouse_moved_view)
        self.master.vb.sigResized.connect(self._on_x_changed)
        self.viewport().installEventFilter(self)

    @staticmethod
    def _highlight_line() -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False)
        line.setZValue(5)
        line.setVisible(False)
        return line

    def apply_theme(self, theme: Theme) -> None:
        """Colours, fonts and sizes of everything that is not data."""
        self.theme = theme
        self.setBackground(theme.background)
        self.ci.setContentsMargins(theme.px(4), theme.px(6), theme.px(12), theme.px(2))
        self.ci.setSpacing(theme.px(3))
        for plot in self.plots:
            style_axis(plot.getAxis("bottom"), theme)
            plot.getAxis("left").setWidth(theme.px(LEFT_AXIS_WIDTH))
            legend = plot.legend
            legend.setOffset((theme.px(4), theme.px(2)))
            legend.setBrush(pg.mkBrush(with_alpha(theme.background, 210)))
            legend.setPen(pg.mkPen(with_alpha(theme.muted, 120)))
            legend.setLabelTextColor(theme.foreground)
            legend.setLabelTextSize(f"{theme.font.pointSizeF() * 0.85 * theme.scale:.1f}pt")
        for line in self.highlights:
            line.setPen(pg.mkPen(theme.highlight, width=theme.px(3)))
        self.crosshair.set_theme(theme)
        self.refresh_labels()

    # ----- drawing ------------------------------------------------------------------------

    def draw(self, result: AnalysisResult, bounds: tuple[float, float]) -> None:
        """Replace every item with the result's; the X range is the caller's to set."""
        content = StackContent(
            x_bounds=bounds,
            leader_label=instrument_label(result.leader_key),
            follower_label=instrument_label(result.follower_key),
            leader_short=instrument_ticker(result.leader_key),
            follower_short=instrument_ticker(result.follower_key),
        )
        self.clear_items()
        theme, plots = self.theme, self.plots
        build_leader_pane(plots[0], result, theme, content)
        build_follower_pane(plots[1], result, theme, content)
        messages = [
            "" if len(result.leader) else "No leader prices",
            "" if len(result.follower) else "No follower prices",
            build_correlation_pane(plots[2], result, theme, content),
            build_volatility_pane(plots[3], result, theme, content),
        ]
        for message, pane_message in zip(messages, self.messages, strict=True):
            pane_message.show_message(message)
        self.content = content
        self.date_labels.set_lines(content.date_lines)
        self._finish(bounds)

    def clear_items(self) -> None:
        """Remove every data item (the crosshair and highlight lines are put back on draw)."""
        self.date_labels.set_lines([])  # before their lines go: labels die with their lines
        self.content = StackContent()
        for plot, message in zip(self.plots, self.messages, strict=True):
            plot.clear()
            plot.legend.clear()
            message.show_message("")
        self.crosshair.attach()

    def _finish(self, bounds: tuple[float, float]) -> None:
        self.crosshair.attach()
        lo, hi = bounds
        pad = max((hi - lo) * 0.05, 30 * DAY_SECONDS)
        for plot, line in zip(self.plots, self.highlights, strict=True):
            plot.addItem(line, ignoreBounds=True)
            add_grid(plot, self.theme)
            # Only now, with every item in place (pyqtgraph applies these to the data items
            # already added). The long curves do their own, cheaper version (widgets.charts.lod).
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.vb.setLimits(
                xMin=lo - pad, xMax=hi + pad, minXRange=MIN_VISIBLE_DAYS * DAY_SECONDS
            )
            legend = plot.legend
            legend.setColumnCount(max(1, len(legend.items)))  # one row: a strip, not a block
            legend.setVisible(bool(legend.items))
        self.plots[2].vb.setYRange(-1.0, 1.0, padding=0.12)
        self.set_log(self.log)
        self.set_compare(self.compare)

    # ----- modes and time -----------------------------------------------------------------

    def set_log(self, on: bool) -> None:
        """Log or linear price panes; the visible dates stay."""
        self.log = bool(on)
        x_range = self.x_range()
        for index in (0, 1):
            self.plots[index].setLogMode(x=False, y=self.log)
            self.plots[index].vb.disableAutoRange()  # setLogMode turns pyqtgraph's back on
        self.refresh_labels()
        self.set_x(x_range)

    def set_compare(self, on: bool) -> None:
        """Both markets indexed to 100 at the left edge, overlaid in the leader pane."""
        self.compare = bool(on)
        overlay = self.content.follower_overlay
        if overlay is not None:
            overlay.setVisible(self.compare)
            legend = self.plots[0].legend
            legend.removeItem(overlay)
            if self.compare:
                legend.addItem(overlay, self.content.follower_label)
            legend.setColumnCount(max(1, len(legend.items)))
        self.refresh_labels()
        self.refresh()

    def refresh_labels(self) -> None:
        """Left axis titles for the current mode."""
        scale = "log" if self.log else "linear"
        leader = self.content.leader_short or "Leader"
        follower = self.content.follower_short or "Follower"
        price = "Index, left edge = 100" if self.compare else f"{leader} ({scale})"
        titles = (price, f"{follower} ({scale})", "Correlation", "Vol. % a year")
        for plot, title in zip(self.plots, titles, strict=True):
            style_axis(plot.getAxis("left"), self.theme, title)

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self.master.vb.viewRange()[0]
        return float(x0), float(x1)

    def set_x(self, x_range: tuple[float, float], padding: float = 0.0) -> None:
        self.master.vb.setXRange(x_range[0], x_range[1], padding=padding)
        self.refresh()

    def refresh(self) -> None:
        """Re-base, re-sample and re-fit the panes for the dates in view."""
        if self.content.x_bounds is None:
            return
        columns = round((self.master.vb.width() or 1000) * self.columns_per_pixel)
        refresh_panes(self.plots, self.content, self.x_range(), columns, self.log, self.compare)
        # pyqtgraph applies a new range to the view transform only when it next paints, and
        # the items' reactions to that then ask for a second paint; apply it now instead.
        for plot in self.plots:
            plot.vb.updateMatrix()

    def _on_x_changed(self, *_args) -> None:
        self.refresh()
        self.rangeChanged.emit()

    def _on_mouse_moved_view(self, *_args) -> None:
        """A drag or wheel step: draw fast until the view rests (code-driven moves do not)."""
        if self.interactive:
            if self.is_settled():
                self._set_fast(True)
            self._settle_timer.start()

    def _set_fast(self, fast: bool) -> None:
        self.columns_per_pixel = 0.5 if fast else 1.0
        self._set_antialias(not fast)
        if not fast:
            self.refresh()  # full detail for the view the user stopped at

    def _set_antialias(self, on: bool) -> None:
        """Antialiasing of the curves (off while the view moves)."""
        for curves in self.content.curves:
            for curve in curves:
                curve.item.setAntialias(on)

    def is_settled(self) -> bool:
        """True when the curves are drawn in full quality (no pan or zoom in progress)."""
        return not self._settle_timer.isActive()

    def set_highlight(self, x: float | None) -> None:
        for line in self.highlights:
            line.setVisible(x is not None)
            if x is not None:
                line.setPos(x)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.paint_count += 1  # lets benchmarks and screenshots wait for a finished frame

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Leave:
            self.crosshair.hide()
        return super().eventFilter(watched, event)
