"""The result tabs below the charts: Signals (Statistics, Cycles and Data have modules of their
own), and what every tab shares: the sortable table view and the empty state.

Each tab shows a friendly empty state until there is something to show (`clear(message)`), and
fills itself from an AnalysisResult (`show_result`). Tables sort through a proxy on raw values,
select whole rows (several with Shift/Ctrl) and copy them with Ctrl+C.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.chart_input import pair_names
from app.formatting import plural
from widgets.tables import columns as cols
from widgets.tables.copying import install_copy
from widgets.tables.models import RAW_ROLE, DataFrameModel, StableSortProxy, sorting_proxy

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult


def make_table(
    model: DataFrameModel, parent: QWidget, tip: str, proxy: StableSortProxy | None = None
) -> QTableView:
    """A sortable, read-only view of `model` through a stable-sort proxy.

    Whole rows are selected (Shift/Ctrl for several) and Ctrl+C copies them. Columns are as
    wide as their content; only a text column at the end takes the spare width, so a number
    never sits alone in a third of the table.
    """
    view = QTableView(parent)
    view.setHorizontalHeader(SortArrowHeader(view))
    if proxy is None:
        proxy = sorting_proxy(model, view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # source order until a header is clicked
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(bool(model.columns) and model.columns[-1].kind == "text")
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    install_copy(view)
    view.setToolTip(tip)
    return view


class SortArrowHeader(QHeaderView):
    """A horizontal header that keeps as much room beside each title for the sort arrow as the
    style draws it in, no more.

    QHeaderView adds a whole header height (plus a margin) to every section for the arrow,
    where the style gives the arrow half a height and two margins (QCommonStyle's
    SE_HeaderLabel). With two-line titles that wasted 14 px a column: the Cycles table beside
    its chart needed a horizontal scroll bar at 1024 px.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # What QTableView gives its own header and a header made here lacks: without it a
        # click on a title sorts nothing.
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        # The tallest title, found once per change of the titles: Qt asks for every section's
        # size on every layout pass, and finding it each time made that quadratic.
        self._tallest: int | None = None

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self._forget_tallest()
        if model is not None:
            for changed in (
                model.headerDataChanged, model.modelReset, model.layoutChanged,
                model.columnsInserted, model.columnsRemoved,
            ):  # fmt: skip
                changed.connect(self._forget_tallest)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget_tallest()
        super().changeEvent(event)

    def _forget_tallest(self, *_args: object) -> None:
        self._tallest = None

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        if not self.isSortIndicatorShown():
            return size
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        if self._tallest is None:  # every section is painted as tall as the tallest
            self._tallest = max(
                super(SortArrowHeader, self).sectionSizeFromContents(i).height()
                for i in range(self.count())
            )
        reserved = size.height() + margin  # what QHeaderView added
        size.setWidth(size.width() - reserved + self._tallest // 2 + 2 * margin)
        return size


def empty_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setToolTip("Nothing to show yet")
    label.setStyleSheet("QLabel { font-size: 13pt; }")
    return label


class EmptyOr(QStackedWidget):
    """Either a centred message or the content widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = empty_label(self)
        self.addWidget(self.empty)

    def set_content(self, content: QWidget) -> None:
        self.addWidget(content)

    def show_message(self, message: str) -> None:
        self.empty.setText(message)
        self.setCurrentIndex(0)

    def show_content(self) -> None:
        self.setCurrentIndex(1)

    @property
    def is_empty(self) -> bool:
        return self.currentIndex() == 0


class BreakoutProxy(StableSortProxy):
    """Sorts the breakouts and, unless asked to show all, hides those before the follower's data.

    A breakout before the follower's first bar has no follower return at all: it says nothing
    about the question, so by default it is left out of the table (the tab says how many).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.follower_start: pd.Timestamp | None = None
        self.show_all = False

    def set_filter(self, follower_start: pd.Timestamp | None, show_all: bool) -> None:
        self.beginFilterChange()
        self.follower_start, self.show_all = follower_start, show_all
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self.show_all or self.follower_start is None:
            return True
        date = self.sourceModel().index(row, 0, parent).data(RAW_ROLE)
        return date is None or date >= self.follower_start


class SignalsTab(EmptyOr):
    """The breakout table; the current row tells the charts which breakout to centre on.

    Signals:
        breakoutSelected(object): the breakout's date (pandas Timestamp), on a click, Up/Down or
            `select_date`.
        exportRequested(): the user pressed Export CSV.
    """

    breakoutSelected = Signal(object)
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget(self)
        self.model = DataFrameModel(cols.breakout_columns((30, 90, 180, 365)), content)
        self.proxy = BreakoutProxy(content)
        sorting_proxy(self.model, proxy=self.proxy)
        self.table = make_table(
            self.model,
            content,
            "Each leader breakout and what the follower did next; select a row to centre the "
            "charts on it, click a header to sort, Ctrl+C copies the selected rows",
            self.proxy,
        )
        self.export_button = QPushButton("Export CSV…", content)
        self.export_button.setToolTip("Save this table as CSV: every column as shown, plus raw")
        self.show_all = QCheckBox("Show earlier breakouts", content)
        self.show_all.setToolTip(
            "Breakouts before the follower's first bar have no follower returns; "
            "they are hidden unless this is on"
        )
        self.summary = QLabel(content)
        self.summary.setWordWrap(True)  # never widens the window past a small screen
        self.summary.setToolTip("How many breakouts the leader had with the current settings")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.show_all)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.set_content(content)
        self._result: AnalysisResult | None = None
        # Newest breakouts first: the recent ones matter most; any header re-sorts.
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.export_button.clicked.connect(self.exportRequested)
        self.show_all.toggled.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)

    def show_result(self, result: AnalysisResult) -> None:
        horizons = result.params.horizons
        frame = result.breakouts
        self._result = result
        shown_frame = cols.breakout_frame(frame)
        columns = cols.breakout_columns(horizons, result.follower_bull_share)
        shown = cols.present(columns, shown_frame)
        self.model.set_frame(shown_frame, cols.breakout_row_tips(frame, horizons), shown)
        self._apply_filter()
        self.show_content()

    def _apply_filter(self) -> None:
        result = self._result
        if result is None:
            return
        start = result.follower.index[0] if len(result.follower) else None
        self.proxy.set_filter(start, self.show_all.isChecked())
        total, shown = len(result.breakouts), self.proxy.rowCount()
        leader, follower = pair_names(result)
        text = (
            f"{plural(total, 'breakout')} of {leader} after at "
            f"least {plural(result.params.min_gap_days, 'day')} without a new high"
        )
        hidden = total - shown
        if hidden:
            text += f" · {hidden} earlier, before {follower} has data: hidden"
        base_rate = cols.bull_share_note(result.follower_bull_share, follower)
        self.summary.setText(f"{text}\nRegime at breakout: {base_rate}" if base_rate else text)
        earlier = 0 if start is None else int((result.breakouts["date"] < start).sum())
        self.show_all.setVisible(earlier > 0)
        self.export_button.setEnabled(shown > 0)

    def clear(self, message: str) -> None:
        self._result = None
        self.model.set_frame(None)
        self.show_message(message)

    def select_row(self, row: int) -> None:
        """Select the `row`-th visible row (as sorted)."""
        self.table.selectRow(row)

    def select_date(self, date: object) -> bool:
        """Select the breakout on `date` (showing hidden ones if needed); False if there is none."""
        row = self._proxy_row(date)
        if row is None and not self.show_all.isChecked() and self._source_row(date) is not None:
            self.show_all.setChecked(True)
            row = self._proxy_row(date)
        if row is None:
            return False
        index = self.proxy.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    def clear_selection(self) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)  # nothing to centre on: this is not a user's choice
        selection.clear()
        selection.blockSignals(False)
        self.table.viewport().update()

    def selected_date(self) -> pd.Timestamp | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return index.sibling(index.row(), 0).data(RAW_ROLE)

    def _source_row(self, date: object) -> int | None:
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(RAW_ROLE) == date:
                return row
        return None

    def _proxy_row(self, date: object) -> int | None:
        source = self._source_row(date)
        if source is None:
            return None
        row = self.proxy.mapFromSource(self.model.index(source, 0)).row()
        return row if row >= 0 else None

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        date = current.sibling(current.row(), 0).data(RAW_ROLE)
        if date is not None:
            self.breakoutSelected.emit(date)
