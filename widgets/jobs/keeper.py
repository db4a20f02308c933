"""Keeps the latest chart drawing on disk for the next start (app.chart_snapshot), once the
window has been idle for a moment.

Writing it right after a new result would share the GIL with drawing and painting that result;
after a quick series of settings changes only the last drawing matters. So the write waits
KEEP_DELAY_MS after the latest result and runs in a worker; a drawing still waiting when the
window closes is written then, before the workers are stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from widgets.jobs import tasks

if TYPE_CHECKING:
    from app.chart_input import ChartInput
    from widgets.jobs.workers import WorkerPool

KEEP_DELAY_MS = 1500


class ChartKeeper(QObject):
    """Writes the drawing it was last given to `path` (see the module docstring)."""

    def __init__(self, pool: WorkerPool, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool, self.path = pool, path
        self._waiting: ChartInput | None = None
        self._timer = QTimer(self, singleShot=True, interval=KEEP_DELAY_MS)
        self._timer.timeout.connect(self._write_in_worker)

    def keep(self, chart: ChartInput) -> None:
        """Keep `chart` for the next start (a drawing with no key names no input: skipped)."""
        if chart.key:
            self._waiting = chart
            self._timer.start()

    def _write_in_worker(self) -> None:
        chart, self._waiting = self._waiting, None
        if chart is not None:
            path = self.path
            self.pool.run("keep charts", lambda _progress, _cancel: tasks.keep_chart(path, chart))

    def flush(self) -> None:
        """Write a drawing that is still waiting now, on this thread (the window is closing)."""
        self._timer.stop()
        chart, self._waiting = self._waiting, None
        if chart is not None:
            tasks.keep_chart(self.path, chart)
