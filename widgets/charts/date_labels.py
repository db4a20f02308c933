"""Labels of vertical date lines, in a band at the top of a pane, never overlapping or clipped.

Halvings, events, the selected breakout and its follow-up windows are dates a reader wants
named; labels on the lines themselves sat on the price curve, stacked into a staircase when a
century of ^GSPC squeezed them together, and ran off the right edge. Here one item per pane
lays the labels out in pixels after every change of the view: each goes beside its line (to
the right, or to the left near the right edge), in the first of a few rows at the top where it
overlaps nothing; a label that finds no room is left out (its line keeps a tooltip with the
text). The pane's Y fit keeps the data below the rows in use (`reserved_px`), so no label
ever sits on a price.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from widgets.charts.pg import pg
from widgets.theme import Theme, with_alpha

MAX_ROWS = 2
MAX_BAND_SHARE = 0.25  # of the pane's height
SIDE_GAP_PX = 3.0  # between a line and its label
LABEL_GAP_PX = 8.0  # between two labels in a row


@dataclass(frozen=True)
class BandLabel:
    """A date line's label: chart X of the line, text, colour; higher `priority` goes first."""

    x: float
    text: str
    colour: QColor
    priority: int = 0


class DateLabelBand(pg.GraphicsObject):
    """The label band of one pane (a child of its ViewBox, drawn in the box's pixels)."""

    def __init__(self, view_box: pg.ViewBox, theme: Theme) -> None:
        super().__init__()
        self._view_box = view_box
        self._labels: list[BandLabel] = []
        self._placed: list[tuple[BandLabel, QRectF]] = []
        self._rows_used = 0
        self._size = (0.0, 0.0)
        self.setParentItem(view_box)
        self.setZValue(1_000)  # above the data and the crosshair
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self.prepareGeometryChange()  # the row height, and so the band, follows the font
        self._theme = theme
        self._font = theme.font_of(0.85)
        self._metrics = QFontMetricsF(self._font)
        self.relayout()

    def set_labels(self, labels: list[BandLabel]) -> None:
        ordered = sorted(labels, key=lambda label: (-label.priority, label.x))
        if ordered != self._labels:
            self._labels = ordered
            self.relayout()

    def labels(self) -> list[BandLabel]:
        return list(self._labels)

    def row_height(self) -> float:
        return self._metrics.height() + self._theme.px(2)

    def reserved_px(self) -> float:
        """Pixels at the top of the pane the labels in use take (the Y fit keeps data below)."""
        if not self._rows_used:
            return 0.0
        return self._rows_used * (self.row_height() + 1) + self._theme.px(3)

    def placed(self) -> list[tuple[BandLabel, QRectF]]:
        """Each shown label with its rectangle in scene coordinates."""
        return [(label, self.mapRectToScene(rect)) for label, rect in self._placed]

    def hidden(self) -> list[BandLabel]:
        shown = {id(label) for label, _ in self._placed}
        return [label for label in self._labels if id(label) not in shown]

    def relayout(self, *_args) -> None:
        """Place the labels for the current view (call after every change of X or size)."""
        before = (self._placed, self._rows_used)
        self._placed, self._rows_used = [], 0
        width, height = self._view_box.width(), self._view_box.height()
        if (width, height) != self._size:
            self.prepareGeometryChange()  # the item covers the top of the box, whatever is shown
            self._size = (width, height)
        (x0, x1), _ = self._view_box.viewRange()
        if self._labels and width > 0 and height > 0 and x1 > x0:
            self._place(x0, x1, width, height)
        if (self._placed, self._rows_used) != before:
            self.update()

    def _place(self, x0: float, x1: float, width: float, height: float) -> None:
        row_height = self.row_height()
        rows = max(0, min(MAX_ROWS, int(height * MAX_BAND_SHARE // row_height)))
        taken: list[list[QRectF]] = [[] for _ in range(rows)]
        top = self._theme.px(2)
        for label in self._labels:
            px = (label.x - x0) / (x1 - x0) * width
            if not 0 <= px <= width:
                continue
            text_width = self._metrics.horizontalAdvance(label.text) + self._theme.px(6)
            spot = _first_free(px, text_width, width, taken, top, row_height)
            if spot is not None:
                row, rect = spot
                taken[row].append(rect)
                self._placed.append((label, rect))
                self._rows_used = max(self._rows_used, row + 1)

    def boundingRect(self) -> QRectF:
        width, height = self._size
        band = MAX_ROWS * (self.row_height() + 1) + self._theme.px(8)
        return QRectF(0, 0, width, min(height, band))

    def paint(self, painter: QPainter, *_args) -> None:
        fill = with_alpha(self._theme.background, 225)
        painter.setFont(self._font)
        for label, rect in self._placed:
            painter.fillRect(rect, fill)
            painter.setPen(label.colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label.text)


def _first_free(
    px: float,
    text_width: float,
    width: float,
    taken: list[list[QRectF]],
    top: float,
    row_height: float,
) -> tuple[int, QRectF] | None:
    """The first row, and side of the line, where the label fits inside the pane and is free."""
    sides = (px + SIDE_GAP_PX, px - SIDE_GAP_PX - text_width)
    for row, rects in enumerate(taken):
        y = top + row * (row_height + 1)
        for left in sides:
            rect = QRectF(left, y, text_width, row_height)
            inside = rect.left() >= 0 and rect.right() <= width
            if inside and not any(_near(rect, other) for other in rects):
                return row, rect
    return None


def _near(a: QRectF, b: QRectF) -> bool:
    return a.left() < b.right() + LABEL_GAP_PX and a.right() > b.left() - LABEL_GAP_PX
