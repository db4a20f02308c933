"""Window geometry, splitter sizes, current tab and view toggles, kept between sessions.

QSettings in INI format inside the config folder of app.paths (not the platform registry), so
every data folder, and every test, has its own layout file. The functions take the widgets
they save and restore, not the window, so this module knows nothing of the window's insides.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget

    from app.paths import AppPaths

log = logging.getLogger("riskcurve.layout")

LAYOUT_FILE = "window.ini"
#: Charts above, tabs below, in pixels (Qt scales them to the window's height). The tabs get
#: enough for the Statistics table's four horizons and a 300-pixel Cycles chart at 1280×860, and
#: the charts the rest (price panes of about 85 px there, room for three labelled ticks).
DEFAULT_SPLIT = [480, 365]
#: Checkable actions remembered under view/<name>; those never saved keep their own default.
TOGGLES = ("log", "both_markets", "show_all_breakouts")


@dataclass(frozen=True)
class LayoutParts:
    """What the layout file describes: the window, its splitter and tabs, and the toggles."""

    window: QMainWindow
    splitter: QSplitter
    tabs: QTabWidget
    toggles: Mapping[str, QAction]


def fit_to_screen(window: QMainWindow, size: tuple[int, int]) -> None:
    """Give `window` this size, or the whole screen when it is smaller (a 1024×700 laptop)."""
    screen = window.screen().availableGeometry() if window.screen() else None
    width, height = size
    if screen is not None and (screen.width() < width or screen.height() < height):
        width, height = min(width, screen.width()), min(height, screen.height())
        window.move(screen.topLeft())
    window.resize(width, height)


def store(paths: AppPaths) -> QSettings:
    """The layout file of this data folder. Something else in its place (a folder, a FIFO,
    which would block the start for ever) is moved aside, and the layout starts afresh."""
    path = paths.config / LAYOUT_FILE
    _set_aside_if_special(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _set_aside_if_special(path: Path) -> None:
    from app.outputs import kind_at

    kind = kind_at(path)
    if kind is None:  # a file, or nothing yet
        return
    aside = path.with_name(f"{path.name}.unusable-{dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        os.replace(path, aside)
        log.warning("%s is %s, not a layout file: moved aside to %s", path, kind, aside.name)
    except OSError as exc:
        log.warning("%s is %s and could not be moved aside: %s", path, kind, exc)


def restore(saved: QSettings, parts: LayoutParts) -> None:
    """Apply the saved layout; anything missing or unreadable keeps its default."""
    geometry = saved.value("window/geometry")
    if geometry is not None:
        parts.window.restoreGeometry(geometry)
    state = saved.value("window/state")
    if state is not None:
        parts.window.restoreState(state)
    splitter = saved.value("window/splitter")
    if splitter is None or not parts.splitter.restoreState(splitter):
        parts.splitter.setSizes(DEFAULT_SPLIT)
    tab = saved_int(saved, "window/tab", 0, parts.tabs.count() - 1)
    if tab is not None:
        parts.tabs.setCurrentIndex(tab)
    for name, action in parts.toggles.items():
        value = saved_toggle(saved, name)
        if value is not None:
            action.setChecked(value)


def saved_int(saved: QSettings, key: str, low: int, high: int) -> int | None:
    """A remembered whole number from `low` to `high`, or None when it is missing or is not
    one (the file is the user's to edit: "²" passes str.isdigit but not int)."""
    text = str(saved.value(key, "")).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def saved_toggle(saved: QSettings, name: str) -> bool | None:
    """A remembered toggle, or None when the user never changed it (its default applies)."""
    value = saved.value(f"view/{name}")
    return None if value is None else str(value).lower() == "true"


def save_toggle(saved: QSettings, name: str, on: bool) -> None:
    saved.setValue(f"view/{name}", "true" if on else "false")


def save(saved: QSettings, parts: LayoutParts) -> None:
    saved.setValue("window/geometry", parts.window.saveGeometry())
    saved.setValue("window/state", parts.window.saveState())
    saved.setValue("window/splitter", parts.splitter.saveState())
    saved.setValue("window/tab", parts.tabs.currentIndex())
    for name, action in parts.toggles.items():
        save_toggle(saved, name, action.isChecked())
    saved.sync()


def saved_theme(saved: QSettings) -> str | None:
    """The theme chosen in View → Theme ("system", "light", "dark"), or None."""
    value = saved.value("view/theme")
    return str(value) if value in ("system", "light", "dark") else None


def save_theme(saved: QSettings, name: str) -> None:
    saved.setValue("view/theme", name)
    saved.sync()
