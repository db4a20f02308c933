"""An ordered list of instrument keys with Add, Remove, Move up and Move down (the ladder).

The value is the keys in list order, each in its canonical spelling where it parses; a key
that does not parse is kept as typed, so the settings rule names it, with the same words as
the settings file and the command line ("lists yahoo:^RUT twice", "must have 2 to 10 …").

Signals:
    changed(): the list changed (an item added, removed or moved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from app.instruments import market_name
from app.setting_kinds import key_or_value


class KeyListEditor(QWidget):
    """The keys as a list, safest first, with buttons to change it (see the module notes)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, tip: str = "") -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip(tip)
        rows = self.list.fontMetrics().height() + 6
        self.list.setMaximumHeight(rows * 6)
        self.new_key = QLineEdit(self)
        self.new_key.setPlaceholderText("e.g. yahoo:^IXIC or ccxt:bitstamp:ETH/USD")
        self.new_key.setToolTip("An instrument key to add below the selected rung (or at the end)")
        self.add = self._button("Add", "Add the key typed beside it to the ladder")
        self.remove = self._button("Remove", "Take the selected market off the ladder")
        self.up = self._button("Move up", "Move the selected market one rung safer")
        self.down = self._button("Move down", "Move the selected market one rung riskier")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.list, 0, 0, 3, 1)
        grid.addWidget(self.up, 0, 1)
        grid.addWidget(self.down, 1, 1)
        grid.addWidget(self.remove, 2, 1)
        grid.addWidget(self.new_key, 3, 0)
        grid.addWidget(self.add, 3, 1)
        self.add.clicked.connect(self.add_typed)
        self.new_key.returnPressed.connect(self.add_typed)
        self.new_key.textChanged.connect(self._update_buttons)
        self.remove.clicked.connect(self.remove_selected)
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(1))
        self.list.currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        return button

    def keys(self) -> tuple[Any, ...]:
        return tuple(
            key_or_value(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
        )

    def set_keys(self, keys: Sequence[str]) -> None:
        self.list.clear()
        for key in keys:
            self._insert(self.list.count(), str(key))
        self._update_buttons()

    def _insert(self, row: int, key: str) -> None:
        self.list.insertItem(row, key)
        item = self.list.item(row)
        item.setData(Qt.ItemDataRole.UserRole, key)  # the text also names the market
        name = market_name(key)  # a key that does not parse is shown as it is
        if name != key:
            item.setText(f"{key}  —  {name}")

    @Slot()
    def add_typed(self) -> None:
        text = self.new_key.text().strip()
        if not text:
            return
        row = self.list.currentRow() + 1 if self.list.currentRow() >= 0 else self.list.count()
        self._insert(row, str(key_or_value(text)))
        self.list.setCurrentRow(row)
        self.new_key.clear()
        self.changed.emit()

    @Slot()
    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._update_buttons()
            self.changed.emit()

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self.changed.emit()

    @Slot()
    def _update_buttons(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        self.remove.setEnabled(row >= 0)
        self.up.setEnabled(row > 0)
        self.down.setEnabled(0 <= row < count - 1)
        self.add.setEnabled(bool(self.new_key.text().strip()))
