"""Python's cyclic garbage collector runs on the GUI thread only, while workers may run.

The collector runs in whichever thread happens to allocate when a threshold is crossed. If
that is a worker thread, any Qt object caught in a reference cycle (a pyqtgraph item removed
from its plot, a dialog, a timer) is destroyed there: deleting GUI objects off the GUI thread
crashes Qt, and ~QObject on a worker thread can deadlock against a GUI thread that holds the
GIL (both were seen while the window loaded data). So while a Session exists, automatic
collection is off and a GUI-thread timer collects instead, with the same generation thresholds
(the approach of pyqtgraph's util.garbage_collector). When the last Session shuts down,
automatic collection is restored.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects garbage from a timer on the thread it lives on (the GUI thread)."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.threshold[generation]:
                break
            gc.collect(generation)


_collector: GuiThreadCollector | None = None
_users = 0


def acquire() -> None:
    """A Session starts: collect on the GUI thread only (call on the GUI thread)."""
    global _collector, _users
    if _collector is None:
        _collector = GuiThreadCollector()
    if _users == 0:
        gc.disable()
        _collector.timer.start()
    _users += 1


def release() -> None:
    """A Session has stopped its workers; the last one restores automatic collection."""
    global _users
    if _users == 0:
        return
    _users -= 1
    if _users == 0 and _collector is not None:
        _collector.timer.stop()
        gc.collect()  # here, on the GUI thread, before any other thread may collect again
        gc.enable()
