"""One exception path for the whole app (after vn.py's trader/ui/qt.py).

`sys.excepthook` and `threading.excepthook` log the exception to the log file, then emit a
signal; the receiving slot runs on the GUI thread and shows a dialog. Known errors
(RiskcurveError: offline, a bad file, a full disk) get a plain message; anything else is our
bug and gets the details (traceback, log file) so it can be reported.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import RiskcurveError

log = logging.getLogger("riskcurve")


def describe(exc: BaseException) -> tuple[str, str]:
    """(summary, details) of an exception: the user's sentence and the full traceback."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, RiskcurveError):
        return str(exc), details
    return f"{type(exc).__name__}: {exc}", details


class ErrorReporter(QObject):
    """Turns exceptions from any thread into a dialog on the GUI thread.

    Signals:
        errorRaised(object): an exception reached a hook (emitted from the raising thread;
            delivered to the GUI thread because this object lives there).
    """

    errorRaised = Signal(object)

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialogs: list[QWidget] = []
        self.show_dialogs = True
        self._previous = (sys.excepthook, threading.excepthook)
        self.errorRaised.connect(self.show_error)

    def install(self) -> None:
        """Route uncaught exceptions (GUI thread, slots, Python threads) through `report`."""
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def report(self, exc: BaseException) -> None:
        """Log `exc` and ask the GUI thread to show it; safe from any thread."""
        if isinstance(exc, RiskcurveError):
            log.warning("%s", exc)
        else:
            log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        self.errorRaised.emit(exc)

    def _sys_hook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, exc, tb)
            return
        exc.__traceback__ = tb
        self.report(exc)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        exc = args.exc_value
        exc.__traceback__ = args.exc_traceback
        self.report(exc)

    @Slot(object)
    def show_error(self, exc: BaseException) -> None:
        """Show a known error plainly, a bug with details (non-blocking)."""
        if not self.show_dialogs:
            return
        parent = _active_window()
        if isinstance(exc, RiskcurveError):
            dialog: QWidget = _known_error_box(exc, parent)
        else:
            dialog = BugDialog(exc, self.log_file, parent)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.show()


def _active_window() -> QWidget | None:
    from PySide6.QtWidgets import QApplication

    return QApplication.activeWindow()


def _known_error_box(exc: RiskcurveError, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Riskcurve", str(exc), QMessageBox.StandardButton.Ok, parent
    )
    box.setModal(False)
    return box


class BugDialog(QDialog):
    """ "Something went wrong" with the exception, the traceback and where the log is."""

    def __init__(self, exc: BaseException, log_file: Path | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unexpected error")  # Qt appends " — Riskcurve"
        summary, details = describe(exc)
        where = f" The details are also in the log file {log_file}." if log_file else ""
        text = QLabel(
            "Something went wrong inside Riskcurve. This is a bug, not something you did. "
            f"Your cached data is safe.{where}\n\n{summary}",
            self,
        )
        text.setWordWrap(True)
        self.details = QPlainTextEdit(details, self)
        self.details.setReadOnly(True)
        self.details.setToolTip("The technical details; copy them into a bug report")
        self.details.setMinimumSize(560, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip("Copy the details to the clipboard")
        copy.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
