"""Window geometry, splitter sizes, current tab and log scale, kept between sessions.

QSettings in INI format inside the config folder of app.paths (not the platform registry), so
every data folder, and every test, has its own layout file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from app.paths import AppPaths
    from widgets.main_window import MainWindow

LAYOUT_FILE = "window.ini"
#: Charts above, tabs below, in pixels (Qt scales them to the window's height).
DEFAULT_SPLIT = [600, 260]


def store(paths: AppPaths) -> QSettings:
    """The layout file of this data folder."""
    return QSettings(str(paths.config / LAYOUT_FILE), QSettings.Format.IniFormat)


def restore(window: MainWindow) -> None:
    """Apply the saved layout; anything missing or unreadable keeps its default."""
    saved = window.layout_store
    geometry = saved.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = saved.value("window/state")
    if state is not None:
        window.restoreState(state)
    splitter = saved.value("window/splitter")
    if splitter is None or not window.splitter.restoreState(splitter):
        window.splitter.setSizes(DEFAULT_SPLIT)
    tab = saved.value("window/tab")
    if tab is not None and str(tab).isdigit():
        window.tabs.setCurrentIndex(min(int(tab), window.tabs.count() - 1))
    window.window_actions.log_scale.setChecked(saved.value("view/log", "true") == "true")


def save(window: MainWindow) -> None:
    saved = window.layout_store
    saved.setValue("window/geometry", window.saveGeometry())
    saved.setValue("window/state", window.saveState())
    saved.setValue("window/splitter", window.splitter.saveState())
    saved.setValue("window/tab", window.tabs.currentIndex())
    saved.setValue("view/log", "true" if window.window_actions.log_scale.isChecked() else "false")
    saved.sync()
