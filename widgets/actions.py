"""The window's actions (menus, toolbar, shortcuts) in one place, each with a tooltip.

Actions carry the shortcuts, so a shortcut works whether or not its button is visible, and the
menus show them next to each entry. The window connects `triggered`/`toggled` to its slots. No
action has a status tip: Qt shows a hovered button's tip in the status bar and leaves it there
when the button opens a dialog, hiding the window's own messages.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

THEMES = ("system", "light", "dark")


@dataclass
class WindowActions:
    """Every action of the main window."""

    refresh: QAction
    cancel: QAction
    import_csv: QAction
    log_scale: QAction
    compare: QAction
    both_markets: QAction
    export_chart: QAction
    snapshot: QAction
    export_signals: QAction
    settings: QAction
    quit: QAction
    about: QAction
    pan_left: QAction
    pan_right: QAction
    zoom_in: QAction
    zoom_out: QAction
    show_all: QAction
    range_1y: QAction
    range_5y: QAction
    range_follower: QAction
    range_all: QAction
    theme_system: QAction
    theme_light: QAction
    theme_dark: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]

    def theme(self, name: str) -> QAction:
        return getattr(self, f"theme_{name}")


Shortcut = str | QKeySequence.StandardKey | tuple[str, ...] | None

#: name -> (menu text, tooltip, shortcut(s)); the first shortcut is the one menus show.
ACTION_SPECS: dict[str, tuple[str, str, Shortcut]] = {
    "refresh": ("&Refresh", "Download new bars for every instrument", "F5"),
    "cancel": ("&Cancel download", "Stop the download; finished instruments are kept", "Esc"),
    "import_csv": (
        "&Import CSV…",
        "Load daily prices from a CSV file (Date and Close columns at least) into the cache",
        "Ctrl+O",
    ),
    "log_scale": (
        "&Log scale",
        "Price axes on a logarithmic scale (equal percentage moves look equal)",
        "Ctrl+L",
    ),
    "compare": (
        "C&ompare",
        "Both markets indexed to 100 at the first date both have data in view, in one pane",
        None,
    ),
    "both_markets": (
        "Start where &both markets have data",
        "Begin the dates at the later market's first bar, so no pane is half empty (All and "
        "an earlier breakout's row show every date again)",
        "Ctrl+B",
    ),
    "export_chart": (
        "&Export chart as PNG…",
        "Save the linked charts as one PNG image with a caption; choose the width and file",
        "Ctrl+E",
    ),
    "snapshot": (
        "Snaps&hot",
        "Save the charts as PNG at once, at the last width, into the last export folder",
        "Alt+S",
    ),
    "export_signals": (
        "Export &signals CSV…",
        "Save the Signals table as CSV: every column as shown, plus the raw fractions",
        None,
    ),
    "settings": ("&Settings…", "Instruments, windows and thresholds", "Ctrl+,"),
    "quit": ("&Quit", "Close Riskcurve", "Ctrl+Q"),
    "about": ("&About", "Version, data sources and disclaimer", None),
    "pan_left": ("Pan &left", "Move the charts back in time by a tenth of the view", "Left"),
    "pan_right": ("Pan &right", "Move the charts forward in time by a tenth of the view", "Right"),
    "zoom_in": ("Zoom &in", "Show fewer days, around the middle of the view", ("+", "=")),
    "zoom_out": ("Zoom &out", "Show more days, around the middle of the view", ("-",)),
    "show_all": ("Show &all dates", "Zoom out to every date (the Home key)", "Home"),
    "range_1y": ("1Y", "Show the last year", None),
    "range_5y": ("5Y", "Show the last five years", None),
    "range_follower": (
        "Since follower",
        "Show the dates from the follower's first bar on",
        None,
    ),
    "range_all": ("All", "Show every date of both markets", None),
    "theme_system": ("&System", "Follow the system's light or dark theme", None),
    "theme_light": ("&Light", "Light colours, whatever the system uses", None),
    "theme_dark": ("&Dark", "Dark colours, whatever the system uses", None),
}


def _action(window: QMainWindow, text: str, tip: str, shortcut: Shortcut) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        keys = [QKeySequence(k) for k in (shortcut if isinstance(shortcut, tuple) else (shortcut,))]
        action.setShortcuts(keys)
        tip = f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    return action


def create_actions(window: QMainWindow) -> WindowActions:
    """Build the actions, add the menus and the toolbar to `window`, and return them."""
    actions = WindowActions(**{name: _action(window, *spec) for name, spec in ACTION_SPECS.items()})
    actions.cancel.setEnabled(False)
    for toggle in (actions.log_scale, actions.compare, actions.both_markets):
        toggle.setCheckable(True)
    actions.log_scale.setChecked(True)
    themes = QActionGroup(window)
    for name in THEMES:
        themes.addAction(actions.theme(name)).setCheckable(True)
    actions.theme_system.setChecked(True)
    # Toolbar buttons show the icon text; keep the menu's ellipsis and accelerators out of them.
    for action, text in (
        (actions.export_chart, "Export chart"),
        (actions.settings, "Settings"),
        (actions.import_csv, "Import CSV"),
        (actions.cancel, "Cancel"),
    ):
        action.setIconText(text)
    _add_menus(window, actions)
    _add_toolbar(window, actions)
    return actions


def _fill(menu, items) -> None:
    menu.setToolTipsVisible(True)
    for item in items:
        if item is None:
            menu.addSeparator()
        else:
            menu.addAction(item)


def _add_menus(window: QMainWindow, a: WindowActions) -> None:
    bar = window.menuBar()
    _fill(
        bar.addMenu("&File"),
        (a.import_csv, None, a.snapshot, a.export_chart, a.export_signals, None, a.quit),
    )
    view = bar.addMenu("&View")
    _fill(view, (a.refresh, a.cancel, None, a.log_scale, a.compare, a.both_markets, None))
    _fill(view, (a.pan_left, a.pan_right, a.zoom_in, a.zoom_out, a.show_all))
    _fill(view.addMenu("Show &range"), (a.range_1y, a.range_5y, a.range_follower, a.range_all))
    view.addSeparator()
    _fill(view.addMenu("&Theme"), (a.theme_system, a.theme_light, a.theme_dark))
    _fill(view, (None, a.settings))
    _fill(bar.addMenu("&Help"), (a.about,))


def _add_toolbar(window: QMainWindow, a: WindowActions) -> None:
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("main-toolbar")  # QMainWindow.saveState needs a name
    bar.setMovable(False)
    bar.setToolTip("Main actions")
    for action in (
        a.refresh,
        a.cancel,
        a.import_csv,
        None,
        a.log_scale,
        a.compare,
        None,
        a.range_1y,
        a.range_5y,
        a.range_follower,
        a.range_all,
        None,
        a.export_chart,
        a.settings,
    ):
        if action is None:
            bar.addSeparator()
        else:
            bar.addAction(action)
    window.addToolBar(bar)
