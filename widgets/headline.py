"""The headline above the charts: the verdict for the horizon the user picks, without opening a
tab.

The horizon is chosen among the analysis horizons in a small list; the choice is the
`headline_horizon` setting, so it is remembered. Every horizon's verdict is already in the
result, so a new choice shows at once. The verdict's conclusion in a few bold words leads the line
("Suggestive · 5 events"), so the answer stays visible when the sentence behind it, whose
conclusion comes last, is elided at any window width; the whole sentence is in the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from app.errors import RiskcurveError
from widgets.elided import ElidedLabel
from widgets.notice import notify
from widgets.tables.verdict_lines import conclusion_words, without_lead

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

NO_ANSWER = "No answer yet: the analysis has no breakouts with follower data."


class HeadlineBar(QFrame):
    """A line "Answer for [90 days ▾] After 5 breakouts …" (see the module docstring).

    `remember(horizon)` saves the user's pick (Session.choose_headline); if it cannot, the bar
    says so in a warning box and keeps showing the verdict picked.

    Signals:
        horizonChosen(int): the user picked another horizon in the list.
    """

    horizonChosen = Signal(int)

    def __init__(self, remember: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headline-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # follows View → Theme
        self.setAutoFillBackground(True)
        self.lead = QLabel("<b>Answer</b> for", self)
        self.horizon = QComboBox(self)
        self.horizon.setToolTip("The horizon of the headline answer (Settings → headline horizon)")
        self.horizon.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.conclusion = QLabel(self)
        self.conclusion.setTextFormat(Qt.TextFormat.PlainText)
        font = self.conclusion.font()
        font.setBold(True)
        self.conclusion.setFont(font)
        self.verdict = ElidedLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.lead)
        layout.addWidget(self.horizon)
        layout.addWidget(self.conclusion)
        layout.addWidget(self.verdict, 1)
        self._result: AnalysisResult | None = None
        self._remember = remember
        self.horizon.activated.connect(self._on_activated)
        # Hidden (no result yet) it keeps its room: when the first result shows it, the charts
        # below do not shrink and lay out and paint a second time right after being drawn.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_result(self, result: AnalysisResult, horizon: int) -> None:
        """Offer the result's horizons and show the verdict for `horizon` (or the result's own
        headline horizon when `horizon` is not one of them)."""
        self._result = result
        horizons = [int(h) for h in result.params.horizons]
        if horizon not in horizons:
            horizon = int(result.params.headline_horizon)
        self.horizon.blockSignals(True)  # filling the list is not the user's choice
        self.horizon.clear()
        for h in horizons:
            self.horizon.addItem(f"{h} days", h)
        self.horizon.setCurrentIndex(horizons.index(horizon))
        self.horizon.blockSignals(False)
        self._show_verdict(horizon)
        self.show()

    def clear(self) -> None:
        self._result = None
        self.hide()

    def current_horizon(self) -> int | None:
        data = self.horizon.currentData()
        return None if data is None else int(data)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        horizon = int(self.horizon.itemData(index))
        self._show_verdict(horizon)
        self.horizonChosen.emit(horizon)
        try:
            self._remember(horizon)
        except RiskcurveError as exc:
            notify(self, "Headline horizon not saved", str(exc))

    def _show_verdict(self, horizon: int) -> None:
        text = headline_text(self._result, horizon)
        self.verdict.set_full_text(text)
        self.conclusion.setText(headline_conclusion(self._result, horizon))
        self.conclusion.setToolTip(text)
        self.conclusion.setVisible(bool(self.conclusion.text()))


def headline_conclusion(result: AnalysisResult | None, horizon: int) -> str:
    """The verdict for `horizon` in a few words with its number of events ("Suggestive · 5
    events"), or "" when there is no verdict for it."""
    summary = None if result is None else result.summary
    if summary is None or summary.empty or "verdict_kind" not in summary:
        return ""
    rows = summary.loc[summary["horizon"] == horizon]
    if rows.empty:
        return ""
    return conclusion_words(str(rows["verdict_kind"].iloc[0]), int(rows["n_events"].iloc[0]))


def headline_text(result: AnalysisResult | None, horizon: int) -> str:
    """The verdict sentence for `horizon`, without its "90 days:" lead (the list says it),
    starting with a capital."""
    summary = None if result is None else result.summary
    if summary is None or summary.empty:
        return NO_ANSWER
    rows = summary.loc[summary["horizon"] == horizon, "verdict"]
    if rows.empty:
        return NO_ANSWER
    return without_lead(str(rows.iloc[0]), horizon)
