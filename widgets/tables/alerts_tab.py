"""The Alerts tab: every alert a refresh raised, newest event first, unread ones in bold.

The tab shows the list it is given (widgets.alerts_view reads and marks alerts in a worker);
a line above the table says how many are unread and how alerts are chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.formatting import plural
from widgets.tables.copying import install_copy
from widgets.tables.ladder_models import AlertsModel

if TYPE_CHECKING:
    from app.ladder.alerts import Alert

NO_ALERTS = (
    "No alerts yet. After each refresh, a rung's breakout, new all-time high or regime turn "
    "appears here (Settings › Downloads › Alerts chooses which)."
)


class AlertsTab(QWidget):
    """The stored alerts in a table (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AlertsModel(self)
        self.summary = QLabel(NO_ALERTS, self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setToolTip("Alerts raised by refreshes, newest event first; unread in bold")
        install_copy(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_alerts(self, alerts: Sequence[Alert]) -> None:
        self.model.set_alerts(alerts)
        unread = len(self.model.unread())
        if not alerts:
            self.summary.setText(NO_ALERTS)
        else:
            self.summary.setText(
                f"{plural(len(alerts), 'alert')}, {unread} unread (bold until you leave this tab)."
            )

    def unread_count(self) -> int:
        return len(self.model.unread())
