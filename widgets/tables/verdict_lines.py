"""The verdicts in a compact form: one line per horizon, "30 days · Suggestive · 5 events ·
After 5 breakouts …", the sentence cut to the width the reader sees and whole in its tooltip.

Wrapped sentences took the Statistics tab's room at 1024×700: only one row of the table below
them was in view. The conclusion leads each line in a few bold words (as in the headline), so
an elided sentence never hides the answer, and every line is one line high whatever the width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.formatting import plural
from app.ladder.output import verdict_word
from widgets.elided import ElidedLabel

if TYPE_CHECKING:
    from app.analysis import AnalysisResult


def conclusion_words(kind: str, n_events: int) -> str:
    """A verdict kind in a few words with its number of events: "Suggestive · 5 events"."""
    word = verdict_word(kind)
    return f"{word[:1].upper()}{word[1:]} · {plural(n_events, 'event')}"


def without_lead(sentence: str, horizon: int) -> str:
    """A verdict sentence without its "90 days:" lead, starting with a capital."""
    lead = f"{horizon} days:"
    text = sentence[len(lead) :].strip() if sentence.startswith(lead) else sentence
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class VerdictLine:
    """One horizon's verdict: "30 days", "Suggestive · 5 events" and the sentence after them."""

    horizon: str
    conclusion: str
    sentence: str


def verdict_lines(result: AnalysisResult) -> list[VerdictLine]:
    """One line per horizon of the result's summary (none without a summary)."""
    summary = result.summary
    if summary is None or summary.empty:
        return []
    lines = []
    for row in summary.itertuples():
        horizon = int(row.horizon)
        kind = str(getattr(row, "verdict_kind", ""))
        conclusion = conclusion_words(kind, int(row.n_events)) if kind else ""
        lines.append(
            VerdictLine(f"{horizon} days", conclusion, without_lead(str(row.verdict), horizon))
        )
    return lines


class VerdictLines(QWidget):
    """The verdict lines in a grid: horizon, conclusion (bold), the elided sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(0)
        self.grid.setColumnStretch(2, 1)
        self.rows: list[tuple[QLabel, QLabel, ElidedLabel]] = []

    def set_lines(self, lines: list[VerdictLine]) -> None:
        while len(self.rows) < len(lines):
            self._add_row()
        for row, labels in enumerate(self.rows):
            line = lines[row] if row < len(lines) else None
            horizon, conclusion, sentence = labels
            for label in labels:
                label.setVisible(line is not None)
            if line is not None:
                horizon.setText(line.horizon)
                conclusion.setText(line.conclusion)
                sentence.set_full_text(line.sentence)
                conclusion.setToolTip(sentence.full_text())

    def sentences(self) -> list[str]:
        """The whole sentence of every shown line."""
        return [s.full_text() for _h, _c, s in self.rows if not s.isHidden()]

    def _add_row(self) -> None:
        horizon, conclusion, sentence = QLabel(self), QLabel(self), ElidedLabel(self)
        font = conclusion.font()
        font.setBold(True)
        conclusion.setFont(font)
        row = len(self.rows)
        for column, label in enumerate((horizon, conclusion, sentence)):
            self.grid.addWidget(label, row, column)
        self.rows.append((horizon, conclusion, sentence))
