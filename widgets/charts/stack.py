"""The linked chart stack the main window embeds: leader, follower, correlation, volatility.

All four panes share X (seconds since 1970-01-01 UTC, shown by a UTC date axis, so a bar shows
its own date in any time zone) and have left axes of one fixed width, so a date sits at the same
pixel column in every pane. Mouse wheel and drag move time only; each pane fits its Y range to
the data in view. A readout strip above the panes shows the date and every value under the
mouse. The panes themselves live in `widgets.charts.canvas`; images in
`widgets.charts.image_export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLayout, QStackedWidget, QVBoxLayout, QWidget

from widgets.charts.canvas import ALL_PANES, StackCanvas
from widgets.charts.coords import DAY_SECONDS, date_text, to_timestamp, to_x
from widgets.charts.cycles import CyclesChart
from widgets.charts.panes import data_x_bounds
from widgets.charts.readout import ReadoutContext, readout_html, readout_text
from widgets.theme import Theme, theme_from_palette

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult

__all__ = ["ALL_PANES", "DEFAULT_EMPTY_MESSAGE", "ChartStack", "ChartState", "CyclesChart"]

DEFAULT_EMPTY_MESSAGE = "No data yet — Refresh when online, or Import CSV…"


@dataclass(frozen=True)
class ChartState:
    """What an exported image must reproduce from the on-screen stack."""

    result: AnalysisResult
    log: bool
    compare: bool
    x_range: tuple[float, float]
    highlight_x: float | None


class ChartStack(QWidget):
    """Four linked pyqtgraph panes with a crosshair readout strip above them.

    Signals:
        readoutChanged(str): plain-text readout of the date and values under the cursor.
        rangeChanged(): the visible date range changed (pan, zoom, new result).
        exportPaneRequested(int): a pane's context menu asked to export that pane (0..3).
        exportAllRequested(): a pane's context menu asked to export the whole stack.
    """

    readoutChanged = Signal(str)
    rangeChanged = Signal()
    exportPaneRequested = Signal(int)
    exportAllRequested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        theme: Theme | None = None,
        panes: tuple[int, ...] = ALL_PANES,
        interactive: bool = True,
    ) -> None:
        """`theme` fixes the colours (default: follow the system palette); `panes` picks which
        panes to show; `interactive=False` draws every frame in full quality (for images)."""
        super().__init__(parent)
        self._fixed_theme = theme is not None
        self._theme = theme or theme_from_palette(self.palette(), self.font())
        self._result: AnalysisResult | None = None
        self._highlight_x: float | None = None
        self._readout = QLabel(self)
        self._readout.setTextFormat(Qt.TextFormat.RichText)
        self._readout.setToolTip("Date and values under the mouse pointer")
        self._readout.setContentsMargins(6, 2, 6, 2)
        self._readout.setMinimumHeight(self._readout.fontMetrics().height() + 6)
        self._empty = QLabel(self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._canvas = StackCanvas(self._theme, panes, interactive=interactive)
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
        canvas.showAllRequested.connect(self.show_all)
        canvas.rangeChanged.connect(self.rangeChanged.emit)
        # The "… shown" line follows every change of the view (keys, a Signals row, Show all,
        # a resize), not only the next mouse move; under the crosshair its values stay.
        canvas.rangeChanged.connect(self._on_range_changed)
        canvas.crosshair.moved.connect(self._on_crosshair_moved)
        canvas.crosshair.left.connect(self._show_idle_readout)
        canvas.crosshair.connect_scene(canvas.scene(), lambda: self._result is not None)

    def _style_empty(self) -> None:
        size = self._theme.font.pointSizeF() * 1.3
        self._empty.setStyleSheet(
            f"color: {self._theme.css(self._theme.muted)}; font-size: {size:.0f}pt;"
        )

    # ----- public API ---------------------------------------------------------------------

    def set_result(self, result: AnalysisResult) -> None:
        """Draw an analysis result; keeps the visible dates when the instruments did not change."""
        bounds = data_x_bounds(result)
        if bounds is None:
            self.clear("No price data for these instruments yet — Refresh or Import CSV…")
            return
        same_pair = self._result is not None and (
            (self._result.leader_key, self._result.follower_key)
            == (result.leader_key, result.follower_key)
        )
        keep = self.x_range() if same_pair else None
        self._result = result
        self._canvas.draw(result, bounds)
        self.highlight(None if self._highlight_x is None else to_timestamp(self._highlight_x))
        self._pages.setCurrentWidget(self._canvas)
        self._canvas.set_x(keep or (bounds[0], bounds[1] + DAY_SECONDS), 0.0 if keep else 0.01)
        self._show_idle_readout()

    def clear(self, message: str = DEFAULT_EMPTY_MESSAGE) -> None:
        """Remove the charts and show `message` in their place (the empty state)."""
        self._result = None
        self._canvas.clear_items()
        self._empty.setText(message)
        self._pages.setCurrentWidget(self._empty)
        self._readout.setText("")
        self.readoutChanged.emit("")

    def message(self) -> str:
        """The empty-state message, or "" while charts are shown."""
        return self._empty.text() if self._pages.currentWidget() is self._empty else ""

    def has_result(self) -> bool:
        """True while a result is drawn."""
        return self._result is not None

    def set_log(self, on: bool) -> None:
        """Log (True, the default) or linear price axes; the visible dates stay."""
        self._canvas.set_log(on)

    def is_log(self) -> bool:
        return self._canvas.log

    def set_compare(self, on: bool) -> None:
        """Index both markets to 100 at the left edge of the view, overlaid in the top pane.

        The index follows the view: panning moves the left edge and re-bases both curves.
        """
        self._canvas.set_compare(on)

    def is_compare(self) -> bool:
        return self._canvas.compare

    def center_on(self, date: pd.Timestamp) -> None:
        """Centre every pane on `date` (the middle of that day), keeping the zoom span."""
        x0, x1 = self.x_range()
        centre = to_x(date) + DAY_SECONDS / 2
        self._canvas.set_x((centre - (x1 - x0) / 2, centre + (x1 - x0) / 2))

    def highlight(self, date: pd.Timestamp | None) -> None:
        """Mark `date` with a distinct line through every pane (None removes it)."""
        self._highlight_x = None if date is None else to_x(date) + DAY_SECONDS / 2
        self._canvas.set_highlight(self._highlight_x)

    def highlighted(self) -> pd.Timestamp | None:
        """The highlighted date, or None."""
        if self._highlight_x is None:
            return None
        return to_timestamp(self._highlight_x - DAY_SECONDS / 2)

    def show_all(self) -> None:
        """Zoom out to every date of the result."""
        bounds = self._canvas.content.x_bounds
        if bounds is not None:
            self._canvas.set_x((bounds[0], bounds[1] + DAY_SECONDS), padding=0.01)

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

    def set_readout_visible(self, visible: bool) -> None:
        """Show or hide the readout strip above the chart (hidden in exported copies)."""
        self._readout.setVisible(visible)

    def theme(self) -> Theme:
        """The colours and sizes the charts are drawn with."""
        return self._theme

    def plots(self) -> list[pg.PlotItem]:
        """The pane PlotItems, in pane order (for tests and exports)."""
        return list(self._canvas.plots)

    def graphics_view(self) -> StackCanvas:
        """The view that holds every pane (what an image of the stack is rendered from)."""
        return self._canvas

    def plotted(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """All points of a series as drawn now (rebased in compare mode).

        `name` is "leader", "ath" or "overlay" (the follower over the leader in compare mode).
        """
        curves = self._canvas.content.curves[0]
        if not curves:
            return np.empty(0), np.empty(0)
        return curves[{"leader": 0, "ath": 1, "overlay": 2}[name]].full()

    def readout_at(self, x: float, pane: int | None = None, view_y: float | None = None) -> str:
        """The plain-text readout for chart X (and the cursor's view Y in `pane`)."""
        return readout_text(self._readout_context(), x, pane, view_y)

    def state(self) -> ChartState | None:
        """What an export needs to redraw this view, or None in the empty state."""
        if self._result is None:
            return None
        return ChartState(
            self._result, self.is_log(), self.is_compare(), self.x_range(), self._highlight_x
        )

    def apply_state(self, state: ChartState) -> None:
        """Show exactly the view described by `state` (used for exports)."""
        self._canvas.log, self._canvas.compare = state.log, state.compare
        self._highlight_x = state.highlight_x
        self.set_result(state.result)
        self.set_x_range(state.x_range)

    def export_png(self, path: str | Path, width: int = 1920, caption: str = "") -> Path:
        """Write the whole linked stack as one PNG `width` pixels wide, captioned at the bottom.

        Raises:
            ValueError: nothing is drawn, or the width is outside 320..10000 pixels.
            OSError: the file could not be written.
        """
        from widgets.charts.image_export import export_stack_png

        return export_stack_png(self, Path(path), width, caption, ALL_PANES)

    def export_pane_png(
        self, index: int, path: str | Path, width: int = 1920, caption: str = ""
    ) -> Path:
        """Write one pane (0 leader, 1 follower, 2 correlation, 3 volatility) as a PNG."""
        from widgets.charts.image_export import export_stack_png

        if index not in ALL_PANES:
            raise ValueError(f"pane index must be 0, 1, 2 or 3 (got {index})")
        return export_stack_png(self, Path(path), width, caption, (index,))

    # ----- readout ------------------------------------------------------------------------

    def _readout_context(self) -> ReadoutContext:
        content = self._canvas.content
        return ReadoutContext(
            readouts=content.readouts,
            log=self.is_log(),
            compare=self.is_compare(),
            leader_factor=content.leader_group.factor if content.leader_group else None,
            follower_factor=content.follower_group.factor if content.follower_group else None,
            leader_short=content.leader_short,
            follower_short=content.follower_short,
        )

    def _on_crosshair_moved(self, x: float, pane: int, y: float) -> None:
        context = self._readout_context()
        self._readout.setText(readout_html(context, x, pane, y))
        self.readoutChanged.emit(readout_text(context, x, pane, y))

    def _on_range_changed(self) -> None:
        if self._canvas.crosshair.position() is None:
            self._show_idle_readout()

    def _show_idle_readout(self) -> None:
        if self._result is None:
            return
        x0, x1 = self.x_range()
        text = f"{date_text(x0)} – {date_text(x1)} shown · point at a chart to read its values"
        muted = self._theme.css(self._theme.muted)
        self._readout.setText(f'<span style="color:{muted}">{text}</span>')
        self.readoutChanged.emit(text)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between light and dark system themes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._fixed_theme:
            self._theme = theme_from_palette(self.palette(), self.font())
            self._canvas.apply_theme(self._theme)
            self._style_empty()
            bounds = self._canvas.content.x_bounds
            if self._result is not None and bounds is not None:
                x_range = self.x_range()
                self._canvas.draw(self._result, bounds)
                self._canvas.set_x(x_range)
