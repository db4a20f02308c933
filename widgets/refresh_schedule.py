"""The scheduled refresh: every `refresh_hours` hours while the window is open (0: never).

The next refresh time shows in the status line. A refresh that is running (manual, at
start-up, or scheduled) pauses the schedule: the next one is due N hours after it ended, so
refreshes never overlap or bunch up. Closing the window stops it. The hour's length and the
clock can be injected, so the tests run the schedule in milliseconds.

Signals:
    nextChanged(object): the time of the next scheduled refresh (datetime), or None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel

from app.config import Settings
from widgets.jobs.session import FETCH, JobFailure, Session
from widgets.status import StatusLine

HOUR_MS = 3_600_000


def next_text(when: dt.datetime | None, now: dt.datetime) -> str:
    """ "Next refresh 14:05" (today), "Next refresh Tue 09:30" (within a week); "" for none."""
    if when is None:
        return ""
    if when.date() == now.date():
        return f"Next refresh {when:%H:%M}"
    return f"Next refresh {when:%a %H:%M}"


class RefreshSchedule(QObject):
    """Starts `Session.refresh` every N hours (see the module docstring)."""

    nextChanged = Signal(object)

    def __init__(
        self,
        session: Session,
        status: StatusLine,
        hour_ms: int = HOUR_MS,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        super().__init__(session)
        self.session, self.hour_ms, self.clock = session, hour_ms, clock
        self.next: dt.datetime | None = None
        self.stopped = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._due)
        self.label = QLabel(status.bar)
        self.label.setToolTip("Settings › Downloads › Refresh every (0 hours: never)")
        self.label.hide()
        status.bar.addPermanentWidget(self.label)
        session.fetchStarted.connect(self._pause)
        session.fetchFinished.connect(lambda _report: self._arm())
        session.failed.connect(self._on_failed)
        session.settingsChanged.connect(self._on_settings)
        self._arm()

    def stop(self) -> None:
        """No more scheduled refreshes (the window closes)."""
        self.stopped = True
        self.timer.stop()
        self._set_next(None)

    def _arm(self) -> None:
        hours = self.session.settings.refresh_hours
        if self.stopped or hours <= 0 or self.session.fetching:
            self.timer.stop()
            self._set_next(None)
            return
        self.timer.start(hours * self.hour_ms)
        self._set_next(self.clock() + dt.timedelta(hours=hours))

    @Slot()
    def _due(self) -> None:
        if not self.session.refresh():  # one is running: the schedule resumes after it
            self._pause()

    @Slot()
    def _pause(self) -> None:
        self.timer.stop()
        self._set_next(None)

    @Slot(object)
    def _on_failed(self, failure: JobFailure) -> None:
        if failure.kind == FETCH:
            self._arm()

    @Slot(object)
    def _on_settings(self, new: Settings) -> None:
        if not self.timer.isActive() or new.refresh_hours * self.hour_ms != self.timer.interval():
            self._arm()

    def _set_next(self, when: dt.datetime | None) -> None:
        self.next = when
        self.label.setText(next_text(when, self.clock()))
        self.label.setVisible(when is not None)
        self.nextChanged.emit(when)
