"""The tabs below the charts: Signals, Statistics, Cycles and Data.

Each tab shows a friendly empty state until there is something to show (`clear(message)`), and
fills itself from an AnalysisResult (`show_result`). Tables sort through a proxy on raw values.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.instruments import parse_key
from widgets.tables import columns as cols
from widgets.tables.models import RAW_ROLE, DataFrameModel, sorting_proxy

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from app.cache import InstrumentInfo


def make_table(model: DataFrameModel, parent: QWidget, tip: str) -> QTableView:
    """A sortable, row-selecting, read-only view of `model` through a stable-sort proxy."""
    view = QTableView(parent)
    proxy = sorting_proxy(model, view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # source order until a header is clicked
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setToolTip(tip)
    return view


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


class SignalsTab(EmptyOr):
    """The breakout table; selecting a row asks the charts to centre on that date.

    Signals:
        breakoutSelected(object): the breakout's date (pandas Timestamp).
        exportRequested(): the user pressed Export CSV.
    """

    breakoutSelected = Signal(object)
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget(self)
        self.model = DataFrameModel(cols.breakout_columns((30, 90, 180, 365)), content)
        self.table = make_table(
            self.model,
            content,
            "Each leader breakout and what the follower did next; "
            "select a row to centre the charts on it, click a header to sort",
        )
        self.export_button = QPushButton("Export CSV…", content)
        self.export_button.setToolTip("Save this table as a CSV file (returns as fractions)")
        self.summary = QLabel(content)
        self.summary.setToolTip("How many breakouts the leader had with the current settings")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.set_content(content)
        # Newest breakouts first: the recent ones matter most; any header re-sorts.
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.export_button.clicked.connect(self.exportRequested)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

    def show_result(self, result: AnalysisResult) -> None:
        horizons = result.params.horizons
        frame = result.breakouts
        self.model.set_frame(
            frame, cols.breakout_row_tips(frame, horizons), cols.breakout_columns(horizons)
        )
        count = len(frame)
        self.summary.setText(
            f"{count} breakout{'s' if count != 1 else ''} of {parse_key(result.leader_key).label} "
            f"after at least {result.params.min_gap_days:,} days without a new high"
        )
        self.export_button.setEnabled(count > 0)
        self.show_content()

    def clear(self, message: str) -> None:
        self.model.set_frame(None)
        self.show_message(message)

    def select_row(self, row: int) -> None:
        """Select the `row`-th visible row (as sorted)."""
        self.table.selectRow(row)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        index: QModelIndex = indexes[0]
        date = index.sibling(index.row(), 0).data(RAW_ROLE)
        if date is not None:
            self.breakoutSelected.emit(date)


class StatisticsTab(EmptyOr):
    """The event study per horizon, its plain-language verdicts and the small-sample warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget(self)
        self.warning = QLabel(content)
        self.warning.setWordWrap(True)
        self.warning.setToolTip("Few events make any average unreliable")
        self.warning.setStyleSheet(
            "QLabel { background: #fde68a; color: #3b2f00; border-radius: 4px; padding: 6px; }"
        )
        self.verdicts = QLabel(content)
        self.verdicts.setWordWrap(True)
        self.verdicts.setTextFormat(Qt.TextFormat.RichText)
        self.verdicts.setToolTip("What the follower did after the leader's breakouts, per horizon")
        self.model = DataFrameModel(cols.SUMMARY_COLUMNS, content)
        self.table = make_table(
            self.model,
            content,
            "Breakouts against the base rate, per horizon; hover a header for what a column means",
        )
        self.footer = QLabel(content)
        self.footer.setWordWrap(True)
        self.footer.setToolTip("How the p-values were computed, and notes from the analysis")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.warning, self.verdicts, self.table, self.footer):
            layout.addWidget(widget)
        layout.setStretchFactor(self.table, 1)
        self.set_content(content)

    def show_result(self, result: AnalysisResult) -> None:
        warning = cols.small_sample_warning(result)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        items = "".join(f"<li>{html.escape(v)}</li>" for v in cols.summary_verdicts(result))
        self.verdicts.setText(f"<ul style='margin:0'>{items}</ul>" if items else "")
        self.model.set_frame(result.summary, cols.summary_verdicts(result))
        notes = " ".join(result.notes)
        self.footer.setText(
            f"p-values from {result.params.bootstrap_draws:,} random same-size sets of days "
            f"(seed {result.seed}). {notes}".strip()
        )
        self.show_content()

    def clear(self, message: str) -> None:
        self.model.set_frame(None)
        self.show_message(message)


class CyclesTab(EmptyOr):
    """Halving-aligned curves (CyclesChart, built when first needed) above the table of cycles."""

    def __init__(
        self,
        parent: QWidget | None = None,
        chart_factory: Callable[[QWidget], QWidget] | None = None,
    ) -> None:
        super().__init__(parent)
        self._chart_factory = chart_factory or _cycles_chart
        self.chart: Any = None
        self._pending: AnalysisResult | None = None
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.model = DataFrameModel(cols.CYCLE_COLUMNS, self.splitter)
        self.table = make_table(
            self.model,
            self.splitter,
            "Each Bitcoin halving cycle: peak, multiple and days to the peak",
        )
        self.splitter.addWidget(self.table)
        self.set_content(self.splitter)

    def _ensure_chart(self) -> Any:
        if self.chart is None:
            self.chart = self._chart_factory(self.splitter)
            self.chart.setToolTip(
                "Each halving cycle's price ÷ price at its halving; the current cycle is emphasised"
            )
            self.chart.setMinimumHeight(150)
            self.splitter.insertWidget(0, self.chart)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 1)
            # Stretch factors only shape later resizes; share the current height 3:1 now.
            quarter = max(self.splitter.height() // 4, 60)
            self.splitter.setSizes([3 * quarter, quarter])
        return self.chart

    def show_result(self, result: AnalysisResult) -> None:
        if result.cycles is None or result.cycles.empty:
            self.clear(
                "No halving cycles in the follower's history (halvings come from the "
                "key dates; they apply to Bitcoin)."
            )
            return
        self.model.set_frame(result.cycles)
        self.show_content()
        # The chart is drawn when the tab is on screen: a settings change then redraws only
        # what the user is looking at.
        self._pending = result
        if self.isVisible():
            self._draw_pending()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._draw_pending()

    def _draw_pending(self) -> None:
        if self._pending is not None:
            result, self._pending = self._pending, None
            self._ensure_chart().set_result(result)

    def clear(self, message: str) -> None:
        self._pending = None
        self.model.set_frame(None)
        self.show_message(message)


class DataTab(QWidget):
    """Every cached instrument, its freshness and its last error, with Retry.

    Signals:
        retryRequested(object): a tuple of instrument keys to fetch again.
    """

    retryRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DataFrameModel(cols.DATA_COLUMNS, self)
        self.table = make_table(self.model, self, "The local cache: one row per instrument")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setToolTip("The state of the local cache")
        self.retry_selected = QPushButton("Retry selected", self)
        self.retry_selected.setToolTip("Download the selected instrument again")
        self.retry_failed = QPushButton("Retry failed", self)
        self.retry_failed.setToolTip("Download every instrument whose last download failed")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.retry_selected)
        row.addWidget(self.retry_failed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.retry_selected.clicked.connect(self._on_retry_selected)
        self.retry_failed.clicked.connect(self._on_retry_failed)
        self.show_instruments([], 4)

    def show_instruments(self, infos: Sequence[InstrumentInfo], stale_after_days: int) -> None:
        self.model.set_frame(cols.instruments_frame(infos, stale_after_days) if infos else None)
        failed = [i for i in infos if i.last_error]
        stale = [i for i in infos if i.is_stale(stale_after_days)]
        if not infos:
            text = "The cache is empty. Refresh when online, or use File → Import CSV…"
        else:
            text = f"{len(infos)} instrument{'s' if len(infos) != 1 else ''} cached"
            if stale:
                text += f"; {len(stale)} stale (no bar in over {stale_after_days} days)"
            if failed:
                text += f"; last download failed for {', '.join(i.key for i in failed)}"
        self.summary.setText(text)
        self.retry_failed.setEnabled(bool(failed))
        self.retry_selected.setEnabled(bool(infos))
        self._failed = tuple(i.key for i in failed)

    def failed_keys(self) -> tuple[str, ...]:
        return self._failed

    @Slot()
    def _on_retry_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        keys = tuple(r.sibling(r.row(), 0).data(RAW_ROLE) for r in rows)
        if keys:
            self.retryRequested.emit(keys)

    @Slot()
    def _on_retry_failed(self) -> None:
        if self._failed:
            self.retryRequested.emit(self._failed)


def _cycles_chart(parent: QWidget) -> QWidget:
    """The Cycles chart, imported when the tab first shows a result (start-up speed)."""
    from widgets.charts.cycles import CyclesChart

    return CyclesChart(parent)
