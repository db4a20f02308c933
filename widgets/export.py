"""Exports from the window: the chart stack or one pane as PNG, the signals table as CSV.

File names are offered from sanitised instrument keys (dialogs.export_stem). An existing file
is never replaced without asking: the save dialog asks for the name it was given, and any path
the dialog did not confirm (a suffix we added, a path passed in by code) is checked here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from app.errors import RiskcurveError
from app.outputs import write_text
from widgets.dialogs import prompts as dialogs

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

PNG_FILTER = "PNG images (*.png)"
CSV_FILTER = "CSV files (*.csv)"
PANE_NAMES = ("leader", "follower", "correlation", "volatility")


def export_folder(window: MainWindow) -> Path:
    """The folder of the last export, else the user's Pictures (or home) folder."""
    saved = window.layout_store.value("export/folder")
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()


def _ask_path(
    window: MainWindow, title: str, name: str, file_filter: str, suffix: str
) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        window, title, str(export_folder(window) / name), file_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
        if not dialogs.confirm_overwrite(window, path):  # the dialog confirmed another name
            return None
    window.layout_store.setValue("export/folder", str(path.parent))
    return path


def caption(window: MainWindow) -> str:
    """The caption line under an exported image: pair, dates shown, sources, generation date."""
    from widgets.charts.image_export import caption_text

    first, last = window.charts.visible_range()
    return caption_text(window.session.result, first, last)


def export_chart_interactive(window: MainWindow) -> Path | None:
    """File → Export chart as PNG: ask for the width and the file, then write it."""
    if window.session.result is None:
        window.status.show_message("Nothing to export yet: there is no chart.", 5000)
        return None
    width = dialogs.ask_export_width(window)
    if width is None:
        return None
    stem = dialogs.export_stem(window.settings)
    path = _ask_path(window, "Export chart as PNG", f"{stem}.png", PNG_FILTER, ".png")
    if path is None:
        return None
    return write_chart_png(window, path, width, confirmed=True)


def write_chart_png(
    window: MainWindow,
    path: Path,
    width: int = dialogs.DEFAULT_EXPORT_WIDTH,
    *,
    confirmed: bool = False,
    pane: int | None = None,
) -> Path | None:
    """Write the stack (or one pane) to `path`; asks before replacing a file unless `confirmed`."""
    if not confirmed and not dialogs.confirm_overwrite(window, path):
        return None
    text = caption(window)
    try:
        if pane is None:
            written = window.charts.export_png(path, width=width, caption=text)
        else:
            written = window.charts.export_pane_png(pane, path, width=width, caption=text)
    except RiskcurveError as exc:  # a link, a device, a read-only folder, a full disk
        window.status.show_message(f"Not saved: {exc}")
        return None
    window.status.show_message(f"Saved {written}", 8000)
    return written


def export_pane_interactive(window: MainWindow, index: int) -> Path | None:
    """A pane's context menu → Export: that pane alone."""
    if window.session.result is None:
        return None
    width = dialogs.ask_export_width(window)
    if width is None:
        return None
    name = f"{dialogs.export_stem(window.settings)}_{PANE_NAMES[index]}.png"
    path = _ask_path(window, "Export this chart as PNG", name, PNG_FILTER, ".png")
    if path is None:
        return None
    return write_chart_png(window, path, width, confirmed=True, pane=index)


def export_signals_interactive(window: MainWindow) -> Path | None:
    """Signals → Export CSV: the breakout table exactly as `analyze --format csv` prints it."""
    if window.session.result is None:
        window.status.show_message("Nothing to export yet: there are no signals.", 5000)
        return None
    name = f"{dialogs.export_stem(window.settings)}_signals.csv"
    path = _ask_path(window, "Export signals as CSV", name, CSV_FILTER, ".csv")
    if path is None:
        return None
    return write_signals_csv(window, path, confirmed=True)


def write_signals_csv(window: MainWindow, path: Path, *, confirmed: bool = False) -> Path | None:
    """Write the breakout table to `path` (atomically); asks before replacing unless `confirmed`."""
    from app.report import breakouts_csv_text

    if not confirmed and not dialogs.confirm_overwrite(window, path):
        return None
    text = breakouts_csv_text(window.session.result)
    try:  # the user confirmed the name; links and devices are still refused
        write_text(path, text, replace=True)
    except RiskcurveError as exc:
        window.status.show_message(f"Not saved: {exc}")
        return None
    window.status.show_message(f"Saved {path}", 8000)
    return path
