"""Small dialogs: the instrument key for a CSV import, the overwrite check, About.

File names offered for exports are built from sanitised instrument keys
(app.instruments.safe_file_stem), so a key such as `ccxt:bitstamp:BTC/USD` never becomes a path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.errors import InvalidKeyError
from app.instruments import InstrumentKey, parse_key, safe_file_stem

if TYPE_CHECKING:
    from app.cache import InstrumentInfo

DATA_SOURCES = (
    "Yahoo Finance (via yfinance) for stocks, indices and ETFs; crypto exchanges via ccxt "
    "(Bitstamp by default for Bitcoin); and CSV files you import."
)


def export_stem(settings: Settings) -> str:
    """ "riskcurve_yahoo-RUT_vs_ccxt-bitstamp-BTC-USD": safe in any file system."""
    return f"riskcurve_{safe_file_stem(settings.leader)}_vs_{safe_file_stem(settings.follower)}"


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def suggest_keys(file: Path, settings: Settings) -> list[str]:
    """Keys to offer for importing `file`: a matching leader/follower first, then its name."""
    name = _squash(file.stem)
    stem = re.sub(r"[^A-Za-z0-9_.\-]+", "-", file.stem).strip("-.") or "series"
    from_name = f"csv:{stem[:48]}"
    keys = [settings.leader, settings.follower, *settings.extra_instruments]
    matching = [k for k in keys if _squash(parse_key(k).ticker) in name]
    rest = [k for k in (settings.leader, settings.follower) if k not in matching]
    return list(dict.fromkeys([*matching, from_name, *rest]))


class ImportKeyDialog(QDialog):
    """Asks which instrument a CSV file holds; the key is checked as it is typed.

    A key that already has cached bars is never pre-selected without saying so: the first
    suggestion without bars is chosen, and a key with bars is named with what it holds (the
    import then shows what it would change and asks before replacing anything).
    """

    def __init__(
        self,
        file: Path,
        settings: Settings,
        parent: QWidget | None = None,
        cached: Sequence[InstrumentInfo] = (),
    ) -> None:
        super().__init__(parent)
        self._held = {i.key: i for i in cached if i.rows}
        self.setWindowTitle("Import CSV")
        self.setMinimumWidth(460)  # its sentences on a few long lines, not many short ones
        intro = QLabel(
            f"Import <b>{html.escape(file.name)}</b> as which instrument?<br>Importing into a "
            "Yahoo or "
            "exchange key lets a later Refresh top it up.",
            self,
        )
        intro.setWordWrap(True)
        self.combo = self._key_combo(suggest_keys(file, settings))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.holds = QLabel(self)
        self.holds.setWordWrap(True)
        self.buttons = self._ok_cancel()
        layout = QVBoxLayout(self)
        for widget in (intro, self.combo, self.holds, self.message, self.buttons):
            layout.addWidget(widget)
        self.combo.editTextChanged.connect(self._check)
        self._check()

    def _key_combo(self, suggestions: list[str]) -> QComboBox:
        """The suggested keys, each one with cached bars saying what it holds; the first
        without bars chosen."""
        combo = QComboBox(self)
        combo.setEditable(True)
        combo.addItems(suggestions)
        for index, key in enumerate(suggestions):
            if key in self._held:
                combo.setItemData(index, held_text(self._held[key]), Qt.ItemDataRole.ToolTipRole)
        empty = [i for i, key in enumerate(suggestions) if key not in self._held]
        combo.setCurrentIndex(empty[0] if empty else 0)
        combo.setToolTip(
            "Instrument key: yahoo:TICKER, ccxt:EXCHANGE:BASE/QUOTE, or csv:NAME for a series "
            "of your own"
        )
        return combo

    def _ok_cancel(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(
            "Import the file into this instrument (one transaction: all rows or none)"
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Import nothing")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    def key(self) -> InstrumentKey:
        return InstrumentKey(self.combo.currentText())

    @Slot()
    def _check(self) -> None:
        try:
            key = parse_key(self.combo.currentText()).key
        except InvalidKeyError as exc:
            self.message.setText(str(exc))
            self.holds.clear()
            ok = False
        else:
            self.message.clear()
            held = self._held.get(key)
            self.holds.setText(f"⚠ {held_text(held)}" if held else "")
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def held_text(info: InstrumentInfo) -> str:
    """What a key already holds, and that an import into it asks before replacing."""
    return (
        f"{info.key} already holds {info.rows:,} bars ({info.first_date} – {info.last_date}, "
        f"{info.source_text}). Importing into it adds new days; if it would change any cached "
        "day you are shown what and asked first."
    )


def confirm_overwrite(parent: QWidget, path: Path) -> bool:
    """True when `path` does not exist or the user agreed to replace it."""
    if not path.exists():
        return True
    answer = QMessageBox.question(
        parent,
        "Replace file?",
        f"{path.name} already exists in {path.parent}. Replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def app_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("riskcurve")
    except metadata.PackageNotFoundError:
        return "(development version)"


def about_text() -> str:
    return (
        f"<h3>Riskcurve {app_version()}</h3>"
        "<p>Does the far end of the risk curve follow when a leader market breaks out? "
        "Riskcurve finds a leader's all-time-high breakouts after long consolidations and "
        "measures what a follower did next, against its base rate.</p>"
        f"<p><b>Data sources:</b> {DATA_SOURCES} Prices are cached on this computer and "
        "work offline.</p>"
        "<p><b>This is not financial advice.</b> Past patterns, especially from a handful of "
        "events, do not predict future returns.</p>"
    )


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About", about_text())  # Qt appends " — Riskcurve"


def ask_csv_file(parent: QWidget) -> Path | None:
    """The CSV file the user picks to import, or None."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import CSV", str(Path.home()), "CSV files (*.csv *.txt);;All files (*)"
    )
    return Path(name) if name else None


def ask_import_key(path: Path, settings: Settings, parent: QWidget) -> str | None:
    """The instrument key to import `path` as (ImportKeyDialog), or None when cancelled."""
    dialog = ImportKeyDialog(path, settings, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.key()
