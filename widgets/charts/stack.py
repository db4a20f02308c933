"""The linked chart stack the main window embeds: leader, follower, correlation, volatility.

All four panes share X (seconds since 1970-01-01 UTC, shown by a UTC date axis, so a bar shows
its own date in any time zone) and have left axes of one fixed width, so a date sits at the same
pixel column in every pane. Mouse wheel and drag move time only, as do the keys (Left/Right,
+/−, Home, End) and a double-click (all dates); each pane fits its Y range to the data in view.
A readout strip above the panes shows the date and every value under the mouse. The panes
themselves live in `widgets.charts.canvas`; images are laid out here and rendered by
`widgets.charts.image_export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLayout, QStackedWidget, QVBoxLayout, QWidget

from widgets.charts import image_export
from widgets.charts.canvas import StackCanvas
from widgets.charts.coords import day_start, to_timestamp
from widgets.charts.navigation import TimeNavigation
from widgets.charts.pane_spec import ALL_PANES, Pane
from widgets.charts.panes import default_overlap_only
from widgets.charts.pg import pg
from widgets.charts.readout import ReadoutStrip, readout_text
from widgets.theme import Theme, theme_from_palette

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.chart_input import ChartInput
    from widgets.charts.items import PanePlots

__all__ = [
    "ALL_PANES",
    "DEFAULT_EMPTY_MESSAGE",
    "ChartStack",
    "ChartState",
    "Pane",
    "default_overlap_only",
]

DEFAULT_EMPTY_MESSAGE = "No data yet — Refresh when online, or Import CSV…"


@dataclass(frozen=True)
class ChartState:
    """What an exported image must reproduce from the on-screen stack."""

    chart: ChartInput
    log: bool
    compare: bool
    x_range: tuple[float, float]
    selected_x: float | None  # midnight of the selected day
    overlap_only: bool = False


class ChartStack(TimeNavigation, QWidget):
    """Four linked pyqtgraph panes with a crosshair readout strip above them.

    Signals:
        readoutChanged(str): plain-text readout of the date and values under the cursor (or,
            with the mouse elsewhere, the dates shown).
        rangeChanged(): the visible date range changed (pan, zoom, keys, resize, new result).
        exportPaneRequested(int): a pane's context menu asked to export that pane (a Pane).
        exportAllRequested(): a pane's context menu asked to export the whole stack.
        breakoutClicked(object): a breakout marker was clicked (its date, a Timestamp).
        selectionChanged(object): the selected breakout's date, or None when cleared.
    """

    readoutChanged = Signal(str)
    rangeChanged = Signal()
    exportPaneRequested = Signal(int)
    exportAllRequested = Signal()
    breakoutClicked = Signal(object)
    selectionChanged = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        theme: Theme | None = None,
        panes: tuple[Pane, ...] = ALL_PANES,
        interactive: bool = True,
        premade: PanePlots | None = None,
    ) -> None:
        """`theme` fixes the colours (default: follow the system palette); `panes` picks which
        panes to show; `interactive=False` draws every frame in full quality (for images);
        `premade`: the panes' plots made ahead (widgets.charts.area)."""
        super().__init__(parent)
        self._fixed_theme = theme is not None
        self._theme = theme or theme_from_palette(self.palette(), self.font())
        self._chart: ChartInput | None = None  # what is drawn
        self._readout = ReadoutStrip(self._theme, self)
        self._empty = QLabel(self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._canvas = StackCanvas(self._theme, panes, interactive=interactive, premade=premade)
        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._empty)
        self._pages.addWidget(self._canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Never push a minimum size onto a top-level window (an exported copy, or a test):
        # the offscreen platform warns about every such change.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setSpacing(2)
        layout.addWidget(self._readout)
        layout.addWidget(self._pages, 1)
        self._connect()
        self._style_empty()
        self.clear(DEFAULT_EMPTY_MESSAGE)

    def _connect(self) -> None:
        canvas = self._canvas
        canvas.exportPaneRequested.connect(self.exportPaneRequested.emit)
        canvas.exportAllRequested.connect(self.exportAllRequested.emit)
        # The "… shown" line follows every change of the view (keys, a Signals row, Show all,
        # a resize), not only the next mouse move; so does the crosshair under a resting mouse.
        canvas.rangeChanged.connect(self._on_range_changed)
        canvas.breakoutClicked.connect(self._on_breakout_clicked)
        canvas.crosshair.moved.connect(self._on_crosshair_moved)
        canvas.crosshair.left.connect(self._show_idle_readout)
        canvas.crosshair.connect_scene(canvas.scene(), lambda: self._chart is not None)

    def _style_empty(self) -> None:
        size = self._theme.font.pointSizeF() * 1.3
        self._empty.setStyleSheet(
            f"color: {self._theme.css(self._theme.muted)}; font-size: {size:.0f}pt;"
        )

    # ----- result and modes ---------------------------------------------------------------

    def set_result(self, result: AnalysisResult) -> None:
        """Draw an analysis result (see `show_chart`)."""
        from app.chart_input import chart_input

        self.show_chart(chart_input(result))

    def show_chart(self, chart: ChartInput) -> None:
        """Draw an analysis' charts; keeps the visible dates when the instruments did not change.

        The selected breakout stays selected if the new drawing still has a breakout on that
        date; otherwise the selection is cleared (and `selectionChanged(None)` emitted).
        """
        if chart.x_bounds() is None:
            self.clear("No price data for these instruments yet — Refresh or Import CSV…")
            return
        same_pair = self._chart is not None and (
            (self._chart.leader_key, self._chart.follower_key)
            == (chart.leader_key, chart.follower_key)
        )
        keep = self.x_range() if same_pair else None
        with self._canvas.one_refresh():
            self._draw(chart, keep)
        self._show_idle_readout()

    def _draw(self, chart: ChartInput, keep: tuple[float, float] | None) -> None:
        selected = self._canvas.selection.x
        self._chart = chart
        self._canvas.draw(chart)
        self._pages.setCurrentWidget(self._canvas)
        if keep:
            self._canvas.set_x(keep)
        else:
            self._canvas.show_all()
        still = selected is not None and chart.breakouts.row_at(selected) is not None
        self._canvas.select(selected if still else None)
        if selected is not None and not still:
            self.selectionChanged.emit(None)

    def clear(self, message: str = DEFAULT_EMPTY_MESSAGE) -> None:
        """Remove the charts and show `message` in their place (the empty state)."""
        had_selection = self._canvas.selection.x is not None
        self._chart = None
        self._canvas.clear_items()
        self._empty.setText(message)
        self._pages.setCurrentWidget(self._empty)
        self._readout.clear()
        self.readoutChanged.emit("")
        if had_selection:
            self.selectionChanged.emit(None)

    def message(self) -> str:
        """The empty-state message, or "" while charts are shown."""
        return self._empty.text() if self._pages.currentWidget() is self._empty else ""

    def has_result(self) -> bool:
        """True while an analysis is drawn."""
        return self._chart is not None

    def chart(self) -> ChartInput | None:
        """What is drawn (None in the empty state)."""
        return self._chart

    def set_log(self, on: bool) -> None:
        """Log (True, the default) or linear price axes; the visible dates stay."""
        self._canvas.set_log(on)

    def is_log(self) -> bool:
        return self._canvas.log

    def set_compare(self, on: bool) -> None:
        """Both markets indexed to 100 on the first date both have data in view, overlaid.

        The index follows the view: panning moves the base date and re-bases both curves; the
        legend strip of the top pane names the date.
        """
        self._canvas.set_compare(on)

    def is_compare(self) -> bool:
        return self._canvas.compare

    def set_overlap_only(self, on: bool) -> None:
        """Start the dates where both markets have data (see `default_overlap_only`); the newest
        bar of either stays in reach."""
        self._canvas.set_overlap_only(on)

    def is_overlap_only(self) -> bool:
        return self._canvas.overlap_only

    # ----- selection ----------------------------------------------------------------------

    def select_breakout(self, date: pd.Timestamp | None) -> None:
        """Mark `date` with a line through every pane (None clears it).

        For a breakout date the follower pane also shows its follow-up windows (one per
        horizon) with the follower's return at the end of each.
        """
        x = None if date is None else day_start(date)
        if x != self._canvas.selection.x:
            self._canvas.select(x)
            self.selectionChanged.emit(None if x is None else to_timestamp(x))

    highlight = select_breakout  # the name the window has used so far

    def clear_selection(self) -> None:
        """Remove the selection line and follow-up windows."""
        self.select_breakout(None)

    def show_start_view(self) -> None:
        """What a start shows: every date, nothing selected, no crosshair."""
        self.clear_selection()
        self._canvas.crosshair.hide()
        self.show_all()

    def highlighted(self) -> pd.Timestamp | None:
        """The selected date, or None."""
        x = self._canvas.selection.x
        return None if x is None else to_timestamp(x)

    def _on_breakout_clicked(self, row: int) -> None:
        if self._chart is not None and 0 <= row < len(self._chart.breakouts):
            self.breakoutClicked.emit(to_timestamp(self._chart.breakouts.xs[row]))

    # ----- parts, for the window, tests and exports ---------------------------------------

    def set_readout_visible(self, visible: bool) -> None:
        """Show or hide the readout strip above the chart (hidden in exported copies)."""
        self._readout.setVisible(visible)

    def theme(self) -> Theme:
        """The colours and sizes the charts are drawn with."""
        return self._theme

    def plots(self) -> list[pg.PlotItem]:
        """The pane PlotItems, in pane order (for tests and exports)."""
        return [self._canvas.plots[pane] for pane in ALL_PANES]

    def plot(self, pane: Pane) -> pg.PlotItem:
        return self._canvas.plots[Pane(pane)]

    def graphics_view(self) -> StackCanvas:
        """The view that holds every pane (what an image of the stack is rendered from)."""
        return self._canvas

    def plotted(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """All points of a series as drawn now (indexed in compare mode).

        `name` is "leader", "ath" or "overlay" (the follower over the leader in compare mode).
        """
        curves = self._canvas.content.panes[Pane.LEADER].curves
        if not curves:
            return np.empty(0), np.empty(0)
        return curves[{"leader": 0, "ath": 1, "overlay": 2}[name]].full()

    def readout_at(self, x: float, pane: Pane | None = None, view_y: float | None = None) -> str:
        """The plain-text readout for chart X (and the cursor's view Y in `pane`)."""
        return readout_text(self._canvas.readout_context(), x, pane, view_y)

    # ----- images -------------------------------------------------------------------------

    def state(self) -> ChartState | None:
        """What an export needs to redraw this view, or None in the empty state."""
        if self._chart is None:
            return None
        return ChartState(
            self._chart, self.is_log(), self.is_compare(), self.x_range(),
            self._canvas.selection.x, self.is_overlap_only(),
        )  # fmt: skip

    def apply_state(self, state: ChartState) -> None:
        """Show exactly the view described by `state` (used for exports)."""
        canvas = self._canvas
        canvas.log, canvas.compare, canvas.overlap_only = (
            state.log, state.compare, state.overlap_only,
        )  # fmt: skip
        self._chart = state.chart
        canvas.draw(state.chart)
        self._pages.setCurrentWidget(canvas)
        canvas.select(state.selected_x)
        canvas.set_x(state.x_range)

    def export_png(self, path: str | Path, width: int = 1920, caption: str = "") -> Path:
        """Write the whole linked stack as one PNG `width` pixels wide, captioned at the bottom.

        Raises:
            ValueError: nothing is drawn, or the width is outside 480..10000 pixels.
            OSError: the file could not be written.
        """
        return self._export(Path(path), width, caption, ALL_PANES)

    def export_pane_png(
        self, index: int, path: str | Path, width: int = 1920, caption: str = ""
    ) -> Path:
        """Write one pane (Pane.LEADER … Pane.VOLATILITY, or 0..3) as a PNG."""
        if index not in tuple(Pane):
            raise ValueError(f"pane index must be 0, 1, 2 or 3 (got {index})")
        return self._export(Path(path), width, caption, (Pane(index),))

    def _export(self, path: Path, width: int, caption: str, panes: tuple[Pane, ...]) -> Path:
        state = self.state()
        if state is None:
            raise ValueError("there is no chart to export yet")
        return render_state_png(state, path, width, caption, panes, self._theme)

    # ----- readout ------------------------------------------------------------------------

    def _on_crosshair_moved(self, x: float, pane: int, y: float) -> None:
        self.readoutChanged.emit(
            self._readout.show_values(self._canvas.readout_context(), x, Pane(pane), y)
        )

    def _on_range_changed(self) -> None:
        self.rangeChanged.emit()
        if self._chart is None:
            return  # no dates shown yet (laid out before its first drawing)
        # Nothing here may need pandas: the first drawing can come from app.chart_snapshot
        # while the load worker imports it, and asking for it would block on the import lock.
        self._canvas.crosshair.follow_view_change()
        if self._canvas.crosshair.position() is None:
            self._show_idle_readout()

    def _show_idle_readout(self) -> None:
        if self._chart is not None:
            self.readoutChanged.emit(self._readout.show_range(*self.x_range()))

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between light and dark system themes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._fixed_theme:
            self._theme = theme_from_palette(self.palette(), self.font())
            self._readout.set_theme(self._theme)
            self._canvas.apply_theme(self._theme)
            self._style_empty()
            if self._chart is not None:
                x_range, selected = self.x_range(), self._canvas.selection.x
                self._canvas.draw(self._chart)
                self._canvas.select(selected)
                self._canvas.set_x(x_range)


def render_state_png(
    state: ChartState,
    path: Path,
    width: int,
    caption: str,
    panes: tuple[Pane, ...],
    theme: Theme | None = None,
) -> Path:
    """Lay out a copy of the stack at `width` pixels, draw `state` into it and save a PNG."""
    width = image_export.check_width(width)
    image_export.ensure_app()
    scaled = (theme or theme_from_palette()).scaled(width / image_export.REFERENCE_WIDTH)
    aspect = image_export.STACK_ASPECT if len(panes) > 1 else panes[0].spec.export_aspect
    copy = ChartStack(theme=scaled, panes=panes, interactive=False)
    copy.set_readout_visible(False)
    size = (width, round(width * aspect))
    return image_export.render_copy(
        copy, lambda: copy.apply_state(state), copy.graphics_view, size, caption, scaled, path
    )
