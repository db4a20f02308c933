"""The settings dialog: markets, analysis windows and thresholds, downloads.

Every field is checked as it is edited, with the message shown under the field (the same
wording as the command line, see widgets.dialogs.settings_values); OK stays disabled while
anything is invalid. The Test buttons check an instrument in a worker thread and store nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import HORIZON_LIMITS, MAX_HORIZONS, RULES, Settings
from app.paths import AppPaths
from widgets.dialogs import settings_values as sv
from widgets.dialogs.instrument_editor import InstrumentEditor
from widgets.jobs import tasks
from widgets.jobs.workers import Worker, WorkerPool
from widgets.tables.models import return_colors


@dataclass
class FieldRow:
    """One field: its editor, how to read and write it, and the label for its message."""

    name: str
    editor: QWidget
    get: Callable[[], Any]
    put: Callable[[Settings], None]
    message: QLabel


def _rule_help(name: str) -> str:
    rule = RULES[name]
    if rule.kind in (int, float):
        return f"{rule.help}; {rule.range_text()}"
    return rule.help


THRESHOLD_HELP = {
    "leader_bull": "Rise from a trough that starts a bull phase of the leader (0.2 = 20 %)",
    "leader_bear": "Fall from a peak that starts a bear phase of the leader (0.2 = 20 %)",
    "follower_bull": "Rise from a trough that starts a bull phase of the follower",
    "follower_bear": "Fall from a peak that starts a bear phase of the follower",
}
ROLE_HELP = {
    "leader": "The market whose breakouts we watch",
    "follower": "The market whose reaction we measure",
}
LABELS = {
    "leader": "Leader",
    "follower": "Follower",
    "extra_instruments": "Also keep cached",
    "basis": "Breakout basis",
    "min_gap_days": "Min. consolidation (days)",
    "horizons": "Horizons (days)",
    "non_overlapping": "Non-overlapping events",
    "corr_window": "Correlation window",
    "vol_window": "Volatility window",
    "leader_bull": "Leader bull threshold",
    "leader_bear": "Leader bear threshold",
    "follower_bull": "Follower bull threshold",
    "follower_bear": "Follower bear threshold",
    "bootstrap_draws": "Bootstrap draws",
    "seed": "Random seed",
    "bull_window_days": "Bull phase near breakout (± days)",
    "refresh_on_start": "Refresh on start",
    "fetch_timeout_s": "Download timeout (s)",
    "stale_after_days": "Stale after (days)",
}


class SettingsDialog(QDialog):
    """Edit a copy of the settings; `settings()` returns the validated result after OK."""

    def __init__(
        self,
        settings: Settings,
        pool: WorkerPool | None = None,
        paths: AppPaths | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")  # Qt appends " — Riskcurve"
        self.setMinimumWidth(640)
        self._base = settings
        self._pool = pool
        self._paths = paths
        self._rows: dict[str, FieldRow] = {}
        pages = QTabWidget(self)
        pages.addTab(self._markets_page(), "Markets")
        pages.addTab(self._analysis_page(), "Analysis")
        pages.addTab(self._downloads_page(), "Downloads")
        pages.setToolTip("Settings by topic")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setToolTip("Save the settings (disabled while a field is invalid)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Discard changes")
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setToolTip("Put every field back to Riskcurve's defaults (saved only on OK)")
        restore.clicked.connect(self.restore_defaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(pages)
        layout.addWidget(self.buttons)
        self.load(settings)

    # -- pages ----------------------------------------------------------------------------------

    def _markets_page(self) -> QWidget:
        page, form = self._page()
        for role in ("leader", "follower"):
            editor = InstrumentEditor(role, page)
            editor.changed.connect(self.revalidate)
            editor.testRequested.connect(partial(self._run_test, editor))
            self._add(
                form,
                role,
                editor,
                editor.key,
                partial(_put_key, editor, role),
                ROLE_HELP[role],
            )
        extra = self._line_edit(page, "yahoo:BTC-USD, yahoo:^GSPC")
        self._add(
            form,
            "extra_instruments",
            extra,
            lambda: sv.parse_list(extra.text()),
            lambda s: extra.setText(", ".join(s.extra_instruments)),
            "More instruments to download and keep cached, separated by commas",
        )
        return page

    def _analysis_page(self) -> QWidget:
        page, form = self._page()
        basis = QComboBox(page)
        basis.addItem("Close", "close")
        basis.addItem("High", "high")
        self._add(
            form,
            "basis",
            basis,
            basis.currentData,
            lambda s: basis.setCurrentIndex(basis.findData(s.basis)),
            _rule_help("basis"),
        )
        self._int_field(page, form, "min_gap_days")
        self._horizons_field(page, form)
        self._bool_field(page, form, "non_overlapping")
        for name in ("corr_window", "vol_window"):
            self._int_field(page, form, name)
        for name in sv.THRESHOLD_FIELDS:
            edit = self._line_edit(page, "0.2")
            self._add(
                form,
                name,
                edit,
                partial(_float_of, edit),
                partial(_put_threshold, edit, name),
                f"{THRESHOLD_HELP[name]}; {RULES['bull_threshold'].range_text()}",
            )
        for name in ("bootstrap_draws", "seed", "bull_window_days"):
            self._int_field(page, form, name)
        return page

    def _horizons_field(self, page: QWidget, form: QFormLayout) -> None:
        low, high = HORIZON_LIMITS
        horizons = self._line_edit(page, "30, 90, 180, 365")
        self._add(
            form,
            "horizons",
            horizons,
            lambda: sv.parse_horizons(horizons.text()),
            lambda s: horizons.setText(sv.format_horizons(s.horizons)),
            f"Days after each breakout to measure the follower; up to {MAX_HORIZONS} "
            f"increasing whole numbers from {low} to {high:,}",
        )

    def _downloads_page(self) -> QWidget:
        page, form = self._page()
        self._bool_field(page, form, "refresh_on_start")
        edit = self._line_edit(page, "60")
        self._add(
            form,
            "fetch_timeout_s",
            edit,
            partial(_float_of, edit),
            lambda s: edit.setText(sv.format_number(s.fetch_timeout_s)),
            _rule_help("fetch_timeout_s"),
        )
        self._int_field(page, form, "stale_after_days")
        return page

    # -- building blocks ------------------------------------------------------------------------

    def _page(self) -> tuple[QWidget, QFormLayout]:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return page, form

    def _line_edit(self, parent: QWidget, placeholder: str) -> QLineEdit:
        edit = QLineEdit(parent)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.revalidate)
        return edit

    def _int_field(self, page: QWidget, form: QFormLayout, name: str) -> None:
        edit = self._line_edit(page, str(getattr(Settings(), name)))
        self._add(
            form,
            name,
            edit,
            lambda: sv.parse_int(edit.text()),
            lambda s: edit.setText(str(getattr(s, name))),
            _rule_help(name),
        )

    def _bool_field(self, page: QWidget, form: QFormLayout, name: str) -> None:
        box = QCheckBox(page)
        box.toggled.connect(self.revalidate)
        self._add(
            form,
            name,
            box,
            box.isChecked,
            lambda s: box.setChecked(bool(getattr(s, name))),
            RULES[name].help,
        )

    def _add(
        self,
        form: QFormLayout,
        name: str,
        editor: QWidget,
        get: Callable[[], Any],
        put: Callable[[Settings], None],
        help_text: str,
    ) -> None:
        holder = QWidget(editor.parentWidget())
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        editor.setParent(holder)
        column.addWidget(editor)
        message = QLabel(holder)
        message.setWordWrap(True)
        message.setToolTip("What this field accepts")
        message.hide()
        column.addWidget(message)
        if not editor.toolTip():
            editor.setToolTip(help_text)
        label = QLabel(LABELS[name], holder.parentWidget())
        label.setToolTip(help_text)
        label.setBuddy(editor)
        form.addRow(label, holder)
        self._rows[name] = FieldRow(name, editor, get, put, message)

    # -- values ---------------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        """Show `settings` in every field."""
        for row in self._rows.values():
            row.editor.blockSignals(True)
            row.put(settings)
            row.editor.blockSignals(False)
        self.revalidate()

    def values(self) -> dict[str, Any]:
        return {name: row.get() for name, row in self._rows.items()}

    def errors(self) -> dict[str, str]:
        """Current problems per field (empty when everything is valid)."""
        return sv.field_errors(self._base, self.values())

    def settings(self) -> Settings:
        """The validated settings (raises SettingsError while a field is invalid)."""
        return sv.validated(self._base, self.values())

    def editor(self, name: str) -> QWidget:
        return self._rows[name].editor

    def message(self, name: str) -> str:
        """The message currently shown under field `name` (empty when valid)."""
        label = self._rows[name].message
        return "" if label.isHidden() else label.text()

    @Slot()
    def revalidate(self) -> None:
        errors = self.errors()
        colour = return_colors(self.palette())[1].name()
        for name, row in self._rows.items():
            text = errors.get(name, "")
            row.message.setText(text[:1].upper() + text[1:])
            row.message.setStyleSheet(f"color: {colour};")
            row.message.setVisible(bool(text))
        self.ok_button.setEnabled(not errors)

    @Slot()
    def restore_defaults(self) -> None:
        self.load(Settings())

    # -- Test buttons ---------------------------------------------------------------------------

    def _run_test(self, editor: InstrumentEditor, key: str) -> None:
        if self._pool is None or self._paths is None:
            editor.set_test_result(False, "Testing needs the main window's download service")
            return
        paths = self._paths
        worker = Worker(
            f"test {key}",
            lambda _progress, cancel: tasks.test_instrument(key, paths, cancel),
        )
        worker.result.connect(editor.on_test_result)
        worker.error.connect(editor.on_test_error)
        self._pool.start(worker)


def _put_key(editor: InstrumentEditor, role: str, settings: Settings) -> None:
    editor.set_key(getattr(settings, role))


def _float_of(edit: QLineEdit) -> float | str:
    return sv.parse_float(edit.text())


def _put_threshold(edit: QLineEdit, name: str, settings: Settings) -> None:
    edit.setText(sv.format_number(sv.thresholds_of(settings)[name]))
