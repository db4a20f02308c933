"""The settings dialog: markets, analysis, regimes per market, downloads.

Its fields are the rows of the settings table (app.config, through settings_values): a new
setting appears here with its label, unit, help and allowed range without any code in this
module. Every field is checked as it is edited, with the same wording as the command line;
OK stays disabled while anything is invalid. An invalid field's label turns red and carries its
message; its tab is marked; one message area of fixed height under the tabs names the first
problem (tab › field: reason) and links to it, so nothing moves under the mouse as errors come
and go. The Test buttons check an instrument in a worker thread and store nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QTextDocumentFragment
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
from app.instruments import market_name, parse_key
from app.paths import AppPaths
from app.setting_kinds import Choice, Flag, Key, Percent
from app.setting_lists import ChoiceList, KeyList
from widgets.dialogs import settings_values as sv
from widgets.dialogs.instrument_editor import InstrumentEditor
from widgets.dialogs.key_list_editor import KeyListEditor
from widgets.jobs import tasks
from widgets.jobs.workers import Worker, WorkerPool
from widgets.tables.models import return_colors

MESSAGE_LINES = 2
WARNING_MARK = " ⚠"


@dataclass
class FieldRow:
    """One field: its editor, how to read and show its value, its label and current message."""

    field: sv.DialogField
    editor: QWidget
    get: Callable[[], Any]
    put: Callable[[Any], None]
    label: QLabel | None = None
    message: str = ""


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
        self._keys_shown: dict[str, str] = {}
        self.pages = QTabWidget(self)
        self._build_pages()
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setFixedHeight(self.problems.fontMetrics().lineSpacing() * MESSAGE_LINES)
        self.problems.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.problems.linkActivated.connect(self.show_field)
        self.pages.currentChanged.connect(self.revalidate)  # name this tab's problem first
        self.buttons = self._build_buttons()
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.load(settings)

    def _build_buttons(self) -> QDialogButtonBox:
        """OK (disabled while a field is invalid), Cancel and Restore Defaults."""
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setToolTip("Save the settings (disabled while a field is invalid)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Discard changes")
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setToolTip("Put every field back to Riskcurve's defaults (saved only on OK)")
        restore.clicked.connect(self.restore_defaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

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
            if f.role:  # the market's own name: shown under its key, as a sub-item
                text = f"   {f.label}"
            label = QLabel(text, page)
            label.setToolTip(f.row.help_text())
            label.setBuddy(self._rows[f.name].editor)
            self._rows[f.name].label = label
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
            grid.addWidget(label, line, 0)
            for column, role in enumerate(sv.ROLES, start=1):
                f = sv.FIELDS[f"{role}_{name}"]
                grid.addWidget(self._field_widget(page, f), line, column)
                self._rows[f.name].label = label
        grid.setRowStretch(len(names) + 1, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

    def _field_widget(self, page: QWidget, f: sv.DialogField) -> QWidget:
        """The editor for one field, with its unit after it."""
        holder = QWidget(page)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        editor, get, put = self._editor(holder, f)
        line.addWidget(editor, 1)
        if not editor.toolTip():
            editor.setToolTip(f.row.help_text())
        self._rows[f.name] = FieldRow(f, editor, get, put)
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
        if isinstance(kind, KeyList) and kind.distinct:  # an order of markets: the ladder
            keys = KeyListEditor(parent, f.row.help_text())
            keys.changed.connect(self.revalidate)
            return keys, keys.keys, keys.set_keys
        if isinstance(kind, ChoiceList):
            return self._check_boxes(parent, kind)
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

    def _check_boxes(
        self, parent: QWidget, kind: ChoiceList
    ) -> tuple[QWidget, Callable[[], Any], Callable[[Any], None]]:
        """Some of a few words: a check box per choice; the value keeps the choices' order."""
        holder = QWidget(parent)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        boxes = {choice: QCheckBox(kind.label(choice), holder) for choice in kind.choices}
        for box in boxes.values():
            box.toggled.connect(self.revalidate)
            line.addWidget(box)
        line.addStretch(1)

        def put(value: Any) -> None:
            for choice, box in boxes.items():
                box.blockSignals(True)
                box.setChecked(choice in value)
                box.blockSignals(False)

        return holder, lambda: tuple(c for c, b in boxes.items() if b.isChecked()), put

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
        """The Regimes columns and the name fields' placeholders show each market's name."""
        for role in sv.ROLES:
            key = self._keys_shown.get(role, "")
            name = market_name(key)
            header = getattr(self, "_role_headers", {}).get(role)
            if header is not None:
                header.setText(f"{role.title()}: {name}")
            label_field = self._rows.get(f"{role}_label")
            if label_field is not None and isinstance(label_field.editor, QLineEdit):
                label_field.editor.setPlaceholderText(name)

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
        """The unit field `name` is shown with, in its label (empty when it has none)."""
        row = self._rows[name]
        unit = row.field.row.unit
        return unit if unit and row.label is not None and f"({unit})" in row.label.text() else ""

    def message(self, name: str) -> str:
        """What is wrong with field `name` (empty when valid)."""
        return self._rows[name].message

    def problem_text(self) -> str:
        """The message area's text, without markup."""
        return QTextDocumentFragment.fromHtml(self.problems.text()).toPlainText()

    def marked_tabs(self) -> list[str]:
        """The tabs marked as holding an invalid field."""
        return [
            sv.PAGES[i] for i in range(self.pages.count()) if self.pages.tabText(i) != sv.PAGES[i]
        ]

    @Slot()
    def revalidate(self) -> None:
        errors = self.errors()
        colour = return_colors(self.palette())[1].name()
        for name, row in self._rows.items():
            text = errors.get(name, "")
            row.message = text[:1].upper() + text[1:]
            self._mark_label(row, colour)
        self._mark_tabs(errors, colour)
        self._show_problems(errors)
        self.ok_button.setEnabled(not errors)

    def _mark_label(self, row: FieldRow, colour: str) -> None:
        if row.label is None:
            return
        shared = [r for r in self._rows.values() if r.label is row.label]
        messages = [r.message for r in shared if r.message]
        row.label.setStyleSheet(f"color: {colour};" if messages else "")
        help_text = row.field.row.help_text()
        row.label.setToolTip("\n".join([*messages, help_text]) if messages else help_text)

    def _mark_tabs(self, errors: dict[str, str], colour: str) -> None:
        bar = self.pages.tabBar()
        for index, page in enumerate(sv.PAGES):
            bad = [self._rows[n].field.label for n in errors if self._rows[n].field.page == page]
            self.pages.setTabText(index, page + (WARNING_MARK if bad else ""))
            bar.setTabTextColor(index, QColor(colour) if bad else self.palette().text().color())
            tip = f"Needs attention: {', '.join(bad)}" if bad else f"{page} settings"
            self.pages.setTabToolTip(index, tip)

    def _show_problems(self, errors: dict[str, str]) -> None:
        """The first problem, named by tab and field, as a link that shows the field."""
        if not errors:
            self.problems.clear()
            return
        current = sv.PAGES[self.pages.currentIndex()]
        name = next((n for n in errors if self._rows[n].field.page == current), next(iter(errors)))
        row = self._rows[name]
        where = f"{row.field.page} › {self._field_title(row)}"
        more = len(errors) - 1
        rest = f" (and {more} more field{'s' if more > 1 else ''})" if more else ""
        colour = return_colors(self.palette())[1].name()
        self.problems.setText(
            f'<span style="color:{colour}">✖</span> <a href="{name}">{html.escape(where)}</a>: '
            f"{html.escape(row.message)}{rest}"
        )

    def _field_title(self, row: FieldRow) -> str:
        title = row.label.text().strip() if row.label is not None else row.field.label
        return f"{title} ({row.field.role})" if row.field.role else title

    @Slot(str)
    def show_field(self, name: str) -> None:
        """Bring field `name` into view and give it the keyboard focus."""
        row = self._rows[name]
        self.pages.setCurrentIndex(sv.PAGES.index(row.field.page))
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)

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
