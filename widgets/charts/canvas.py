"""The graphics side of the chart stack: four linked panes, their items and their state.

`StackCanvas` is a pyqtgraph GraphicsLayoutWidget holding the panes by name (`Pane`). It draws
a result, switches log and compare modes, moves in time (pan, zoom, all dates, keys and
double-click) and shows the selected breakout; `ChartStack` (widgets.charts.stack) wraps it
with the readout strip, the empty state and the export functions. A canvas can lay out a
subset of the panes (a one-pane export); the others exist but are not shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal

from app.bars import EPOCH_DAY_SECONDS
from widgets.charts.axes import LEFT_AXIS_WIDTH, set_axis_titles, style_axis
from widgets.charts.content import StackContent
from widgets.charts.crosshair import Crosshair
from widgets.charts.date_labels import DateLabelBand
from widgets.charts.fitting import refresh_panes
from widgets.charts.items import PaneMessage, PanePlots, add_grid
from widgets.charts.legend_strip import LegendStrip, add_legend_strip
from widgets.charts.navigation import NAVIGATION_KEYS
from widgets.charts.pane_spec import ALL_PANES, PRICE_PANES, Pane, axis_titles
from widgets.charts.panes import BUILDERS, new_content
from widgets.charts.pg import pg
from widgets.charts.readout import ReadoutContext
from widgets.charts.selection import Selection
from widgets.theme import Theme

if TYPE_CHECKING:
    from app.chart_input import ChartInput

MIN_VISIBLE_DAYS = 14
SETTLE_MS = 150  # after the last pan/zoom step, redraw the curves antialiased


class StackCanvas(pg.GraphicsLayoutWidget):
    """Linked panes on one UTC date axis.

    Signals:
        exportPaneRequested(int): a pane's context menu asked to export that pane (a Pane).
        exportAllRequested(): a pane's context menu asked to export every pane.
        rangeChanged(): the visible dates changed (after the panes were refreshed).
        breakoutClicked(int): a breakout marker was clicked (its row in the breakouts frame).
    """

    exportPaneRequested = Signal(int)
    exportAllRequested = Signal()
    rangeChanged = Signal()
    breakoutClicked = Signal(int)

    def __init__(
        self,
        theme: Theme,
        panes: tuple[Pane, ...] = ALL_PANES,
        parent=None,
        interactive: bool = True,
        premade: PanePlots | None = None,
    ) -> None:
        super().__init__(parent)
        self.theme = theme
        self.panes = tuple(Pane(p) for p in panes)
        # While the mouse drags or wheels: a low/high pair per 2 pixels and no antialiasing,
        # a third of the frame time; full quality again once the view rests. Exported
        # copies (interactive=False) are always drawn in full quality.
        self.interactive = interactive
        self.paint_count = self.refresh_count = 0
        self._held, self._refresh_due = 0, False
        self.columns_per_pixel = 1.0
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(lambda: self._set_fast(False))
        self.content = StackContent()
        self.chart: ChartInput | None = None  # what is drawn
        self.log, self.compare, self.overlap_only = True, False, False
        self.plots: dict[Pane, pg.PlotItem] = {}
        self.strips: dict[Pane, LegendStrip] = {}
        self._build_panes(premade)
        self.messages = {p: PaneMessage(plot.vb, theme) for p, plot in self.plots.items()}
        self.bands = {p: DateLabelBand(plot.vb, theme) for p, plot in self.plots.items()}
        self.selection = Selection(self.plots, theme)
        self.crosshair = Crosshair([self.plots[p] for p in ALL_PANES], theme)
        self.apply_theme(theme)
        self.master.vb.sigXRangeChanged.connect(self._on_x_changed)
        for plot in self.plots.values():
            plot.vb.sigRangeChangedManually.connect(self._on_mouse_moved_view)
            plot.vb.showAllRequested.connect(self.show_all)
            plot.vb.sigResized.connect(self._on_x_changed)
        self.viewport().installEventFilter(self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _build_panes(self, premade: PanePlots | None) -> None:
        plots = premade or PanePlots(self.theme, self.panes)
        for pane in ALL_PANES:
            plot, view_box = plots.take(pane)
            view_box.exportRequested.connect(lambda p=pane: self.exportPaneRequested.emit(p))
            view_box.exportAllRequested.connect(self.exportAllRequested.emit)
            self.strips[pane] = add_legend_strip(plot, self.theme)
            self.plots[pane] = plot
        self.master = self.plots[self.panes[0]]
        for row, pane in enumerate(self.panes):
            self.addItem(self.plots[pane], row=row, col=0)
            self.ci.layout.setRowStretchFactor(row, pane.spec.stretch)
        for plot in self.plots.values():
            if plot is not self.master:
                plot.setXLink(self.master)

    def apply_theme(self, theme: Theme) -> None:
        """Colours, fonts and sizes of everything that is not data."""
        self.theme = theme
        self.setBackground(theme.background)
        self.ci.setContentsMargins(theme.px(4), theme.px(2), theme.px(12), theme.px(2))
        self.ci.setSpacing(theme.px(3))
        for pane, plot in self.plots.items():
            style_axis(plot.getAxis("bottom"), theme)
            style_axis(plot.getAxis("left"), theme)
            plot.getAxis("left").setWidth(theme.px(LEFT_AXIS_WIDTH))
            self.strips[pane].set_theme(theme)
            self.bands[pane].set_theme(theme)
        self.selection.set_theme(theme)
        self.crosshair.set_theme(theme)
        self.refresh_labels()

    # ----- drawing ------------------------------------------------------------------------

    def draw(self, chart: ChartInput) -> None:
        """Replace every item with the drawing's; the X range is the caller's to set."""
        with self.one_refresh():
            self._draw(chart)

    def _draw(self, chart: ChartInput) -> None:
        self.clear_items()
        content = new_content(chart)
        for pane, build in BUILDERS.items():
            build(self.plots[pane], chart, self.theme, content)
        for pane, pane_content in content.panes.items():
            self.messages[pane].show_message(pane_content.message)
            for mark in pane_content.marks:
                if hasattr(mark, "breakoutClicked"):
                    mark.breakoutClicked.connect(self.breakoutClicked.emit)
        self.content, self.chart = content, chart
        self._finish()

    def clear_items(self) -> None:
        """Remove every data item (the crosshair and selection lines are put back)."""
        self.content, self.chart = StackContent(), None
        for pane, plot in self.plots.items():
            plot.clear()
            self.messages[pane].show_message("")
            self.strips[pane].set_entries([])
            self.bands[pane].set_labels([])
        self.crosshair.attach()
        self.selection.attach()
        self.selection.show(None, None)

    def _finish(self) -> None:
        self.crosshair.attach()
        for plot in self.plots.values():
            add_grid(plot, self.theme)
            # Only now, with every item in place (pyqtgraph applies these to the data items
            # already added). The long curves do their own, cheaper version (widgets.charts.lod).
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
        self._apply_limits()
        self.set_log(self.log)
        self.set_compare(self.compare)

    def _update_strips(self) -> None:
        for pane, strip in self.strips.items():
            entries = list(self.content.panes[pane].legend)
            note = ""
            if pane is Pane.LEADER and self.compare:
                if self.content.overlay_entry is not None:
                    entries.insert(1, self.content.overlay_entry)
                note = self.content.compare_note()
            strip.set_entries(entries, note)

    # ----- modes --------------------------------------------------------------------------

    def set_log(self, on: bool) -> None:
        """Log or linear price panes; the visible dates stay."""
        self.log = bool(on)
        x_range = self.x_range()
        for pane in PRICE_PANES:
            self.plots[pane].setLogMode(x=False, y=self.log)
            self.plots[pane].vb.disableAutoRange()  # setLogMode turns pyqtgraph's back on
        self.refresh_labels()
        self.set_x(x_range)

    def set_compare(self, on: bool) -> None:
        """Both markets indexed to 100 on a common date, overlaid in the leader pane."""
        self.compare = bool(on)
        overlay = self.content.follower_overlay
        if overlay is not None:
            overlay.item.setVisible(self.compare)
        self.refresh_labels()
        self.refresh()

    def set_overlap_only(self, on: bool) -> None:
        """Start the dates where both markets have data (if their histories meet)."""
        changed, self.overlap_only = bool(on) != self.overlap_only, bool(on)
        if changed and self.content.x_bounds is not None:  # a drawing applied the same
            self._apply_limits()
            self.show_all()

    def refresh_labels(self) -> None:
        """Left axis titles for the current mode (each axis shows the longest that fits)."""
        vol_window = self.chart.vol_window if self.chart is not None else 30
        for pane, plot in self.plots.items():
            titles = axis_titles(
                pane, self.content.markets, log=self.log, compare=self.compare,
                vol_window=vol_window,
            )  # fmt: skip
            set_axis_titles(plot.getAxis("left"), self.theme, titles)

    # ----- time ---------------------------------------------------------------------------

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self.master.vb.viewRange()[0]
        return float(x0), float(x1)

    def set_x(self, x_range: tuple[float, float], padding: float = 0.0) -> None:
        done = self.refresh_count
        self.master.vb.setXRange(x_range[0], x_range[1], padding=padding)
        if self.refresh_count == done:  # the range was already this: no refresh came with it
            self.refresh()

    def date_bounds(self) -> tuple[float, float] | None:
        """The dates the view may show: all, or from where both markets have data on."""
        content = self.content
        if self.overlap_only and content.both_markets_bounds is not None:
            return content.both_markets_bounds
        return content.x_bounds

    def _apply_limits(self) -> None:
        bounds = self.date_bounds()
        if bounds is None:
            return
        lo, hi = bounds
        pad = max((hi - lo) * 0.05, 30 * EPOCH_DAY_SECONDS)
        for plot in self.plots.values():
            plot.vb.setLimits(
                xMin=lo - pad, xMax=hi + pad, minXRange=MIN_VISIBLE_DAYS * EPOCH_DAY_SECONDS
            )

    def show_all(self) -> None:
        """Every date (from where both markets have data, in that mode), with a little room."""
        bounds = self.date_bounds()
        if bounds is not None:
            self.set_x((bounds[0], bounds[1] + EPOCH_DAY_SECONDS), padding=0.01)

    def pan(self, fraction: float) -> None:
        """Move the view by `fraction` of its span (negative: back in time)."""
        x0, x1 = self.x_range()
        shift = (x1 - x0) * fraction
        self.set_x((x0 + shift, x1 + shift))

    def zoom(self, factor: float, centre: float | None = None) -> None:
        """Show 1/`factor` of the span (factor > 1 zooms in) around `centre` (the middle)."""
        x0, x1 = self.x_range()
        centre = (x0 + x1) / 2 if centre is None else centre
        share = (centre - x0) / (x1 - x0) if x1 > x0 else 0.5
        span = (x1 - x0) / factor
        self.set_x((centre - share * span, centre + (1 - share) * span))

    def show_latest(self) -> None:
        """Keep the span and move to the last date."""
        bounds = self.date_bounds()
        if bounds is not None:
            x0, x1 = self.x_range()
            end = bounds[1] + EPOCH_DAY_SECONDS
            self.set_x((end - (x1 - x0), end))

    @contextmanager
    def one_refresh(self) -> Iterator[None]:
        """Steps that each refresh (a drawing, its modes, its dates, its selection) refresh
        once, at the end: every refresh re-fits every pane to the whole history in view."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._refresh_due:
                self._refresh_due = False
                self.refresh()

    def refresh(self) -> None:
        """Re-base, re-sample, re-label and re-fit the panes for the dates in view."""
        if self._held:
            self._refresh_due = True
            return
        self.refresh_count += 1
        if self.content.x_bounds is None:
            return
        self._layout_bands()
        columns = round((self.master.vb.width() or 1000) * self.columns_per_pixel)
        reserved = {pane: band.reserved_px() for pane, band in self.bands.items()}
        for pane, plot in self.plots.items():
            plot.getAxis("left").top_reserved_px = reserved[pane]
        label_px = self.plots[Pane.CORRELATION].getAxis("left").label_px
        refresh_panes(
            self.plots, self.content, self.x_range(), columns, self.log, self.compare, reserved,
            label_px,
        )  # fmt: skip
        self._update_strips()
        # pyqtgraph applies a new range to the view transform only when it next paints, and
        # the items' reactions to that then ask for a second paint; apply it now instead.
        for plot in self.plots.values():
            plot.vb.updateMatrix()

    def _layout_bands(self) -> None:
        # The key dates on the Bitcoin market's pane; the selection's windows on the follower's.
        for pane in (Pane.LEADER, Pane.FOLLOWER):
            keyed = self.content.key_dates if pane is self.content.key_dates_pane else []
            chosen = self.selection.labels if pane is Pane.FOLLOWER else []
            self.bands[pane].set_labels([*keyed, *chosen])
            self.bands[pane].relayout()  # for the dates now in view
        band = self.bands[Pane.FOLLOWER]
        if not self.interactive:
            # An image keeps the selection only where it is named (the follower pane).
            placed = any(label in self.selection.labels for label, _ in band.placed())
            for pane, line in self.selection.lines.items():
                line.setVisible(self.selection.x is not None and pane is Pane.FOLLOWER and placed)

    def readout_context(self) -> ReadoutContext:
        """What the crosshair readout needs to know about the drawn content and modes."""
        content = self.content
        leader, follower = content.leader_group, content.follower_group
        return ReadoutContext(
            readouts=[content.panes[pane].readouts for pane in ALL_PANES],
            log=self.log,
            compare=self.compare,
            leader_factor=leader.factor if leader else None,
            follower_factor=follower.factor if follower else None,
        )

    def select(self, x: float | None) -> None:
        """Select the breakout (or day) at chart X, midnight; None clears the selection."""
        self.selection.show(x, self.chart)
        self.refresh()

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
        for curve in self.content.curves():
            curve.item.setAntialias(on)

    def is_settled(self) -> bool:
        """True when the curves are drawn in full quality (no pan or zoom in progress)."""
        return not self._settle_timer.isActive()

    # ----- input --------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        """Left/Right pan, +/− zoom, Home shows every date, End the latest (as chart tools do)."""
        action = NAVIGATION_KEYS.get(Qt.Key(event.key()))
        if action is not None and self.content.x_bounds is not None:
            action(self)
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        """A double-click in a pane shows every date (as Home does)."""
        point = self.mapToScene(event.position().toPoint())
        inside = any(plot.vb.sceneBoundingRect().contains(point) for plot in self.plots.values())
        if event.button() == Qt.MouseButton.LeftButton and inside and self.content.x_bounds:
            self.show_all()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.paint_count += 1  # lets benchmarks and screenshots wait for a finished frame

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Leave:
            self.crosshair.hide()
        return super().eventFilter(watched, event)
