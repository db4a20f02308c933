"""A splitter whose handle can be seen: a short grip line in the palette's mid colour.

Qt's default handle is invisible in most styles, so users do not find that the charts and the
tabs can share the height differently. The grip is painted, not styled with a style sheet: a
style sheet on the splitter would stop palette changes (View → Theme) from reaching the charts.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

HANDLE_PX = 7
GRIP_PX = 48  # the painted grip's length along the handle


class GripHandle(QSplitterHandle):
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        colour = self.palette().color(QPalette.ColorRole.Mid)
        if self.underMouse():
            colour = self.palette().color(QPalette.ColorRole.Highlight)
        rect = self.rect()
        if self.orientation() == Qt.Orientation.Vertical:  # a horizontal handle between rows
            grip = QRect(rect.center().x() - GRIP_PX // 2, rect.center().y() - 1, GRIP_PX, 3)
        else:
            grip = QRect(rect.center().x() - 1, rect.center().y() - GRIP_PX // 2, 3, GRIP_PX)
        painter.fillRect(grip, colour)
        painter.end()


class GripSplitter(QSplitter):
    """A QSplitter with GripHandle handles, HANDLE_PX wide."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self.setHandleWidth(HANDLE_PX)

    def createHandle(self) -> QSplitterHandle:
        handle = GripHandle(self.orientation(), self)
        handle.setAttribute(Qt.WidgetAttribute.WA_Hover)
        handle.setToolTip("Drag to share the height between the charts and the tables")
        return handle
