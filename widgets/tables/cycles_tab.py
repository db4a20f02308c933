"""The Cycles tab: halving-aligned curves (the cycles chart, built when first needed) beside
the table of cycles.

Side by side rather than stacked, so the chart keeps the tab's full height (at least 300 px at
the default window size) while the table lists the four or five cycles next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QSplitter, QWidget

from widgets.tables import columns as cols
from widgets.tables.models import DataFrameModel
from widgets.tables.tabs import EmptyOr, make_table

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

#: The chart's least share of the tab's width when it first appears: narrower, its "now" label
#: is cut at 1024 px (where the table's columns just fit beside it).
CHART_SHARE = 0.4


class CyclesTab(EmptyOr):
    """Halving cycles: chart on the left, table on the right (see the module docstring)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        chart_factory: Callable[[QWidget], QWidget] | None = None,
    ) -> None:
        super().__init__(parent)
        self._chart_factory = chart_factory or _cycles_chart
        self.chart: Any = None
        self._pending: AnalysisResult | None = None
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("cycles-splitter")
        self.splitter.setChildrenCollapsible(False)
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
            self.chart.setMinimumSize(320, 200)
            self.splitter.insertWidget(0, self.chart)
            self.splitter.setStretchFactor(0, 3)
            self.splitter.setStretchFactor(1, 2)
            # Stretch factors only shape later resizes; share the current width now: the table
            # as wide as its columns, unless that leaves the chart less than CHART_SHARE.
            width = max(self.splitter.width(), 600)
            table = min(self.table_width(), round(width * (1 - CHART_SHARE)))
            self.splitter.setSizes([width - table - self.splitter.handleWidth(), table])
        return self.chart

    def table_width(self) -> int:
        """The width that shows every column of the table (its four or five rows need no
        vertical scroll bar at the chart's minimum height)."""
        table = self.table
        table.resizeColumnsToContents()
        return table.horizontalHeader().length() + 2 * table.frameWidth()

    def show_result(self, result: AnalysisResult) -> None:
        from app.chart_input import cycles_market

        name, bars = cycles_market(result)
        if bars is None:
            self.clear(
                "No halving cycles: neither market of this pair is Bitcoin (halvings are "
                "Bitcoin's; choose a Bitcoin market in Settings)."
            )
            return
        if result.cycles is None or result.cycles.empty:
            self.clear(
                f"No halving cycles in the history of {name} (halvings come from the key dates)."
            )
            return
        last_day = bars.index[-1] if len(bars) else None
        self.model.set_frame(result.cycles, columns=cols.cycle_columns(result.cycles, last_day))
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


def _cycles_chart(parent: QWidget) -> QWidget:
    """The Cycles chart, imported when the tab first shows a result (start-up speed)."""
    from widgets.charts.cycles import CyclesChart

    return CyclesChart(parent)
