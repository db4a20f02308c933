"""The Ladder tab: every rung's state above, the pair matrix below, at a horizon of your choice.

The tab only shows a scan (app.ladder.scan.LadderScan) it is given and says what the user
asked for through its signals; widgets.ladder_view runs the scans in a worker. Clicking a
matrix cell (or Enter on it) asks for that pair to become the charted pair.

Signals:
    pairChosen(str, str): the (leader, follower) of the clicked cell.
    horizonChosen(int): the matrix horizon picked in the combo.
    allPairsToggled(bool): "every ordered pair" was switched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ladder.output import breaking_between_parts
from widgets.tables.copying import install_copy
from widgets.tables.ladder_models import PAIR_ROLE, PairMatrixModel, RungModel

if TYPE_CHECKING:
    from app.ladder.scan import LadderScan

SCANNING = "Scanning the ladder…"
Index = QModelIndex | QPersistentModelIndex


class _Padded(QStyledItemDelegate):
    """Cells with room around their text (the matrix's two lines need it to read well), which
    wrap between the parts of their numbers when the column is narrow (the copied text keeps
    plain spaces)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.text = breaking_between_parts(option.text)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return super().sizeHint(option, index) + QSize(16, 8)


def _table(parent: QWidget, tip: str) -> QTableView:
    view = QTableView(parent)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setToolTip(tip)
    install_copy(view)
    return view


class LadderTab(QWidget):
    """The rung table and the pair matrix (see the module docstring)."""

    pairChosen = Signal(str, str)
    horizonChosen = Signal(int)
    allPairsToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rung_model = RungModel(self)
        self.matrix_model = PairMatrixModel(self)
        top = self._build_controls()
        self.rungs = _table(self, "Where each market of the ladder stands on its last cached bar")
        self.rungs.setModel(self.rung_model)
        self.rungs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rungs.verticalHeader().setVisible(False)
        self.rungs.horizontalHeader().setStretchLastSection(True)
        matrix_box = self._build_matrix()
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(self.rungs)
        self.split.addWidget(matrix_box)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.split, 1)
        self.horizon.activated.connect(lambda _i: self.horizonChosen.emit(self.chosen_horizon()))
        self.all_pairs.toggled.connect(self.allPairsToggled)
        self.scan: LadderScan | None = None

    def _build_controls(self) -> QHBoxLayout:
        """The scan's state, the matrix horizon and the every-ordered-pair switch."""
        self.state = QLabel(SCANNING, self)
        self.state.setToolTip("The ladder (Settings › Markets › Ladder) and its latest scan")
        self.horizon = QComboBox(self)
        self.horizon.setToolTip(
            "Days after each breakout at which the matrix measures the follower"
        )
        self.all_pairs = QCheckBox("Every ordered pair", self)
        self.all_pairs.setToolTip(
            "Also scan each rung as a leader of the rungs above it (not only of those below)"
        )
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 0)
        top.addWidget(self.state, 1)
        top.addWidget(QLabel("Matrix horizon:", self))
        top.addWidget(self.horizon)
        top.addWidget(self.all_pairs)
        return top

    def _build_matrix(self) -> QWidget:
        """The pair matrix under its caption; a click charts that pair."""
        self.matrix = _table(self, "")
        self.matrix.setModel(self.matrix_model)
        self.matrix.setItemDelegate(_Padded(self.matrix))
        self.matrix.setWordWrap(True)  # a narrow cell breaks its numbers between their parts
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.horizontalHeader().setMinimumSectionSize(160)
        # No selection colour over the verdicts' own; the charted pair is drawn in bold instead.
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.matrix.setCursor(Qt.CursorShape.PointingHandCursor)
        self.matrix.clicked.connect(self._on_cell)
        self.matrix.activated.connect(self._on_cell)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        matrix_box = QWidget(self)
        column = QVBoxLayout(matrix_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.caption)
        column.addWidget(self.matrix, 1)
        return matrix_box

    def set_horizons(self, horizons: Sequence[int], current: int) -> None:
        """Offer the configured horizons, with `current` chosen."""
        self.horizon.blockSignals(True)
        self.horizon.clear()
        for h in horizons:
            self.horizon.addItem(f"{h} days", h)
        self.horizon.setCurrentIndex(max(0, self.horizon.findData(current)))
        self.horizon.blockSignals(False)

    def chosen_horizon(self) -> int:
        return int(self.horizon.currentData())

    def show_scanning(self) -> None:
        self.state.setText(SCANNING if self.scan is None else f"{self._ladder_text()} — updating…")

    def show_scan(self, scan: LadderScan, charted: tuple[str, str]) -> None:
        """Show the rungs and the matrix; the charted pair's cell is marked."""
        self.scan = scan
        self.rung_model.set_rungs(scan.rungs)
        self.matrix_model.set_scan(scan)
        self.matrix_model.set_charted(charted)
        self.state.setText(self._ladder_text())
        pairs = "every ordered pair" if scan.all_pairs else "each rung leading the rungs below it"
        self.caption.setText(
            f"<b>Pair matrix at {scan.horizon} days</b> — leaders down, followers across "
            f"({pairs}). Muted: too few events, or not distinguishable from the base rate. "
            "Click a pair to chart it."
        )
        self._fit_rows()

    def show_failure(self, text: str) -> None:
        self.state.setText(text)

    def set_charted(self, charted: tuple[str, str]) -> None:
        self.matrix_model.set_charted(charted)

    def _ladder_text(self) -> str:
        if self.scan is None:
            return ""
        names = " → ".join(r.name for r in self.scan.rungs)
        return f"Ladder: {names}"

    def showEvent(self, event: QShowEvent) -> None:
        # A scan shown while another tab was current found no height to share: fit it now.
        super().showEvent(event)
        if self.scan is not None:
            self._fit_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.scan is not None and self.isVisible():
            self._fit_rows()

    def _fit_rows(self) -> None:
        """Give the rung table the height of its rows (the matrix takes the rest)."""
        view = self.rungs
        rows = sum(view.rowHeight(r) for r in range(self.rung_model.rowCount()))
        height = view.horizontalHeader().height() + rows + 2 * view.frameWidth()
        if (
            view.horizontalScrollBar().isVisible()
            or view.horizontalHeader().length() > view.width()
        ):
            height += view.horizontalScrollBar().sizeHint().height()
        total = sum(self.split.sizes())
        if total > 0:
            self.split.setSizes([height, max(1, total - height)])

    @Slot(QModelIndex)
    def _on_cell(self, index: QModelIndex) -> None:
        pair = index.data(PAIR_ROLE)
        if pair:
            self.pairChosen.emit(*pair)
