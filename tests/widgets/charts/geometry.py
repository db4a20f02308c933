"""What Qt reports about where the charts put their text: tick labels, axis titles, legend
strips and date labels, as scene rectangles, so tests can assert that nothing overlaps,
nothing is clipped and every price axis is labelled."""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from widgets.charts.canvas import StackCanvas
from widgets.charts.pane_spec import Pane


def tick_labels(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """The tick labels the axis draws now, with their scene rectangles."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    return [(axis.mapRectToScene(rect), text) for rect, _flags, text in specs[2]]


def title_rect(axis: pg.AxisItem) -> QRectF | None:
    """The axis title's scene rectangle, or None when it shows none."""
    label = axis.label
    if label is None or not label.isVisible() or not label.toPlainText().strip():
        return None
    # The text item's box includes its document margin; the text itself is inside that.
    margin = label.document().documentMargin()
    return label.mapRectToScene(label.boundingRect().adjusted(margin, margin, -margin, -margin))


def shown_panes(canvas: StackCanvas) -> list[Pane]:
    return list(canvas.panes)


def texts(canvas: StackCanvas) -> list[tuple[QRectF, str]]:
    """Every piece of text of the shown panes, with its scene rectangle and a description."""
    found: list[tuple[QRectF, str]] = []
    for pane in shown_panes(canvas):
        plot = canvas.plots[pane]
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            if axis.isVisible():
                found += [(rect, f"{pane.name} {side} tick {t}") for rect, t in tick_labels(axis)]
        title = title_rect(plot.getAxis("left"))
        if title is not None:
            found.append((title, f"{pane.name} title {plot.getAxis('left').title()!r}"))
        strip = canvas.strips[pane]
        found += [(rect, f"{pane.name} legend item") for rect in strip.item_rects()]
        placed = canvas.bands[pane].placed()
        found += [(rect, f"{pane.name} band {label.text!r}") for label, rect in placed]
    return found


def overlaps(items: Iterable[tuple[QRectF, str]]) -> list[tuple[str, str]]:
    """Pairs of texts whose rectangles intersect (more than a rounding pixel)."""
    items = list(items)
    pairs = []
    for i, (a, name_a) in enumerate(items):
        for b, name_b in items[i + 1 :]:
            common = a.intersected(b)
            if common.width() > 0.5 and common.height() > 0.5:
                pairs.append((name_a, name_b))
    return pairs


def inside(rect: QRectF, outer: QRectF, slack: float = 0.5) -> bool:
    return outer.adjusted(-slack, -slack, slack, slack).contains(rect)
