"""The settings dialog: markets, analysis, regimes per market, downloads.

Its fields are the rows of the settings table (app.config, through settings_values): a new
setting appears here with its label, unit, help and allowed range without any code in this
module. Every field is checked as it is edited, with the same wording as the command line;
OK stays disabled while anything is invalid. The Test buttons check an instrument in a worker
thread and store nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.errors import InvalidKeyError
from app.instruments import parse_key
from app.paths import AppPaths
from app.setting_kinds import Choice, Flag, Key, Percent
from widgets.dialogs import settings_values as sv
from widgets.dialogs.instrument_editor import InstrumentEditor
from widgets.jobs import tasks
from widgets.jobs.workers import Worker, WorkerPool
from widgets.tables.models import return_colors


@dataclass
class FieldRow:
    """One field: its editor, how to read and show its value, and its message line."""

    field: sv.DialogField
    editor: QWidget
    get: Callable[[], Any]
    put: Callable[[Any], None]
    message: QLabel
    unit: QLabel | None = None


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
        self.setWindowTitle("Riskcurve settings")
        self.setMinimumWidth(640)
        self._base = settings
        self._pool = pool
        self._paths = paths
        self._rows: dict[str, FieldRow] = {}
        self._keys_shown: dict[str, str] = {}
        self.pages = QTabWidget(self)
        self.pages.setToolTip("Settings by topic")
        self._build_pages()
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
        layout.addWidget(self.pages)
        layout.addWidget(self.buttons)
        self.load(settings)

    # -- pages ----------------------------------------------------------------------------------

    def _build_pages(self) -> None:
        fields = sv.dialog_fields()
        for page_name in sv.PAGES:
            page = QWidget(self)
            on_page = [f for f in fields if f.page == page_name]
            if page_name == sv.REGIMES:
                self._fill_grid(page, on_page)
            else:
                self._fill_form(page, on_page)
            self.pages.addTab(page, page_name)

    def _fill_form(self, page: QWidget, fields: list[sv.DialogField]) -> None:
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in fields:
            holder = self._field_widget(page, f)
            text = f"{f.role.title()}'s {f.label.lower()}" if f.role else f.label
            label = QLabel(text, page)
            label.setToolTip(f.row.help_text())
            label.setBuddy(self._rows[f.name].editor)
            form.addRow(label, holder)

    def _fill_grid(self, page: QWidget, fields: list[sv.DialogField]) -> None:
        """Per-market rows: one line per setting, a column for the leader and the follower."""
        grid = QGridLayout(page)
        self._role_headers = {}
        for column, role in enumerate(sv.ROLES, start=1):
            header = QLabel(role.title(), page)
            header.setToolTip(f"The {role}'s own values (the defaults depend on the market)")
            grid.addWidget(header, 0, column)
            self._role_headers[role] = header
        names = list(dict.fromkeys(f.row.name for f in fields))
        for line, name in enumerate(names, start=1):
            first = next(f for f in fields if f.row.name == name)
            label = QLabel(first.label, page)
            label.setToolTip(first.row.help_text())
            grid.addWidget(label, line, 0, Qt.AlignmentFlag.AlignTop)
            for column, role in enumerate(sv.ROLES, start=1):
                f = sv.FIELDS[f"{role}_{name}"]
                grid.addWidget(self._field_widget(page, f), line, column)
        grid.setRowStretch(len(names) + 1, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

    def _field_widget(self, page: QWidget, f: sv.DialogField) -> QWidget:
        """The editor for one field with its unit and its message line below it."""
        holder = QWidget(page)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        editor, get, put = self._editor(holder, f)
        unit = None
        if f.row.unit and not isinstance(editor, QCheckBox | InstrumentEditor):
            line = QHBoxLayout()
            line.addWidget(editor, 1)
            unit = QLabel(f.row.unit, holder)
            line.addWidget(unit)
            column.addLayout(line)
        else:
            column.addWidget(editor)
        message = QLabel(holder)
        message.setWordWrap(True)
        message.setToolTip("What this field accepts")
        message.hide()
        column.addWidget(message)
        if not editor.toolTip():
            editor.setToolTip(f.row.help_text())
        self._rows[f.name] = FieldRow(f, editor, get, put, message, unit)
        return holder

    def _editor(
        self, parent: QWidget, f: sv.DialogField
    ) -> tuple[QWidget, Callable[[], Any], Callable[[Any], None]]:
        kind = f.row.kind
        if isinstance(kind, Key):
            editor = InstrumentEditor(f.name, parent)
            editor.changed.connect(partial(self._on_key_edited, f.name))
            editor.testRequested.connect(partial(self._run_test, editor))
            return editor, editor.key, editor.set_key
        if isinstance(kind, Flag):
            box = QCheckBox(parent)
            box.toggled.connect(self.revalidate)
            return box, box.isChecked, lambda value: box.setChecked(bool(value))
        if isinstance(kind, Choice):
            combo = QComboBox(parent)
            for choice in kind.choices:
                combo.addItem(choice.title(), choice)
            combo.currentIndexChanged.connect(self.revalidate)
            return combo, combo.currentData, lambda v: combo.setCurrentIndex(combo.findData(v))
        edit = QLineEdit(parent)
        edit.setPlaceholderText(sv.format_value(f.name, f.row.default))
        if isinstance(kind, Percent):
            edit.setToolTip(f"{f.row.help_text()} (type 20 or 20% for 20 %)")
        edit.textChanged.connect(self.revalidate)
        name = f.name
        return (
            edit,
            lambda: sv.parse(name, edit.text()),
            lambda v: edit.setText(sv.format_value(name, v)),
        )

    # -- values ---------------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        """Show `settings` in every field."""
        for row in self._rows.values():
            self._put(row, row.field.value_of(settings))
        self._keys_shown = {role: getattr(settings, role) for role in sv.ROLES}
        self._show_role_names()
        self.revalidate()

    def _put(self, row: FieldRow, value: Any) -> None:
        row.editor.blockSignals(True)
        row.put(value)
        row.editor.blockSignals(False)

    @Slot()
    def _on_key_edited(self, role: str) -> None:
        """A new leader or follower shows its own per-market values (or its defaults)."""
        key = self._rows[role].get()
        try:
            canonical = parse_key(key).key
        except InvalidKeyError:
            canonical = None
        if canonical is not None and canonical != self._keys_shown.get(role):
            values = self._base.instrument(canonical)
            for row in self._rows.values():
                if row.field.role == role:
                    self._put(row, getattr(values, row.field.row.name))
            self._keys_shown[role] = canonical
            self._show_role_names()
        self.revalidate()

    def _show_role_names(self) -> None:
        for role, header in getattr(self, "_role_headers", {}).items():
            key = self._keys_shown.get(role, "")
            try:
                name = parse_key(key).label
            except InvalidKeyError:
                name = key
            header.setText(f"{role.title()}: {name}")

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

    def unit(self, name: str) -> str:
        """The unit shown after field `name` (empty when it has none)."""
        label = self._rows[name].unit
        return label.text() if label is not None else ""

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
