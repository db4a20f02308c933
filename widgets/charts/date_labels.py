"""Keeps the labels of vertical date lines readable at every zoom level.

Halvings and events can be weeks apart (the 2024 ETF approval and the 2024 halving), so their
labels collide when zoomed out and separate when zoomed in. After every change of the visible
range the labels are stacked in rows, greedily, so that no two in a row overlap on screen.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF

ROW_GAP_PX = 3.0
BOTTOM_MARGIN_PX = 4.0
SIDE_GAP_PX = 8.0


class DateLabelLayout:
    """Row assignment for the labels of one pane's vertical date lines."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self._view_box = view_box
        self._lines: list[pg.InfiniteLine] = []
        view_box.sigXRangeChanged.connect(self.relayout)
        view_box.sigResized.connect(self.relayout)

    def set_lines(self, lines: list[pg.InfiniteLine]) -> None:
        """Manage the labels (`line.label`) of these lines from now on.

        Call with [] before the previous lines are removed from their plot.
        """
        self._lines = sorted(lines, key=lambda line: line.value())
        self.relayout()

    def rows(self) -> list[int]:
        """The row of each label, in date order."""
        return [getattr(line.label, "layout_row", 0) for line in self._lines]

    def relayout(self, *_args) -> None:
        """Put each label in the lowest row where it overlaps no other label."""
        height = self._view_box.height()
        if not self._lines or height <= 0:
            return
        centre = self._view_box.sceneBoundingRect().center().x()
        taken: list[list[tuple[float, float]]] = []
        for line in self._lines:
            label = line.label
            extent = _screen_extent(self._view_box, label, centre)
            row = next(
                (i for i, spans in enumerate(taken) if not _overlaps(extent, spans)), len(taken)
            )
            if row == len(taken):
                taken.append([])
            taken[row].append(extent)
            label.layout_row = row
            text_height = label.textItem.boundingRect().height()
            offset = BOTTOM_MARGIN_PX + row * (text_height + ROW_GAP_PX)
            label.setPosition(min(0.95, offset / height))


def _screen_extent(
    view_box: pg.ViewBox, label: pg.InfLineLabel, centre: float
) -> tuple[float, float]:
    """Left and right scene X of a label: InfLineLabel puts it on the side facing the centre."""
    x = view_box.mapViewToScene(QPointF(label.line.value(), 0.0)).x()
    width = label.textItem.boundingRect().width()
    return (x - width, x) if x > centre else (x, x + width)


def _overlaps(extent: tuple[float, float], spans: list[tuple[float, float]]) -> bool:
    left, right = extent
    return any(left < b + SIDE_GAP_PX and right > a - SIDE_GAP_PX for a, b in spans)
