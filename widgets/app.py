"""Application set-up: QApplication, icon, theme, exception hooks, and `run_gui`.

`run_gui(paths)` paints the window first and loads the cache in a worker right after, so the
window appears as fast as a bare Qt window; pandas, yfinance and ccxt are imported by workers.
With `screenshot=FILE` it waits until the cached data (or the empty state) is drawn, saves the
window as a PNG and exits, without trying the network — for the README picture and checks.

RISKCURVE_THEME=dark or light forces a Fusion palette for this run; otherwise the theme chosen in
View → Theme (system, light, dark) applies, remembered with the window layout.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.paths import AppPaths
from widgets.import_scan import skip_source_scan
from widgets.theme import apply_theme, forced_theme

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

log = logging.getLogger("riskcurve.gui")

NO_DISPLAY_EXIT = 2
SCREENSHOT_TIMEOUT_S = 120


def create_application() -> QApplication:
    """The QApplication (created once), with name, icon and theme."""
    skip_source_scan()  # before the workers import pandas, yfinance and ccxt
    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        raise RuntimeError("a QCoreApplication without widgets already exists")
    app = existing or QApplication([sys.argv[0] if sys.argv else "riskcurve"])
    app.setApplicationName("Riskcurve")
    app.setOrganizationName("Riskcurve")
    # Qt appends this to every window title: titles must not repeat it.
    app.setApplicationDisplayName("Riskcurve")
    app.setDesktopFileName("riskcurve")  # Wayland matches the window to riskcurve.desktop
    app.setWindowIcon(app_icon())
    apply_theme(app, forced_theme())
    return app


def display_problem(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> str:
    """Why no window can open here (no X11 or Wayland display on Linux), or "" when one can.

    Without a display Qt's xcb plugin aborts the process (rc 134) with advice about libraries;
    this says the real reason in one line first.
    """
    env = os.environ if environ is None else environ
    if platform in ("win32", "darwin") or env.get("QT_QPA_PLATFORM", "") not in ("", "xcb"):
        return ""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return ""
    return (
        "riskcurve: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set). "
        "Start it from a desktop session; the command line (riskcurve --help) works without one."
    )


def app_icon() -> QIcon:
    from resources import resource_path

    try:
        return QIcon(str(resource_path("icon.png")))
    except FileNotFoundError:
        log.warning("application icon missing from the resources")
        return QIcon()


class Screenshot(QObject):
    """Saves the window once it has drawn the cached data (or the empty state), then quits."""

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.code = 1
        self.deadline = QTimer(self, singleShot=True, interval=SCREENSHOT_TIMEOUT_S * 1000)
        self.deadline.timeout.connect(self.give_up)
        self.deadline.start()
        window.drawn.connect(self.take)

    @Slot()
    def take(self) -> None:
        self.deadline.stop()
        QApplication.processEvents()  # finish layout and painting of what was just drawn
        image = self.window.grab()
        from app.errors import RiskcurveError
        from app.outputs import make_folder, write_bytes
        from widgets.charts.image_export import png_bytes

        try:  # naming the file with --screenshot is asking for it to be (re)written
            make_folder(self.path.parent)
            write_bytes(self.path, png_bytes(image.toImage()), replace=True)
            self.code = 0
        except (RiskcurveError, RuntimeError) as exc:
            print(f"riskcurve: cannot write the screenshot: {exc}", file=sys.stderr)
        QApplication.exit(self.code)  # the window is closed after the event loop returns

    @Slot()
    def give_up(self) -> None:
        print(f"riskcurve: nothing was drawn within {SCREENSHOT_TIMEOUT_S} s", file=sys.stderr)
        QApplication.exit(1)


def _show_notice(window: Any, notice: str, blocking_allowed: bool) -> None:
    """A settings file that could not be used: say so in the status bar (and a box)."""
    window.status.show_message(notice)
    if blocking_allowed:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Riskcurve", notice, QMessageBox.StandardButton.Ok, window
        )
        box.open()


def run_gui(paths: AppPaths, screenshot: Path | None = None) -> int:
    """Open the main window; returns the exit code (with `screenshot`: save a PNG and exit)."""
    from app.logs import setup_logging
    from app.settings_file import load_settings
    from widgets.dialogs.error_dialog import ErrorReporter
    from widgets.main_window import MainWindow

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return NO_DISPLAY_EXIT
    paths.ensure()
    setup_logging(paths)
    app = create_application()
    reporter = ErrorReporter(paths.log_file)
    reporter.install()
    loaded = load_settings(paths.config)
    # A screenshot has a fixed size and leaves the user's saved layout alone.
    window = MainWindow(paths, loaded.settings, reporter, remember_layout=screenshot is None)
    window.show()
    if loaded.notice:
        _show_notice(window, loaded.notice, blocking_allowed=screenshot is None)
    shooter = Screenshot(window, Path(screenshot)) if screenshot is not None else None
    # The load worker reads the cache while the window paints itself for the first time.
    if shooter is None:
        window.start()
    else:
        window.start(refresh=False, warm_up=False)
    code = app.exec()
    if shooter is not None:
        code = shooter.code
    return _finish(app, window, reporter, code)


def _finish(app: QApplication, window: Any, reporter: Any, code: int) -> int:
    """Close the window outside the event loop and leave without a crash, even mid-download."""
    # Closed outside the event loop, so Qt's "last window closed" posts no Quit event that a
    # later event loop in this process (tests, embedding) would pick up and end at once.
    window.close()
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    window.deleteLater()
    reporter.uninstall()
    if not window.stopped_cleanly:
        # A provider ignored its deadline; Python's shutdown would destroy a running QThread
        # and abort. The cache is safe (nothing half-written), so leave without destructors.
        log.warning("exiting with a download still running")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
