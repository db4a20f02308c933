"""The notice line above the charts: what is missing or how old the data is, and the buttons
that fix it (Import CSV…, Refresh), so an empty or partial window is never a dead end; and the
window's one kind of warning box (`notify`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.data_age import data_age_note
from app.instruments import market_name, market_ticker
from widgets.elided import ElidedLabel

#: The notice keeps at least this width on the headline's row, so the data's age stays whole
#: ("BTC/USD data as of 2026-03-03, 276 days old — Refresh when online"); a longer note is cut
#: with "…", whole in its tooltip.
NOTICE_MIN_PX = 420


def notice_text(
    missing: tuple[str, ...],
    last_days: Mapping[str, dt.date | None],
    name: Callable[[str], str] = market_name,
) -> str:
    """What the bar says: the instruments of the pair without bars (each called `name(key)`,
    the user's own name for it in the window), else the data's age (`last_days`: each key's
    newest bar; the staler market is the one dated, named by its ticker)."""
    if missing:
        names = " and ".join(name(k) for k in missing)
        return f"No cached bars for {names} yet — Refresh when online, or Import CSV…"
    # By ticker: the note shares its line with the headline and must fit it whole.
    return data_age_note({market_ticker(key): day for key, day in last_days.items()})


class NoticeBar(QFrame):
    """A message with working buttons; hidden while there is nothing to say."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # The palette's alternate base, not a style sheet: the bar follows View → Theme.
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.text = ElidedLabel(self)  # one line: it shares the line above the charts
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 4, 0)
        layout.addWidget(self.text, 1)
        self.buttons: list[QToolButton] = []
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            layout.addWidget(button)
            self.buttons.append(button)
        self.hide()

    def show_notice(self, text: str) -> None:
        """Show `text` with the buttons; an empty text hides the bar."""
        self.text.set_full_text(text)
        one_line = self.text.fontMetrics().horizontalAdvance(text) + 2
        self.text.setMinimumWidth(min(one_line, NOTICE_MIN_PX))
        self.setVisible(bool(text))

    def notice(self) -> str:
        """The text shown (whole, however it is cut on screen), or "" while it is hidden."""
        return "" if self.isHidden() else self.text.full_text()


def above_charts(top: QWidget, first_row: list[QWidget], below: list[QWidget]) -> None:
    """Lay out `top`: the widgets of `first_row` side by side in one line of fixed height
    (the first and the last one stretching), then `below` one under the other, the last one
    taking the height left.

    The headline, the notice and the alert banner share that line because every line above
    the charts is taken from the charts' height, and the panes need it for their axis labels.
    Its height is fixed, so a notice or a banner coming or going never resizes the charts: a
    resize repaints all four panes, the longest pass of the GUI thread during a download.
    """
    line = QWidget(top)
    row = QHBoxLayout(line)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    for index, widget in enumerate(first_row):
        row.addWidget(widget, 1 if index in (0, len(first_row) - 1) else 0)
    line.setFixedHeight(max(widget.sizeHint().height() for widget in first_row))
    column = QVBoxLayout(top)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(line)
    for index, widget in enumerate(below):
        column.addWidget(widget, 1 if index == len(below) - 1 else 0)


def notify(parent: QWidget, title: str, text: str) -> None:
    """A non-blocking warning box (never stalls workers, screenshots or tests)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class AlertBanner(QFrame):
    """A line above the charts after a refresh that raised alerts, in the theme's highlight
    colours, with Show alerts (opens the Alerts tab) and Dismiss; hidden otherwise.

    Signals:
        shownChanged(): it was shown or hidden (the notice beside it gives way meanwhile).
    """

    shownChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alert-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Highlight)
        self.setForegroundRole(QPalette.ColorRole.HighlightedText)
        self.setAutoFillBackground(True)
        self.text = ElidedLabel(self)  # one line: it shares the line above the charts
        self.text.setForegroundRole(QPalette.ColorRole.HighlightedText)
        self.show_button = QToolButton(self)
        self.show_button.setText("Show alerts")
        self.show_button.setToolTip("Open the Alerts tab (the alerts are then marked read)")
        self.dismiss = QToolButton(self)
        self.dismiss.setText("Dismiss")
        self.dismiss.setToolTip("Hide this line; the alerts stay in the Alerts tab")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 4, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.dismiss)
        self.dismiss.clicked.connect(self._close)
        self.show_button.clicked.connect(self._close)
        self._up = False
        self.hide()

    def _close(self) -> None:
        self._up = False
        self.hide()
        self.shownChanged.emit()

    def is_up(self) -> bool:
        """Shown, or about to be (the notice gives way before it appears: the line's minimum
        width must never hold both, or the window would widen)."""
        return self._up

    def hide_banner(self) -> None:
        """Hide it (the alerts were read elsewhere)."""
        self._close()

    def show_text(self, text: str, tip: str) -> None:
        self.text.set_full_text(text)
        self.text.setToolTip(tip)
        self.setToolTip(tip)
        self._up = True
        self.shownChanged.emit()
        self.show()

    def banner(self) -> str:
        """The text shown (whole, however it is cut on screen), or "" while it is hidden."""
        return "" if self.isHidden() else self.text.full_text()
