"""Imports that ask before replacing cached bars, and Delete… in the Data tab.

The session imports without permission to replace; when the cache answers that the file would
change cached values (ReplaceRefused, nothing written), this asks with the change summary and
imports again with `replace` only on a yes. Delete… asks before removing an instrument. Every
bar replaced or deleted stays recoverable (`riskcurve restore KEY`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.cache.history import ReplaceRefused
from app.errors import CancelledError, CsvFormatError, RiskcurveError
from app.instruments import InstrumentKey
from widgets.dialogs import confirm
from widgets.jobs.session import DELETE, IMPORT, JobFailure, Session
from widgets.notice import notify

if TYPE_CHECKING:
    from app.config import Settings
    from widgets.status import StatusLine
    from widgets.tables.data_tab import DataTab


class HistoryFlow(QObject):
    """Confirmations around the two ways cached bars can go: a replacing import and a delete."""

    def __init__(
        self, session: Session, status: StatusLine, data_tab: DataTab, window: QWidget
    ) -> None:
        super().__init__(window)
        self.session, self.status, self.window = session, status, window
        #: The open confirmation, if any (tests answer it).
        self.confirmation: QMessageBox | None = None
        self._pending: dict[str, Path] = {}
        data_tab.deleteRequested.connect(self.ask_delete)

    def ask_and_import(self, settings: Settings) -> None:
        """File → Import CSV…: ask for the file, then `import_file` it."""
        from widgets.dialogs.prompts import ask_csv_file

        path = ask_csv_file(self.window)
        if path is not None:
            self.import_file(path, None, settings)

    def import_file(self, path: Path, key: str | None, settings: Settings) -> None:
        """Import `path` as `key`, asking for the key first when it is None."""
        if key is None:
            from widgets.dialogs.prompts import ImportKeyDialog

            dialog = ImportKeyDialog(path, settings, self.window, self.session.instruments)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            key = dialog.key()
        self._start(path, InstrumentKey(key), replace=False)

    def _start(self, path: Path, key: InstrumentKey, replace: bool) -> None:
        self._pending[key] = path
        self.status.start_progress(f"Importing {path.name}…")
        self.session.import_csv(path, key, replace)

    def handles(self, failure: JobFailure) -> bool:
        """True when the failure is this flow's to show: a failed import (a refused replace
        asks, a cancel or a rejected file is said) or a failed delete."""
        error = failure.error
        if failure.kind == IMPORT and isinstance(error, RiskcurveError):
            self._import_failed(error)
            return True
        if failure.kind == DELETE and isinstance(error, RiskcurveError):
            self.status.show_message(f"Delete failed: {error}")
            return True
        return False

    def _import_failed(self, error: RiskcurveError) -> None:
        if isinstance(error, ReplaceRefused):
            self._ask_replace(error)
        elif isinstance(error, CancelledError):
            self.status.show_message(str(error))
        else:
            self.status.show_message(f"Import failed: {error}")
            title = "CSV file rejected" if isinstance(error, CsvFormatError) else "Import failed"
            notify(self.window, title, str(error))

    def _ask_replace(self, refused: ReplaceRefused) -> None:
        key = InstrumentKey(refused.changes.key)
        path = self._pending.get(key)
        if path is None:
            return
        self.status.show_message(f"{refused.changes.key}: the import waits for your answer.")

        def replace() -> None:
            self._start(path, key, replace=True)

        self.confirmation = confirm.confirm_replace(
            self.window, refused.changes, path.name, replace
        )
        self.confirmation.finished.connect(self._answered)

    @Slot(str)
    def ask_delete(self, key: str) -> None:
        info = next((i for i in self.session.instruments if i.key == key), None)
        if info is None:
            return

        def delete() -> None:
            self.status.show_message(f"Deleting {key}…")
            self.session.delete_instrument(InstrumentKey(key))

        self.confirmation = confirm.confirm_delete(self.window, info, delete)
        self.confirmation.finished.connect(self._answered)

    @Slot()
    def _answered(self) -> None:
        self.confirmation = None
