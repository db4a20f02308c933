"""run_gui's screenshot mode, the exception hooks and their dialogs, CSV import from the window."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from app.errors import CacheError
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets.app import run_gui
from widgets.charts.image_export import is_blank
from widgets.dialogs.error_dialog import BugDialog, ErrorReporter
from widgets.jobs import tasks
from widgets.main_window import MainWindow
from widgets.theme import dark_palette

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def test_screenshot_mode_draws_the_cache_saves_a_png_and_exits(qtbot, paths, tmp_path, monkeypatch):
    fill_cache(paths, leader_days=900, follower_days=1300)
    save(paths, fast_settings(refresh_on_start=True))
    monkeypatch.setattr(tasks, "refresh", lambda *a, **k: pytest.fail("screenshots never fetch"))
    shot = tmp_path / "shots" / "window.png"
    assert run_gui(paths, screenshot=shot) == 0
    image = QImage(str(shot))
    assert image.width() >= 1000 and not is_blank(image)
    assert not (paths.config / "window.ini").exists()  # the user's layout is left alone


def test_screenshot_of_an_empty_cache_shows_the_empty_state(qtbot, paths, tmp_path):
    shot = tmp_path / "empty.png"
    assert run_gui(paths, screenshot=shot) == 0
    assert not is_blank(QImage(str(shot)))


def test_a_bug_is_logged_and_shown_with_details(qtbot, tmp_path, caplog):
    reporter = ErrorReporter(tmp_path / "riskcurve.log")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        with qtbot.waitSignal(reporter.errorRaised, timeout=2000):
            reporter._sys_hook(type(exc), exc, exc.__traceback__)
    dialog = reporter.dialogs[-1]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, BugDialog)
    assert "ValueError: boom" in dialog.details.toPlainText()
    assert "Traceback" in dialog.details.toPlainText()
    assert "unexpected error" in caplog.text and "boom" in caplog.text


def test_a_known_error_gets_a_plain_message_without_a_traceback(qtbot, caplog):
    reporter = ErrorReporter()
    reporter.report(CacheError("The disk is full."))
    qtbot.waitUntil(lambda: bool(reporter.dialogs))
    box = reporter.dialogs[-1]
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox)
    assert box.text() == "The disk is full."
    assert "Traceback" not in caplog.text


def test_an_exception_in_a_python_thread_reaches_the_gui_thread(qtbot):
    reporter = ErrorReporter()
    reporter.install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(reporter.dialogs))
    finally:
        reporter.uninstall()
    dialog = reporter.dialogs[-1]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, BugDialog)
    assert "ZeroDivisionError" in dialog.details.toPlainText()


def test_a_crash_in_a_worker_shows_the_bug_dialog(qtbot, paths, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("column")

    monkeypatch.setattr(tasks, "load_and_analyse", broken)
    reporter = ErrorReporter(paths.log_file)
    window = MainWindow(paths, save(paths, fast_settings()), reporter)
    qtbot.addWidget(window)
    window.start(refresh=False)
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=10_000)
    dialog = reporter.dialogs[-1]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, BugDialog)
    assert "KeyError" in dialog.details.toPlainText()


def test_import_csv_from_the_window_then_bad_file_names_the_line(qtbot, paths, tmp_path):
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    good = tmp_path / "series.csv"
    good.write_text("Date,Close\n2024-01-02,10\n2024-01-03,11\n", encoding="utf-8")
    with qtbot.waitSignal(window.session.imported, timeout=10_000) as imported:
        window.import_file(good, "csv:series")
    assert (imported.args[0].key, imported.args[0].count) == ("csv:series", 2)
    qtbot.waitUntil(lambda: window.data_tab.model.rowCount() == 1, timeout=10_000)
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Close\n2024-01-02,10\n2024-01-03,minus\n", encoding="utf-8")
    with qtbot.waitSignal(window.session.failed, timeout=10_000) as failed:
        window.import_file(bad, "csv:bad")
    message = str(failed.args[0].error)
    assert "bad.csv" in message and "line 3" in message
    assert "line 3" in window.status.message.text()


def test_dark_palette_keeps_text_readable():
    palette = dark_palette()
    text = palette.color(palette.ColorRole.Text)
    base = palette.color(palette.ColorRole.Base)
    assert text.lightness() - base.lightness() > 150


def test_logging_goes_to_the_riskcurve_logger():
    assert logging.getLogger("riskcurve.gui").parent.name in ("riskcurve", "root")
