"""A table as text: Ctrl+C on selected rows (tab-separated, with the header, as spreadsheets
expect) and the rows of a CSV export, both exactly as the table shows them.

Rows come in the view's order (sorted and filtered as on screen) and cells in their displayed
form ("+17.3%"), so what lands in a spreadsheet is what the user saw. A CSV export can add the
unrounded values of chosen columns after the shown ones (`raw_kinds`).
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QTableView

from app.formatting import is_missing
from widgets.tables.models import RAW_ROLE, DataFrameModel, one_line

DISPLAY = Qt.ItemDataRole.DisplayRole


def _source(model: QAbstractItemModel) -> DataFrameModel | None:
    if isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    return model if isinstance(model, DataFrameModel) else None


def selected_rows(view: QTableView) -> list[int]:
    """The view's selected rows (view order, top to bottom)."""
    selection = view.selectionModel()
    return sorted({index.row() for index in selection.selectedIndexes()}) if selection else []


def table_cells(view: QTableView, rows: Sequence[int] | None = None) -> list[list[str]]:
    """The header and then `rows` (default: every row) as displayed, columns in view order."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(visual))
    ]
    wanted = range(model.rowCount()) if rows is None else rows
    titles = (model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in columns)
    lines = [[one_line(str(title or "")) for title in titles]]
    for row in wanted:
        lines.append([str(model.index(row, c).data(DISPLAY) or "") for c in columns])
    return lines


def as_tsv(lines: list[list[str]]) -> str:
    """Tab-separated lines; tabs and line breaks inside a cell become spaces."""
    return "".join("\t".join(" ".join(cell.split()) for cell in line) + "\n" for line in lines)


def copy_selected_rows(view: QTableView) -> str:
    """Put the selected rows (with the header) on the clipboard; returns the text ("" if none)."""
    rows = selected_rows(view)
    if not rows:
        return ""
    text = as_tsv(table_cells(view, rows))
    QGuiApplication.clipboard().setText(text)
    return text


def install_copy(view: QTableView) -> QAction:
    """Ctrl+C (the platform's Copy key) and a context-menu entry that copy the selected rows."""
    action = QAction("Copy rows", view)
    action.setShortcuts(QKeySequence.StandardKey.Copy)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip("Copy the selected rows with the header, tab-separated (for spreadsheets)")
    action.triggered.connect(lambda: copy_selected_rows(view))
    select_all = QAction("Select all rows", view)
    select_all.triggered.connect(view.selectAll)
    view.addAction(action)
    view.addAction(select_all)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


def csv_text(view: QTableView, raw_kinds: Sequence[str] = ("return", "pct")) -> str:
    """Every row as shown, then the unrounded value of each column of a kind in `raw_kinds`.

    Raw columns are named by the frame field (fwd_30d, pct_above) and hold fractions written
    exactly, for anyone who wants to compute with them.
    """
    lines = table_cells(view)
    source = _source(view.model())
    raw_columns = [i for i, c in enumerate(source.columns) if c.kind in raw_kinds] if source else []
    if source is not None and raw_columns:
        lines[0] += [source.columns[i].field for i in raw_columns]
        proxy = view.model()
        for row, line in enumerate(lines[1:]):
            source_row = _source_row(proxy, row)
            line += [_raw_cell(source.index(source_row, i).data(RAW_ROLE)) for i in raw_columns]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    return buffer.getvalue()


def _source_row(proxy: QAbstractItemModel, row: int) -> int:
    if isinstance(proxy, QSortFilterProxyModel):
        return proxy.mapToSource(proxy.index(row, 0)).row()
    return row


def _raw_cell(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return repr(float(value))
    return str(value)
