"""The lead-lag scan as bars: the correlation of the leader's week t with the follower's week
t + k, for each lag k, with two bands around zero.

The dashed band (±1.96/√n) is where an unrelated pair's correlation falls 95 % of the time at
one lag looked at alone; the dotted band is corrected for looking at every lag (Bonferroni,
see app.signals.correlation). A bar that leaves the dotted band is drawn in the strong colour,
one that leaves only the dashed band in a paler one: with 25 lags, one or two of those are
expected by chance. The chart is a picture, not a place to navigate: the mouse neither pans
nor zooms it, and the wheel scrolls the tab it sits in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

from widgets.charts.axes import style_axis
from widgets.charts.items import PaneMessage
from widgets.charts.legend_strip import LegendEntry, add_legend_strip
from widgets.charts.pg import pg
from widgets.theme import blend, theme_from_palette

if TYPE_CHECKING:
    import pandas as pd

NO_SCAN_MESSAGE = "No lead-lag scan: too few common weeks"


class _StillView(pg.GraphicsLayoutWidget):
    """A plot that leaves the wheel to its scrolling parent."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()


class LeadLagChart(QWidget):
    """Bars per lag with the per-lag and the corrected band (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme_from_palette(self.palette(), self.font())
        self._table: pd.DataFrame | None = None
        self._view = _StillView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self._view)
        # Built as the cycles chart is (a layout widget holding our own plot item): the legend
        # strip then goes away with the plot at exit.
        self._plot = pg.PlotItem(enableMenu=False)  # no menu forms built
        self._view.addItem(self._plot)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._strip = add_legend_strip(self._plot, self._theme)
        self._message = PaneMessage(self._plot.vb, self._theme)
        self.bars: pg.BarGraphItem | None = None
        self._apply_theme()

    def _apply_theme(self) -> None:
        theme = self._theme
        self._view.setBackground(theme.background)
        for name in ("left", "bottom"):
            style_axis(self._plot.getAxis(name), theme)
        self._plot.getAxis("bottom").setLabel("Lag (weeks; + = the follower moves later)")
        self._strip.set_theme(theme)

    def set_table(self, table: pd.DataFrame) -> None:
        """Draw a lead-lag frame (columns lag, corr, band, band_corrected, clears_corrected)."""
        self._table = table
        self._plot.clear()
        self.bars = None
        known = table["corr"].notna().to_numpy()
        if not known.any():
            self._strip.set_entries([])
            self._message.show_message(NO_SCAN_MESSAGE)
            return
        self._message.show_message("")
        self._draw(table)

    def colours(self) -> tuple[str, str, str]:
        """(clears the corrected band, clears only the per-lag band, inside both) as #rrggbb."""
        theme = self._theme
        strong = theme.correlation
        pale = blend(strong, theme.background, 0.45)
        inside = blend(theme.foreground, theme.background, 0.3)
        return theme.css(strong), theme.css(pale), theme.css(inside)

    def _draw(self, table: pd.DataFrame) -> None:
        theme = self._theme
        lags = table["lag"].to_numpy(dtype=float)
        corr = table["corr"].to_numpy(dtype=float, na_value=np.nan)
        strong, pale, inside = self.colours()
        above = np.abs(np.nan_to_num(corr)) > table["band"].to_numpy(dtype=float, na_value=np.inf)
        clears = table["clears_corrected"].to_numpy(dtype=bool)
        brushes = [
            strong if c else pale if a else inside for c, a in zip(clears, above, strict=True)
        ]
        self.bars = pg.BarGraphItem(
            x=lags, height=np.nan_to_num(corr), width=0.7, brushes=brushes, pen=pg.mkPen(None)
        )
        self._plot.addItem(self.bars)
        for column, style in (
            ("band", Qt.PenStyle.DashLine),
            ("band_corrected", Qt.PenStyle.DotLine),
        ):
            band = table[column].to_numpy(dtype=float, na_value=np.nan)
            pen = pg.mkPen(theme.muted, width=theme.line_width, style=style)
            for sign in (1.0, -1.0):
                edges = np.append(lags - 0.5, lags[-1] + 0.5)
                self._plot.plot(edges, sign * band, stepMode="center", pen=pen)
        zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(theme.muted, width=theme.thin_width))
        self._plot.addItem(zero, ignoreBounds=True)
        self._strip.set_entries(
            [
                LegendEntry("clears the corrected band", QColor(strong), "swatch", priority=3),
                LegendEntry("only the per-lag band", QColor(pale), "swatch", priority=2),
                LegendEntry("per-lag ±1.96/√n", theme.muted, style=Qt.PenStyle.DashLine),
                LegendEntry("corrected", theme.muted, style=Qt.PenStyle.DotLine, priority=1),
            ]
        )
        self._plot.setXRange(lags[0] - 0.6, lags[-1] + 0.6, padding=0)
        self._plot.enableAutoRange(axis=pg.ViewBox.YAxis)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between light and dark themes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._theme = theme_from_palette(self.palette(), self.font())
            self._apply_theme()
            if self._table is not None:
                self.set_table(self._table)
