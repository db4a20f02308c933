"""Confirmations before cached bars are replaced or deleted.

Both are window-modal and opened with `open()` (never `exec()`), so no worker, screenshot or test
waits on them; the answer arrives as a call of `on_yes`. Cancel is the default button: Enter
or Esc changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.formatting import plural

if TYPE_CHECKING:
    from app.cache import InstrumentInfo
    from app.cache.history import Changes


def _box(
    parent: QWidget, title: str, text: str, detail: str, yes: str, on_yes: Callable[[], None]
) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def answered() -> None:
        if box.clickedButton() is yes_button:
            on_yes()

    box.finished.connect(answered)
    box.open()
    return box


def confirm_replace(
    parent: QWidget, changes: Changes, file_name: str, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask before an import replaces cached values; shows what it would change."""
    return _box(
        parent,
        "Replace cached bars?",
        changes.describe(f"Importing {file_name}"),
        "The bars it replaces are kept: the command line puts them back (riskcurve restore "
        f"{changes.key}). Cancel imports nothing.",
        "Replace",
        on_yes,
    )


def confirm_delete(
    parent: QWidget, info: InstrumentInfo, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask before an instrument and its bars are removed from the cache."""
    held = (
        f"{plural(info.rows, 'bar')}, {info.first_date} – {info.last_date}"
        if info.rows
        else "no bars"
    )
    return _box(
        parent,
        "Delete instrument?",
        f"Delete {info.key} ({held}) from the cache?",
        "Its bars are kept: the command line brings them back (riskcurve restore "
        f"{info.key}). Cancel deletes nothing.",
        "Delete",
        on_yes,
    )
