"""The Statistics tab: the verdicts first, then the event study per horizon, then how the two
markets move together (the correlation by year and the lead-lag scan).

The verdicts lead, in a larger font: they are the answer, the table is the evidence. One line
per horizon (widgets.tables.verdict_lines), its sentence elided and whole in the tooltips of
the line and of the table's row, so the table's four horizons stay in view at 1024×700.
The summary table shows only the columns the analysis produced (an older result, or one without
era pools, simply has fewer). The tables are exactly as tall as their rows; the whole tab
scrolls up and down when the window is too short, so nothing is ever clipped. It never scrolls
sideways: the lines end at the width the reader sees, and a table wider than that scrolls on
its own (the verdicts once ran off the right edge, their conclusions out of sight).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.signals.correlation import lead_lag_note
from widgets.tables import columns as cols
from widgets.tables.models import DataFrameModel
from widgets.tables.tabs import EmptyOr, make_table
from widgets.tables.verdict_lines import VerdictLines, verdict_lines

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from widgets.charts.lead_lag import LeadLagChart

CORRELATION_HEIGHT = 230  # px of the by-year table and the lead-lag chart
VERDICT_FONT_SCALE = 1.15


class StatisticsTab(EmptyOr):
    """Verdicts, the event-study table, correlation by year and the lead-lag scan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget(self)
        self.verdicts = VerdictLines(content)
        self.verdicts.setToolTip("What the follower did after the leader's breakouts, per horizon")
        font = self.verdicts.font()
        font.setPointSizeF(font.pointSizeF() * VERDICT_FONT_SCALE)
        self.verdicts.setFont(font)
        self.warning = QLabel(content)
        self.warning.setWordWrap(True)
        self.warning.setToolTip("Few events make any average unreliable")
        self.warning.setStyleSheet(
            "QLabel { background: #fde68a; color: #3b2f00; border-radius: 4px; padding: 6px; }"
        )
        self.model = DataFrameModel(cols.SUMMARY_COLUMNS, content)
        self.table = make_table(
            self.model,
            content,
            "Breakouts against the base rate, per horizon; hover a header for what a column means",
        )
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer = QLabel(content)
        self.footer.setWordWrap(True)
        self.footer.setToolTip("How the p-values were computed, and notes from the analysis")
        self.correlation = CorrelationSection(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.verdicts, self.warning, self.table, self.footer, self.correlation):
            layout.addWidget(widget)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.set_content(scroll)

    def show_result(self, result: AnalysisResult) -> None:
        warning = cols.small_sample_warning(result)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        verdicts = cols.summary_verdicts(result)
        self.verdicts.set_lines(verdict_lines(result))
        frame = cols.summary_view_frame(result.summary)
        self.model.set_frame(frame, verdicts, cols.present(cols.SUMMARY_COLUMNS, frame))
        fit_rows(self.table)
        notes = " ".join(result.notes)
        self.footer.setText(
            f"p-values from {result.params.bootstrap_draws:,} random sets of days "
            f"(seed {result.seed}). {notes}".strip()
        )
        self.correlation.show_result(result)
        self.show_content()

    def clear(self, message: str) -> None:
        self.model.set_frame(None)
        self.show_message(message)


class CorrelationSection(QWidget):
    """The correlation of daily returns per year beside the lead-lag chart, and its note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>How the two markets move together</b>", self)
        self.model = DataFrameModel(cols.CORRELATION_YEAR_COLUMNS, self)
        self.table = make_table(
            self.model,
            self,
            "Correlation of the two markets' daily log returns, per calendar year and over the "
            "whole history",
        )
        self.table.setFixedHeight(CORRELATION_HEIGHT)
        # The chart (pyqtgraph items) is built with the first result: the window's start-up
        # path to the first chart then need not build it.
        self._chart: LeadLagChart | None = None
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setToolTip("Which lags clear the band for one lag, and the corrected band")
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self._row)
        layout.addWidget(self.note)

    @property
    def chart(self) -> LeadLagChart:
        """The lead-lag chart beside the table (built on first use)."""
        if self._chart is None:
            from widgets.charts.lead_lag import LeadLagChart

            chart = LeadLagChart(self)
            chart.setFixedHeight(CORRELATION_HEIGHT)
            chart.setMinimumWidth(320)
            chart.setToolTip(
                "Correlation of the leader's weekly return with the follower's k weeks later; "
                "bars beyond the dotted band are unusual even after testing every lag"
            )
            self._row.addWidget(chart, 1)
            self._chart = chart
        return self._chart

    def show_result(self, result: AnalysisResult) -> None:
        self.model.set_frame(result.correlation_by_year)
        self.table.resizeColumnsToContents()
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        self.table.setFixedWidth(self.table.horizontalHeader().length() + frame)
        self.chart.set_table(result.lead_lag)
        self.note.setText(lead_lag_note(result.lead_lag))


def fit_rows(view: QTableView) -> None:
    """Make `view` exactly as tall as its header and rows (no inner vertical scroll bar), plus
    its horizontal scroll bar when its columns are wider than it; refitted on every resize.
    """
    view.resizeColumnsToContents()
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    if not isinstance(view.property("fit-rows"), _RefitOnResize):
        refit = _RefitOnResize(view)
        view.setProperty("fit-rows", refit)
        view.installEventFilter(refit)
    _fit_height(view)


def _fit_height(view: QTableView) -> None:
    frame = 2 * view.frameWidth()
    rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
    height = view.horizontalHeader().height() + rows + frame
    if view.horizontalHeader().length() > view.width() - frame:
        height += view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(height)


class _RefitOnResize(QObject):
    """Refits a table's height when its width changes (its scroll bar comes or goes)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QTableView):
            _fit_height(watched)
        return False
