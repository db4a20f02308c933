"""A long CSV import shows how far it has read in the window's progress bar (issue 10, item 12),
and Cancel stops it with nothing stored."""

from __future__ import annotations

import threading

import pytest

from app.cache import Cache
from app.errors import CancelledError
from app.sources import csv_text
from app.sources.base import no_progress
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, save
from widgets.jobs.results import ImportProgress
from widgets.jobs.workers import Worker
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def _long_csv(path, repeats: int = 10):
    rows = "".join(
        f"{1990 + i // 300}-{1 + i // 25 % 12:02d}-{1 + i % 25:02d},5\n" for i in range(3_000)
    )
    path.write_text("Date,Close\n" + rows * repeats)
    return path


def _unique_days_csv(path, days: int = 60_000):
    """A file of distinct days (repeated rows are skipped unread, so they make no progress)."""
    import datetime as dt

    first = dt.date(1850, 1, 1)
    rows = "".join(f"{first + dt.timedelta(days=i)},5\n" for i in range(days))
    path.write_text("Date,Close\n" + rows)
    return path


def _open(qtbot, paths) -> MainWindow:
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def test_the_progress_bar_follows_the_import(qtbot, paths, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_text, "PROGRESS_LINES", 2_000)
    window = _open(qtbot, paths)
    seen: list[tuple[int, str]] = []
    window.session.importProgress.connect(
        lambda _p: seen.append((window.status.progress.value(), window.status.progress_text.text()))
    )
    with qtbot.waitSignal(window.session.imported, timeout=20_000):
        window.import_file(_long_csv(tmp_path / "long.csv"), "csv:long")
    assert len(seen) >= 10
    assert [v for v, _ in seen] == sorted(v for v, _ in seen) and seen[-1][0] == 1000
    assert "long.csv" in seen[0][1] and "lines read" in seen[0][1]


def _hold_reader_until_cancelled(monkeypatch) -> list[Worker]:
    """The reader waits after each progress step until the window's cancel has reached the
    worker, so the import cannot finish first however fast this machine reads (or however
    slowly the GUI thread delivers the progress signal under load). Returns the workers
    cancelled, as they are cancelled."""
    monkeypatch.setattr(csv_text, "PROGRESS_LINES", 200)
    cancel_reached = threading.Event()
    cancelled: list[Worker] = []
    real_cancel = Worker.cancel

    def cancel(self) -> None:
        real_cancel(self)
        cancelled.append(self)
        cancel_reached.set()

    monkeypatch.setattr(Worker, "cancel", cancel)
    real_open = csv_text.CsvText.open.__func__

    def open_waiting(cls, path, progress=no_progress):
        def report(done, total, message):
            progress(done, total, message)
            cancel_reached.wait(timeout=15)

        return real_open(cls, path, report)

    monkeypatch.setattr(csv_text.CsvText, "open", classmethod(open_waiting))
    return cancelled


def test_cancel_stops_an_import_and_stores_nothing(qtbot, paths, tmp_path, monkeypatch):
    _hold_reader_until_cancelled(monkeypatch)
    window = _open(qtbot, paths)
    said: list[str] = []  # every status message, so a later one cannot hide this one
    show = window.status.show_message
    monkeypatch.setattr(
        window.status, "show_message", lambda text, *a: (said.append(text), show(text, *a))
    )
    window.session.importProgress.connect(lambda _p: window.cancel())
    with qtbot.waitSignal(window.session.failed, timeout=20_000) as failed:
        window.import_file(_unique_days_csv(tmp_path / "long.csv", days=3_000), "csv:long")
    assert isinstance(failed.args[0].error, CancelledError)
    qtbot.waitUntil(lambda: any("cancelled" in text for text in said), timeout=5_000)
    with Cache.open(paths.database) as cache:
        assert cache.instrument("csv:long") is None


def test_progress_after_the_cancelled_import_is_ignored(qtbot, paths, tmp_path, monkeypatch):
    # Progress still queued when the import ended once said "Cancelling…" after "cancelled".
    workers = _hold_reader_until_cancelled(monkeypatch)
    window = _open(qtbot, paths)
    said: list[str] = []
    show = window.status.show_message
    monkeypatch.setattr(
        window.status, "show_message", lambda text, *a: (said.append(text), show(text, *a))
    )
    window.session.importProgress.connect(lambda _p: window.cancel())

    def late_progress(_failure) -> None:
        # Delivered by the worker itself, after its error and before its thread is gone.
        workers[0].progress.emit(ImportProgress(0.5, "long.csv: late"))
        window.cancel()  # and Esc pressed just then: nothing is left to cancel

    window.session.failed.connect(late_progress)
    with qtbot.waitSignal(window.session.failed, timeout=20_000) as failed:
        window.import_file(_unique_days_csv(tmp_path / "long.csv", days=3_000), "csv:long")
    assert isinstance(failed.args[0].error, CancelledError)
    assert "cancelled" in said[-1] and "cancelled" in window.status.message.text(), said
    assert "late" not in window.status.progress_text.toolTip()  # the late step was dropped
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5_000)
    assert "cancelled" in window.status.message.text()


def test_a_rejected_file_is_said_in_the_status_line_and_a_box(qtbot, paths, tmp_path):
    from PySide6.QtWidgets import QApplication, QMessageBox

    window = _open(qtbot, paths)
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Close\n2024-01-02,not a price\n")
    with qtbot.waitSignal(window.session.failed, timeout=20_000):
        window.import_file(bad, "csv:bad")
    qtbot.waitUntil(lambda: "Import failed" in window.status.message.text(), timeout=5_000)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert [b.windowTitle() for b in boxes if b.isVisible()] == ["CSV file rejected"]
    with Cache.open(paths.database) as cache:
        assert cache.instrument("csv:bad") is None
