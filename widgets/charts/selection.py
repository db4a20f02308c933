"""The selected breakout: a line through every pane and, on the follower pane, its follow-up
windows (the horizons: +30, +90, +180, +365 days) with the follower's return at the end of each.

The windows are what the Signals table's return columns measure, drawn where they happened: a
dotted line at each horizon's end, a dot on the follower's close that day, and the return in
the pane's label band. The labels are named ("Breakout 2020-11-13", "+90 d +193.6%"), so an
exported image can keep the selection without leaving an unexplained line in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt

from app.bars import EPOCH_DAY_SECONDS
from widgets.charts.coords import date_text, format_change, value_at
from widgets.charts.date_labels import BandLabel
from widgets.charts.markers import PriceMarks
from widgets.charts.pane_spec import Pane
from widgets.charts.pg import pg
from widgets.theme import Theme, with_alpha

if TYPE_CHECKING:
    from app.chart_input import ChartInput

SELECTION_PRIORITY = 10  # its labels are placed before any key date's
HALF_DAY = EPOCH_DAY_SECONDS / 2  # lines stand in the middle of their day


class Selection:
    """The selection's items in the panes of one canvas (see the module docstring)."""

    def __init__(self, plots: Mapping[Pane, pg.PlotItem], theme: Theme) -> None:
        self._plots = dict(plots)
        self.lines = {pane: self._line() for pane in self._plots}
        self._windows: list[pg.InfiniteLine] = []
        self._dots: PriceMarks | None = None
        self.x: float | None = None
        self.labels: list[BandLabel] = []
        self.set_theme(theme)

    @staticmethod
    def _line() -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False)
        line.setZValue(5)
        line.setVisible(False)
        return line

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._text_colour = with_alpha(theme.highlight, 255)  # the line is translucent
        for line in self.lines.values():
            line.setPen(pg.mkPen(theme.highlight, width=theme.px(3)))

    def attach(self) -> None:
        """(Re)add the selection lines to their cleared plots."""
        self._windows, self._dots = [], None
        for pane, line in self.lines.items():
            self._plots[pane].addItem(line, ignoreBounds=True)

    def show(self, x: float | None, chart: ChartInput | None) -> None:
        """Select the day at chart X (midnight), or nothing (None)."""
        self._remove_windows()
        self.x, self.labels = x, []
        for line in self.lines.values():
            line.setVisible(x is not None)
            if x is not None:
                line.setPos(x + HALF_DAY)
        if x is None or chart is None:
            return
        row = chart.breakouts.row_at(x)
        name = "Breakout" if row is not None else "Selected"
        self.labels.append(
            BandLabel(x + HALF_DAY, f"{name} {date_text(x)}", self._text_colour,
                      SELECTION_PRIORITY + 1)
        )  # fmt: skip
        if row is not None:
            self._draw_windows(chart, row, x)

    def _draw_windows(self, chart: ChartInput, row: int, x: float) -> None:
        theme, plot = self._theme, self._plots[Pane.FOLLOWER]
        follower_xs, follower_ys = chart.follower.xs, chart.follower.ys
        pen = pg.mkPen(self._text_colour, width=theme.thin_width, style=Qt.PenStyle.DotLine)
        dots_x, dots_y = [], []
        for horizon, change in zip(chart.horizons, chart.breakouts.returns[row], strict=True):
            if not np.isfinite(change):
                continue
            end = x + horizon * EPOCH_DAY_SECONDS
            line = pg.InfiniteLine(pos=end + HALF_DAY, angle=90, movable=False, pen=pen)
            line.setZValue(4)
            line.setToolTip(f"{horizon} days after the breakout: {format_change(change)}")
            plot.addItem(line, ignoreBounds=True)
            self._windows.append(line)
            text = f"+{horizon} d {format_change(change)}"
            self.labels.append(BandLabel(end + HALF_DAY, text, self._text_colour,
                                         SELECTION_PRIORITY))  # fmt: skip
            price = value_at(follower_xs, follower_ys, end)
            if price is not None:
                dots_x.append(end + HALF_DAY)
                dots_y.append(price)
        if dots_x:
            self._dots = PriceMarks(
                np.asarray(dots_x), np.asarray(dots_y), symbol="o", size=theme.marker_size * 0.8,
                brushes=[pg.mkBrush(self._text_colour)] * len(dots_x),
                pen=pg.mkPen(theme.background, width=theme.thin_width),
            )  # fmt: skip
            self._dots.setZValue(31)
            plot.addItem(self._dots, ignoreBounds=True)

    def _remove_windows(self) -> None:
        plot = self._plots[Pane.FOLLOWER]
        for item in (*self._windows, *([self._dots] if self._dots is not None else [])):
            plot.removeItem(item)
        self._windows, self._dots = [], None

    def window_count(self) -> int:
        """How many follow-up windows are drawn (for tests)."""
        return len(self._windows)
