"""The chart axes: value axes that always label at least three ticks and whose title fits,
and the UTC date axis that the linked panes share.

Tick positions and texts come from widgets.charts.ticks; this module only tells them the sizes
Qt will draw at. A value axis is given its titles longest first and shows the longest one that
fits its height and leaves room for the tick labels beside it: on a short pane "^RUT price
(log)" becomes "^RUT", then nothing, instead of overlapping the next pane's title.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF

from widgets.charts.pg import pg
from widgets.charts.ticks import tick_labels, value_ticks
from widgets.theme import Theme

LEFT_AXIS_WIDTH = 78  # px; the same for every pane so linked dates line up exactly
TITLE_END_GAP_PX = 3.0  # room kept free at each end of the axis beside the title
TYPICAL_TICK_TEXT = "100,000"  # the widest label the title must leave room for


class ValueAxisItem(pg.AxisItem):
    """A left axis with readable ticks in both scales and a title that fits (module docstring)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("left", **kwargs)
        self.enableAutoSIPrefix(False)
        # Labels never run past the ends of the axis (into the next pane's labels): the tick
        # positions keep them inside instead (widgets.charts.ticks).
        self.setStyle(hideOverlappingLabels=True)
        self.label_px = 12.0
        self.gap_px = 30.0
        self.top_reserved_px = 0.0  # the pane's label band: no ticks or grid lines there
        self._ticks_for: tuple | None = None
        self._ticks: list = []
        self._titles: tuple[str, ...] = ()
        self._title_style: dict[str, str] = {}
        self._title_metrics = QFontMetricsF(QFont())
        self._tick_metrics = QFontMetricsF(QFont())
        self._title = ""

    # ----- ticks --------------------------------------------------------------------------

    def set_tick_font(self, font: QFont, gap_px: float) -> None:
        """The tick font, and the comfortable distance between two labels."""
        self.setTickFont(font)
        self._tick_metrics = QFontMetricsF(font)
        # pyqtgraph measures a label as 0.8 of the font's line height.
        self.label_px = self._tick_metrics.height() * 0.8 + 1
        self.gap_px = gap_px

    def tickValues(self, minVal, maxVal, size):
        # The axis and the pane's grid ask for the same ticks on every frame.
        key = (minVal, maxVal, round(size), self.label_px, self.gap_px, self.logMode,
               self.top_reserved_px)  # fmt: skip
        if key != self._ticks_for:
            self._ticks_for = key
            self._ticks = value_ticks(
                minVal, maxVal, size, self.label_px, self.gap_px, self.logMode,
                self.top_reserved_px,
            )  # fmt: skip
        return self._ticks

    def tickStrings(self, values, scale, spacing):
        if spacing is None:
            return [None for _ in values]  # extra grid lines: no label
        if self.logMode:
            return tick_labels([float(10.0**v) for v in values])
        return tick_labels([float(v * scale) for v in values])

    # ----- title --------------------------------------------------------------------------

    def set_titles(self, titles: tuple[str, ...], colour: str, font: QFont) -> None:
        """Candidate titles, longest first; the axis shows the longest that fits."""
        self._titles = tuple(titles)
        self._title_style = {"color": colour, "font-size": f"{font.pointSizeF():.1f}pt"}
        self._title_metrics = QFontMetricsF(font)
        self._fit_title()

    def title(self) -> str:
        """The title shown now ("" when none fits)."""
        return self._title

    def title_fits(self, text: str) -> bool:
        """True if `text` fits along the axis and beside the widest tick labels."""
        length = self._title_metrics.horizontalAdvance(text)
        across = self._title_metrics.height() + self._tick_metrics.horizontalAdvance(
            TYPICAL_TICK_TEXT
        )
        room_across = self.width() - self.style["tickTextOffset"][0]
        return length <= self.height() - 2 * TITLE_END_GAP_PX and across <= room_across

    def _fit_title(self) -> None:
        title = next((t for t in self._titles if self.title_fits(t)), "")
        if title != self._title or (title and self.labelStyle != self._title_style):
            self._title = title
            if title:
                self.setLabel(title, **self._title_style)
            else:
                self.showLabel(False)

    def resizeEvent(self, ev=None) -> None:
        if hasattr(self, "_titles"):  # pyqtgraph resizes the axis inside its own __init__
            self._fit_title()
        super().resizeEvent(ev)


class UtcDateAxis(pg.DateAxisItem):
    """A date axis in UTC (bars are stamped at UTC midnight) whose ticks linked panes share.

    pyqtgraph works out date ticks in Python, tick by tick; the four linked panes show the
    same dates at the same width, so the first axis to paint computes them for all.
    """

    def __init__(self, tick_cache: dict | None = None) -> None:
        super().__init__(orientation="bottom", utcOffset=0)
        self._tick_cache = {} if tick_cache is None else tick_cache
        shared: OrderedDict[float, pg.graphicsItems.DateAxisItem.ZoomLevel] = self.zoomLevels  # type: ignore[has-type]
        self.zoomLevels = OrderedDict(
            (spacing, UtcZoomLevel(level)) for spacing, level in shared.items()
        )
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


class UtcZoomLevel(pg.graphicsItems.DateAxisItem.ZoomLevel):
    """One of pyqtgraph's date zoom levels, for a UTC axis: ticks stay where they are.

    pyqtgraph moves every tick to local time through two QDateTime conversions, and with an
    offset of 0 it adds 0 (in hour steps it asks this computer's time zone, which a UTC axis
    must not). Skipping that spares ~800 conversions a frame of the four panes. A copy per
    axis: pyqtgraph's own levels are shared by every date axis.
    """

    def __init__(self, level: pg.graphicsItems.DateAxisItem.ZoomLevel) -> None:
        super().__init__(level.tickSpecs, level.exampleText)

    def moveTicksToLocalTimeCoords(
        self, ticks: np.ndarray, spacing: int, skipFactor: int
    ) -> np.ndarray:
        return ticks


def style_axis(axis: pg.AxisItem, theme: Theme) -> None:
    """Colours and fonts of one axis from the theme (the grid is a GridItem, not the axis)."""
    axis.setPen(pg.mkPen(theme.muted, width=theme.thin_width))
    axis.setTextPen(pg.mkPen(theme.foreground))
    axis.setStyle(tickTextOffset=theme.px(4), tickLength=-theme.px(5))
    if isinstance(axis, ValueAxisItem):
        axis.set_tick_font(theme.font_of(0.95), theme.px(30))
    else:
        axis.setTickFont(theme.font_of(0.95))


def set_axis_titles(axis: pg.AxisItem, theme: Theme, titles: tuple[str, ...]) -> None:
    """Give an axis its titles in the theme's muted colour (a plain axis shows the first)."""
    font = theme.font_of(1.0)
    if isinstance(axis, ValueAxisItem):
        axis.set_titles(titles, theme.css(theme.muted), font)
    elif titles:
        axis.setLabel(
            titles[0], color=theme.css(theme.muted), **{"font-size": f"{font.pointSizeF():.1f}pt"}
        )
