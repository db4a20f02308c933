"""A one-line label that cuts its text with "…" to the width it gets, the whole text in its
tooltip: for sentences that must never widen the window or wrap into the room of what is below.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """One line of text, cut with "…" when it does not fit; the tooltip keeps all of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        # As narrow as need be: the window, not the sentence, decides the width.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What the label shows: the text, or as much of it as fits with "…"."""
        return QLabel.text(self)

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def clear(self) -> None:  # QLabel.clear alone would leave the text to come back on a resize
        self.set_full_text("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 0)
        metrics = self.fontMetrics()
        super().setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, width))
