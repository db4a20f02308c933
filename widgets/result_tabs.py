"""The result tabs below the charts (Signals, Statistics, Cycles), filled after the charts.

Filling the three tabs from a result costs the GUI thread about as much as drawing the charts
(table models, column sizing, the lead-lag chart). The charts are what the user is waiting for,
so a new result goes to the charts first, and the tabs are filled once the charts have been
painted: one tab per event-loop pass, the tab on screen first, so no single pass holds the GUI
thread for long and input keeps flowing between them. A newer result or an empty state
abandons a fill still under way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

if TYPE_CHECKING:
    from app.analysis import AnalysisResult


class ResultTab(Protocol):
    """What a result tab offers (widgets.tables: SignalsTab, StatisticsTab, CyclesTab)."""

    def show_result(self, result: AnalysisResult) -> None: ...

    def clear(self, message: str) -> None: ...


class ResultTabs(QObject):
    """Fills and clears the result tabs of `tabs` (see the module docstring)."""

    def __init__(self, tabs: QTabWidget, *parts: ResultTab) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._parts = parts
        self._generation = 0  # bumped by every fill and clear: older steps then do nothing

    def fill(
        self,
        result: AnalysisResult,
        wait: Callable[[Callable[[], None]], None],
        on_done: Callable[[], None],
    ) -> None:
        """Fill every tab from `result` once `wait` calls back, then call `on_done`."""
        self._generation += 1
        generation = self._generation
        wait(lambda: self._step(generation, result, list(self._in_fill_order()), on_done))

    def clear(self, message: str) -> None:
        """Every tab shows `message`; a fill under way stops."""
        self._generation += 1
        for part in self._parts:
            part.clear(message)

    def _in_fill_order(self) -> list[ResultTab]:
        """The tab on screen first, then the others in tab order."""
        shown = self._tabs.currentWidget()
        return sorted(self._parts, key=lambda part: not _is(part, shown))

    def _step(
        self,
        generation: int,
        result: AnalysisResult,
        left: list[ResultTab],
        on_done: Callable[[], None],
    ) -> None:
        if generation != self._generation:
            return
        if not left:
            on_done()
            return
        left.pop(0).show_result(result)
        QTimer.singleShot(1, self, lambda: self._step(generation, result, left, on_done))


def _is(part: ResultTab, widget: QWidget | None) -> bool:
    return isinstance(part, QWidget) and part is widget
