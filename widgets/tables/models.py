"""Table models over pandas frames, in the shape of Qt for Python's pandas example.

Row and column counts are 0 for a valid parent (a flat table), cells are read with `iat`, and
sorting is left to a QSortFilterProxyModel (stable sort) that sorts on `SORT_ROLE`: the raw
number, so "−5 %" sorts below "+3 %" and empty cells sort together. Each column says how it is
formatted (`Column.kind`) and what it means (`Column.tooltip`, shown on the header).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app import formatting as fmt
from app.formatting import is_missing

if TYPE_CHECKING:
    import pandas as pd

SORT_ROLE = Qt.ItemDataRole.UserRole
#: The unformatted value of a cell (float, str, date), for callers such as row selection.
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
_NUMERIC = frozenset(
    {"return", "pct", "price", "compact_price", "int", "days", "multiple", "pvalue"}
    | {"number", "corr"}
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One displayed column: which frame column, its title, its meaning and its format.

    kind: "return" (signed percentage, coloured green/red), "pct" (percentage), "price",
    "compact_price" (no cents from 1,000 up), "number", "int", "days", "multiple" (×),
    "pvalue", "corr" (a correlation, "+0.42"), "date", "datetime", "flag" (1/0 → Yes/No),
    "text".
    """

    field: str
    title: str
    tooltip: str
    kind: str = "text"
    empty: str = ""  # the text of a missing value


def one_line(title: str) -> str:
    """A header title on one line: a title may break in two ("Base\\nmedian", "leave-\\none")
    so that its column is no wider than its numbers, but copied text and files want one line."""
    return title.replace("-\n", "-").replace("\n", " ")


def format_value(value: Any, kind: str) -> str:
    """The text of a cell (app.formatting's styles); empty when the value is missing."""
    if is_missing(value):
        return ""
    formatter = _FORMATTERS.get(kind)
    if formatter is not None:
        return formatter(value)
    if kind == "number":
        return f"{value:,.2f}"
    if kind == "date":
        return _as_date(value).isoformat()
    if kind == "datetime":
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if kind == "flag":
        return "Yes" if value else "No"
    return str(value)


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "return": fmt.change,
    "pct": fmt.percent,
    "price": fmt.price,
    "compact_price": fmt.compact_price,
    "int": fmt.whole,
    "days": fmt.whole,
    "multiple": fmt.multiple,
    "pvalue": fmt.p_value,
    "corr": fmt.correlation,
}


def sort_key(value: Any, kind: str) -> Any:
    """A value the proxy can compare: numbers as floats (missing lowest), dates as ISO text."""
    if kind in _NUMERIC or kind == "flag":
        return -math.inf if is_missing(value) else float(value)
    if is_missing(value):
        return ""
    if kind in ("date", "datetime"):
        return value.isoformat()
    return str(value)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def return_colors(palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """(gain, loss) text colours readable on the current theme's table background."""
    palette = palette or QGuiApplication.palette()
    dark = palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
    if dark:
        return QColor("#6ee7a0"), QColor("#ff8a8a")
    return QColor("#15803d"), QColor("#b91c1c")


class DataFrameModel(QAbstractTableModel):
    """A read-only table over a DataFrame, showing `columns` in order (absent fields: empty)."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._frame: pd.DataFrame | None = None
        self._positions: list[int] = []
        self._row_tips: list[str] = []
        # Each shown column as a plain list, and its texts once formatted: a view asks for
        # every cell many times (sizing, painting, sorting), and `iat` costs ~15 µs a call.
        self._values: list[list[Any]] = []
        self._texts: list[list[str | None]] = []

    # -- content --------------------------------------------------------------------------------

    def set_frame(
        self,
        frame: pd.DataFrame | None,
        row_tips: Sequence[str] = (),
        columns: Sequence[Column] | None = None,
    ) -> None:
        """Replace the whole table (`row_tips`: a tooltip per row; `columns`: new columns)."""
        self.beginResetModel()
        if columns is not None:
            self._columns = list(columns)
        self._frame = frame.reset_index(drop=True) if frame is not None else None
        names = list(self._frame.columns) if self._frame is not None else []
        self._positions = [names.index(c.field) if c.field in names else -1 for c in self._columns]
        rows = len(self._frame) if self._frame is not None else 0
        self._values = [
            self._frame.iloc[:, position].tolist()
            if self._frame is not None and position >= 0
            else [None] * rows
            for position in self._positions
        ]
        self._texts = [[None] * rows for _ in self._positions]
        self._row_tips = list(row_tips)
        self.endResetModel()

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def frame(self) -> pd.DataFrame | None:
        return self._frame

    def raw(self, row: int, field: str) -> Any:
        """The unformatted value of `field` in `row` (None when absent)."""
        if self._frame is None or field not in self._frame.columns:
            return None
        return self._frame.iat[row, self._frame.columns.get_loc(field)]

    # -- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default argument
        if parent.isValid() or self._frame is None:
            return 0
        return len(self._frame)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default argument
        if parent.isValid():
            return 0
        return len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or self._frame is None:
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._frame) and 0 <= col < len(self._columns)):
            return None
        value = self._values[col][row]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._texts[col][row]
            if text is None:
                column = self._columns[col]
                text = column.empty if is_missing(value) else format_value(value, column.kind)
                self._texts[col][row] = text
            return text
        return self._role_value(role, self._columns[col], value, row)

    def _role_value(self, role: int, column: Column, value: Any, row: int) -> Any:
        if role == SORT_ROLE:
            return sort_key(value, column.kind)
        if role == RAW_ROLE:
            return None if is_missing(value) else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.kind in _NUMERIC else _LEFT)
        if role == Qt.ItemDataRole.ForegroundRole and column.kind == "return":
            if is_missing(value) or value == 0:
                return None
            gain, loss = return_colors()
            return gain if value > 0 else loss
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, value, row)
        return None

    def _tooltip(self, column: Column, value: Any, row: int) -> str | None:
        if column.kind == "text" and not is_missing(value) and len(str(value)) > 40:
            return str(value)
        if row < len(self._row_tips) and self._row_tips[row]:
            return self._row_tips[row]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._columns[section].tooltip
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.rowCount():
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class StableSortProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE; equal values keep their source order in both directions.

    Qt sorts descending by reversing the comparison, which would also reverse ties (two
    breakouts with the same return would swap on every click); the row tie-break prevents that.
    """

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a != b:
            return a < b
        if self.sortOrder() == Qt.SortOrder.DescendingOrder:
            return left.row() > right.row()
        return left.row() < right.row()


def sorting_proxy(
    model: DataFrameModel, parent: Any = None, proxy: StableSortProxy | None = None
) -> StableSortProxy:
    """A proxy (a new StableSortProxy, or `proxy`) sorting `model` stably on SORT_ROLE."""
    proxy = proxy if proxy is not None else StableSortProxy(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setDynamicSortFilter(True)
    return proxy
