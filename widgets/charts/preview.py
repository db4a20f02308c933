"""The cached prices, drawn at start-up before the analysis is ready.

Importing pandas and running the analysis take about half a second more than a bare Qt window
needs to appear. So the load worker first sends the two close series as plain numpy arrays
(`Preview`), the window draws them here in panes shaped like the chart stack's top two, and the
full linked charts replace this view as soon as the analysis arrives.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.bars import EPOCH_DAY_SECONDS
from app.instruments import parse_key
from app.preview import Preview
from widgets.charts.pg import pg
from widgets.theme import theme_from_palette

ANALYSING = "Analysing the cached history…"


LEFT_AXIS_PX = 78  # like the chart stack's panes, so the switch to the full charts is calm


class PricePreview(QWidget):
    """Two log-scale price panes on one UTC date axis, and a note that analysis is running."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme = self.theme = theme_from_palette(self.palette(), self.font())
        self.note = QLabel(ANALYSING, self)
        self.note.setToolTip("Breakouts, regimes, correlation and volatility follow in a moment")
        self.note.setContentsMargins(6, 2, 6, 2)
        self.note.setStyleSheet(f"color: {theme.css(theme.muted)};")
        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setBackground(theme.background)
        self.plots = [self._plot(show_dates=index == 1) for index in (0, 1)]
        for row, plot in enumerate(self.plots):
            self.view.addItem(plot, row=row, col=0)
        self.plots[1].setXLink(self.plots[0])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def _plot(self, show_dates: bool) -> pg.PlotItem:
        theme = self.theme
        from widgets.charts.items import ValueAxisItem  # the chart stack's readable log ticks

        axes = {"bottom": pg.DateAxisItem(utcOffset=0), "left": ValueAxisItem()}
        plot = pg.PlotItem(axisItems=axes, enableMenu=False)  # no menu forms built
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.setLogMode(x=False, y=True)
        plot.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted))
            axis.setTextPen(pg.mkPen(theme.foreground))
        plot.getAxis("left").setWidth(LEFT_AXIS_PX)
        if not show_dates:
            plot.hideAxis("bottom")
        return plot

    def show_prices(self, preview: Preview) -> None:
        """Draw both close series (log scale) over their whole history."""
        theme = self.theme
        series = (
            (preview.leader_key, preview.leader_days, preview.leader_close, theme.leader),
            (preview.follower_key, preview.follower_days, preview.follower_close, theme.follower),
        )
        for plot, (key, days, close, colour) in zip(self.plots, series, strict=True):
            plot.clear()
            plot.setLabel("left", f"{parse_key(key).label} (log)", color=theme.css(theme.muted))
            keep = np.isfinite(close) & (close > 0)
            xs = days[keep].astype(float) * EPOCH_DAY_SECONDS
            pen = pg.mkPen(colour, width=theme.line_width)
            plot.addItem(pg.PlotDataItem(xs, close[keep], pen=pen))
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.enableAutoRange()
