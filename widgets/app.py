"""Application set-up: QApplication, icon, theme, exception hooks, and `run_gui`.

`run_gui(paths)` paints the window first and loads the cache in a worker right after, so the
window appears as fast as a bare Qt window; pandas, yfinance and ccxt are imported by workers.
With `screenshot=FILE` it waits until the cached data (or the empty state) is drawn, saves the
window as a PNG and exits, without trying the network — for the README picture and checks.

RISKCURVE_THEME=dark or light forces a Fusion palette (default: the system's theme).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from app.paths import AppPaths

log = logging.getLogger("riskcurve.gui")

THEME_ENV = "RISKCURVE_THEME"
SCREENSHOT_TIMEOUT_S = 120


def dark_palette() -> QPalette:
    """A dark Fusion palette (for RISKCURVE_THEME=dark and for checking dark readability)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d31",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282c",
        roles.ToolTipBase: "#2b2d31",
        roles.ToolTipText: "#e6e6e6",
        roles.Text: "#e6e6e6",
        roles.Button: "#33363b",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#6cb6ff",
        roles.Highlight: "#3d6fb6",
        roles.HighlightedText: "#ffffff",
        roles.PlaceholderText: "#8b8e94",
        roles.Mid: "#4a4d52",
        roles.Dark: "#151618",
        roles.Light: "#44474c",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7d82"))
    return palette


def apply_theme(app: QApplication, name: str | None) -> None:
    """ "dark"/"light": Fusion with that palette; anything else: leave the system theme."""
    if name not in ("dark", "light"):
        return
    app.setStyle("Fusion")
    palette = dark_palette() if name == "dark" else app.style().standardPalette()
    app.setPalette(palette)


def create_application() -> QApplication:
    """The QApplication (created once), with name, icon and theme."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "riskcurve"])
    app.setApplicationName("Riskcurve")
    app.setOrganizationName("Riskcurve")
    app.setApplicationDisplayName("Riskcurve")
    app.setWindowIcon(app_icon())
    apply_theme(app, os.environ.get(THEME_ENV))
    return app


def app_icon() -> QIcon:
    from resources import resource_path

    try:
        return QIcon(str(resource_path("icon.png")))
    except FileNotFoundError:
        log.warning("application icon missing from the resources")
        return QIcon()


class Screenshot(QObject):
    """Saves the window once it has drawn the cached data (or the empty state), then quits."""

    def __init__(self, window: QObject, path: Path) -> None:
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
    from app.config import load_settings
    from app.logs import setup_logging
    from widgets.dialogs.error_dialog import ErrorReporter
    from widgets.main_window import MainWindow

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
