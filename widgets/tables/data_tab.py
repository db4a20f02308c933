"""The Data tab: every cached instrument, its state, its last error and the last fetch's notes.

It counts only instruments that have bars as "with data" and names those that have none yet, and
it redraws as each instrument of a refresh finishes (the window passes the new list), so an old
error never outlives the download that fixed it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.formatting import plural
from widgets.tables import data_columns
from widgets.tables.models import RAW_ROLE, DataFrameModel
from widgets.tables.tabs import make_table

if TYPE_CHECKING:
    from app.cache import InstrumentInfo


def cache_summary(
    infos: Sequence[InstrumentInfo], stale_after_days: int, fetching: Collection[str] = ()
) -> str:
    """ "2 instruments with data; no data yet: yahoo:BTC-USD; last download failed for …"."""
    if not infos:
        return "The cache is empty. Refresh when online, or use File → Import CSV…"
    with_data = [i for i in infos if i.rows]
    empty = [i.key for i in infos if not i.rows]
    stale = [i for i in with_data if i.is_stale(stale_after_days)]
    failed = [i.key for i in infos if i.last_error]
    parts = [f"{plural(len(with_data), 'instrument')} with data"]
    if empty:
        parts.append(f"no data yet: {', '.join(empty)}")
    if stale:
        parts.append(f"{len(stale)} stale (no bar in over {plural(stale_after_days, 'day')})")
    if failed:
        parts.append(f"last download failed for {', '.join(failed)}")
    if fetching:
        parts.append(f"downloading {', '.join(fetching)}")
    return "; ".join(parts)


class DataTab(QWidget):
    """Every cached instrument, its freshness and its last error, with Retry and Delete….

    Signals:
        retryRequested(tuple): the instrument keys to fetch again.
        deleteRequested(str): the instrument the user wants removed (the window confirms).
    """

    retryRequested = Signal(tuple)
    deleteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DataFrameModel(data_columns.DATA_COLUMNS, self)
        self.table = make_table(self.model, self, "The local cache: one row per instrument")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setToolTip("The state of the local cache")
        self.retry_selected = QPushButton("Retry selected", self)
        self.retry_selected.setToolTip("Download the selected instruments again")
        self.retry_failed = QPushButton("Retry failed", self)
        self.retry_failed.setToolTip("Download every instrument whose last download failed")
        self.delete = QPushButton("Delete…", self)
        self.delete.setToolTip(
            "Remove the current instrument and its bars from the cache (asks first; the bars "
            "are kept for `riskcurve restore`)"
        )
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.retry_selected)
        row.addWidget(self.retry_failed)
        row.addWidget(self.delete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.retry_selected.clicked.connect(self._on_retry_selected)
        self.retry_failed.clicked.connect(self._on_retry_failed)
        self.delete.clicked.connect(self._on_delete)
        self._failed: tuple[str, ...] = ()
        self.show_instruments([], 4)

    def show_instruments(
        self,
        infos: Sequence[InstrumentInfo],
        stale_after_days: int,
        notes: Mapping[str, Sequence[str]] | None = None,
        fetching: Collection[str] = (),
    ) -> None:
        """Show the cache list; `notes` per key from the last fetch, `fetching` in progress."""
        frame = (
            data_columns.instruments_frame(infos, stale_after_days, notes, fetching)
            if infos
            else None
        )
        self.model.set_frame(frame)
        self.summary.setText(cache_summary(infos, stale_after_days, fetching))
        self._failed = tuple(i.key for i in infos if i.last_error)
        self.retry_failed.setEnabled(bool(self._failed))
        self.retry_selected.setEnabled(bool(infos))
        self.delete.setEnabled(bool(infos))

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

    @Slot()
    def _on_delete(self) -> None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        row = rows[0] if rows else index
        if row.isValid():
            self.deleteRequested.emit(row.sibling(row.row(), 0).data(RAW_ROLE))
