"""Exports from the window: the chart stack or one pane as PNG, the Signals table as CSV, and
the one-keystroke snapshot.

File names are offered from sanitised instrument keys (dialogs.export_stem). An existing file
is never replaced without asking: the save dialog asks for the name it was given, and any path
the dialog did not confirm (a suffix we added, a path passed in by code) is checked here. A
snapshot (Alt+S) never asks: it writes a new, time-stamped file at the last used width into the
last used folder and names it in the status line. The functions get what they need in an
`ExportTarget`, not the window, so this module does not depend on the window's insides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QStandardPaths, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import RiskcurveError
from app.outputs import write_text
from widgets import window_layout
from widgets.charts.image_export import MAX_WIDTH, MIN_WIDTH
from widgets.dialogs import prompts as dialogs

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from app.config import Settings
    from app.provenance import Sources
    from widgets.charts.stack import ChartStack

PNG_FILTER = "PNG images (*.png)"
CSV_FILTER = "CSV files (*.csv)"
PANE_NAMES = ("leader", "follower", "correlation", "volatility")
DEFAULT_WIDTH = 1920


@dataclass(frozen=True)
class ExportTarget:
    """What an export needs from the window."""

    parent: QWidget
    charts: ChartStack
    result: AnalysisResult | None
    settings: Settings
    store: QSettings  # remembers the last folder and width
    say: Callable[[str, int], None]  # a status-line message for that many ms (0: until next)
    signals_csv: Callable[[], str]  # the Signals table as CSV, as shown
    sources: Sources  # where each cached instrument's bars came from (the caption)

    @classmethod
    def of(cls, window: Any) -> ExportTarget:
        """The export target of the main window (its charts, result, layout store, status)."""
        from widgets.tables.copying import csv_text

        return cls(
            parent=window,
            charts=window.charts,
            result=window.session.result,
            settings=window.settings,
            store=window.layout_store,
            say=window.status.show_message,
            signals_csv=lambda: csv_text(window.signals_tab.table),
            sources={i.key: i.sources for i in window.session.instruments},
        )


def export_folder(target: ExportTarget) -> Path:
    """The folder of the last export, else the user's Pictures (or home) folder."""
    saved = target.store.value("export/folder")
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()


def last_width(target: ExportTarget) -> int:
    saved = window_layout.saved_int(target.store, "export/width", MIN_WIDTH, MAX_WIDTH)
    return DEFAULT_WIDTH if saved is None else saved


def width_problem(text: str) -> str:
    """Why `text` is not an allowed width, or "" when it is."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not (cleaned.isascii() and cleaned.isdigit()):  # "²" is a digit to str.isdigit
        return f"Type a whole number of pixels from {MIN_WIDTH:,} to {MAX_WIDTH:,}."
    if not MIN_WIDTH <= int(cleaned) <= MAX_WIDTH:
        return f"{int(cleaned):,} px is outside the allowed {MIN_WIDTH:,}–{MAX_WIDTH:,} px."
    return ""


class WidthDialog(QDialog):
    """Asks for the image width; shows the allowed range and says when a value is outside it.

    A spin box would silently refuse the fifth digit of 99999; here the value stays as typed,
    the message says what is wrong and OK waits for a valid width.
    """

    def __init__(self, width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export chart")
        label = QLabel(f"Image width in pixels ({MIN_WIDTH:,}–{MAX_WIDTH:,}):", self)
        self.edit = QLineEdit(str(width), self)
        self.edit.setToolTip(f"From {MIN_WIDTH:,} to {MAX_WIDTH:,} pixels; the height follows")
        label.setBuddy(self.edit)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        # The message line keeps its height, so the buttons never move under the mouse.
        self.message.setMinimumHeight(self.message.fontMetrics().height() * 2)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (label, self.edit, self.message, self.buttons):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._check)
        self._check()

    @Slot()
    def _check(self) -> None:
        problem = width_problem(self.edit.text())
        self.message.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def width_value(self) -> int:
        return int(self.edit.text().strip().replace(",", "").replace(" ", ""))


def ask_width(target: ExportTarget) -> int | None:
    """The export width (starting from the last one), or None if the user cancelled."""
    dialog = WidthDialog(last_width(target), target.parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    width = dialog.width_value()
    target.store.setValue("export/width", width)
    return width


def _ask_path(
    target: ExportTarget, title: str, name: str, file_filter: str, suffix: str
) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        target.parent, title, str(export_folder(target) / name), file_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
        if not dialogs.confirm_overwrite(target.parent, path):  # the dialog confirmed another name
            return None
    target.store.setValue("export/folder", str(path.parent))
    return path


def caption(target: ExportTarget) -> str:
    """The caption line under an exported image: pair, dates shown, sources, generation date."""
    from widgets.charts.image_export import caption_text

    if target.result is None:
        return ""
    first, last = target.charts.visible_range()
    return caption_text(target.result, first, last, target.sources)


def export_chart_interactive(target: ExportTarget, pane: int | None = None) -> Path | None:
    """File → Export chart as PNG (or a pane's menu): ask for the width and the file, write."""
    if target.result is None:
        target.say("Nothing to export yet: there is no chart.", 5000)
        return None
    width = ask_width(target)
    if width is None:
        return None
    stem = dialogs.export_stem(target.settings)
    name = f"{stem}.png" if pane is None else f"{stem}_{PANE_NAMES[pane]}.png"
    title = "Export chart as PNG" if pane is None else "Export this chart as PNG"
    path = _ask_path(target, title, name, PNG_FILTER, ".png")
    if path is None:
        return None
    return write_chart_png(target, path, width, confirmed=True, pane=pane)


def snapshot(target: ExportTarget, now: dt.datetime | None = None) -> Path | None:
    """Alt+S: the charts as PNG at the last width into the last folder, under a new name."""
    if target.result is None:
        target.say("Nothing to snapshot yet: there is no chart.", 5000)
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    folder = export_folder(target)
    path = folder / f"{dialogs.export_stem(target.settings)}_{stamp}.png"
    counter = 2
    while path.exists():  # two snapshots in one second: never replace the first
        path = folder / f"{dialogs.export_stem(target.settings)}_{stamp}-{counter}.png"
        counter += 1
    width = last_width(target)
    written = write_chart_png(target, path, width, confirmed=True)
    if written is not None:  # the name first: a narrow status line elides the end
        where = f"{written.name}, {width:,} px wide, in {written.parent}"
        target.say(f"Snapshot saved: {where}", 10_000)
    return written


def write_chart_png(
    target: ExportTarget,
    path: Path,
    width: int = DEFAULT_WIDTH,
    *,
    confirmed: bool = False,
    pane: int | None = None,
) -> Path | None:
    """Write the stack (or one pane) to `path`; asks before replacing a file unless `confirmed`."""
    if not confirmed and not dialogs.confirm_overwrite(target.parent, path):
        return None
    text = caption(target)
    try:
        if pane is None:
            written = target.charts.export_png(path, width=width, caption=text)
        else:
            written = target.charts.export_pane_png(pane, path, width=width, caption=text)
    except RiskcurveError as exc:  # a link, a device, a read-only folder, a full disk
        target.say(f"Not saved: {exc}", 0)
        return None
    target.store.setValue("export/folder", str(Path(written).parent))
    target.say(f"Saved {written}", 8000)
    return written


def export_signals_interactive(target: ExportTarget) -> Path | None:
    """Signals → Export CSV: the table as shown (every column, same rounding) plus raw values."""
    if target.result is None:
        target.say("Nothing to export yet: there are no signals.", 5000)
        return None
    name = f"{dialogs.export_stem(target.settings)}_signals.csv"
    path = _ask_path(target, "Export signals as CSV", name, CSV_FILTER, ".csv")
    if path is None:
        return None
    return write_signals_csv(target, path, confirmed=True)


def write_signals_csv(target: ExportTarget, path: Path, *, confirmed: bool = False) -> Path | None:
    """Write the Signals table to `path` (atomically); asks before replacing unless `confirmed`."""
    if not confirmed and not dialogs.confirm_overwrite(target.parent, path):
        return None
    text = target.signals_csv()
    try:  # the user confirmed the name; links and devices are still refused
        write_text(path, text, replace=True)
    except RiskcurveError as exc:
        target.say(f"Not saved: {exc}", 0)
        return None
    target.say(f"Saved {path}", 8000)
    return path
