"""The window's actions (menu, toolbar, shortcuts) in one place, each with a tooltip.

Actions carry the shortcuts (F5, Esc, Ctrl+E, Ctrl+, and Ctrl+Q), so a shortcut works whether
or not its button is visible; the window connects `triggered`/`toggled` to its slots.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar


@dataclass
class WindowActions:
    """Every action of the main window."""

    refresh: QAction
    cancel: QAction
    log_scale: QAction
    compare: QAction
    export_chart: QAction
    export_signals: QAction
    import_csv: QAction
    settings: QAction
    quit: QAction
    about: QAction


def _action(
    window: QMainWindow, text: str, tip: str, shortcut: str | QKeySequence | None = None
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({shown})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


#: name -> (menu text, tooltip, shortcut)
ACTION_SPECS: dict[str, tuple[str, str, str | None]] = {
    "refresh": ("&Refresh", "Download new bars for every instrument", "F5"),
    "cancel": ("&Cancel", "Stop the download; finished instruments are kept", "Esc"),
    "log_scale": (
        "&Log scale",
        "Price axes on a logarithmic scale (equal percentage moves look equal)",
        None,
    ),
    "compare": (
        "C&ompare",
        "Index both markets to 100 at the left edge of the view, to compare their moves",
        None,
    ),
    "export_chart": (
        "&Export chart as PNG…",
        "Save the linked charts as one PNG image with a caption",
        "Ctrl+E",
    ),
    "export_signals": (
        "Export &signals CSV…",
        "Save the breakout table with the follower's forward returns as CSV",
        None,
    ),
    "import_csv": (
        "&Import CSV…",
        "Load daily prices from a CSV file (Date and Close columns at least) into the cache",
        None,
    ),
    "settings": ("&Settings…", "Instruments, windows and thresholds", "Ctrl+,"),
    "quit": ("&Quit", "Close Riskcurve", "Ctrl+Q"),
    "about": ("&About Riskcurve", "Version, data sources and disclaimer", None),
}


def create_actions(window: QMainWindow) -> WindowActions:
    """Build the actions, add the menus and the toolbar to `window`, and return them."""
    actions = WindowActions(**{name: _action(window, *spec) for name, spec in ACTION_SPECS.items()})
    actions.cancel.setEnabled(False)
    actions.log_scale.setCheckable(True)
    actions.log_scale.setChecked(True)
    actions.compare.setCheckable(True)
    # Toolbar buttons show the icon text; keep the menu's ellipsis out of the buttons.
    actions.export_chart.setIconText("Export chart")
    actions.settings.setIconText("Settings")
    _add_menus(window, actions)
    _add_toolbar(window, actions)
    return actions


def _add_menus(window: QMainWindow, a: WindowActions) -> None:
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.setToolTipsVisible(True)
    for action in (a.import_csv, None, a.export_chart, a.export_signals, None, a.quit):
        if action is None:
            file_menu.addSeparator()
        else:
            file_menu.addAction(action)
    view_menu = menu.addMenu("&View")
    view_menu.setToolTipsVisible(True)
    for action in (a.refresh, a.cancel, None, a.log_scale, a.compare, None, a.settings):
        if action is None:
            view_menu.addSeparator()
        else:
            view_menu.addAction(action)
    help_menu = menu.addMenu("&Help")
    help_menu.setToolTipsVisible(True)
    help_menu.addAction(a.about)


def _add_toolbar(window: QMainWindow, a: WindowActions) -> None:
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("main-toolbar")  # QMainWindow.saveState needs a name
    bar.setMovable(False)
    bar.setToolTip("Main actions")
    for action in (
        a.refresh,
        a.cancel,
        None,
        a.log_scale,
        a.compare,
        None,
        a.export_chart,
        a.settings,
    ):
        if action is None:
            bar.addSeparator()
        else:
            bar.addAction(action)
    window.addToolBar(bar)
