"""How downloads show in the window: progress and Cancel, the summary line, Retry, the Offline
badge, and the Data tab as each instrument finishes (with the notes its source gave).

Kept out of the main window so that file stays about showing results; this object only turns
the Session's fetch signals into status-line and Data-tab updates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from widgets.jobs.results import CacheContents, FetchProgress, FetchReport, InstrumentFetched
from widgets.jobs.session import FETCH, JobFailure, Session
from widgets.refresh_schedule import RefreshSchedule
from widgets.status import StatusLine, error_text, fetch_summary, notes_text

if TYPE_CHECKING:
    from widgets.actions import WindowActions
    from widgets.charts.area import ChartArea
    from widgets.tables.data_tab import DataTab


class FetchView(QObject):
    """Status line and Data tab during and after a refresh (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        status: StatusLine,
        data_tab: DataTab,
        actions: WindowActions,
        chart_area: ChartArea,
    ) -> None:
        super().__init__(session)
        self.session, self.status, self.data_tab = session, status, data_tab
        self.actions, self.chart_area = actions, chart_area
        self.notes: dict[str, tuple[str, ...]] = {}  # per key, from its last download
        self.fetching: set[str] = set()
        self.failed_keys: tuple[str, ...] = ()
        self._started_keys: tuple[str, ...] = ()
        self._redraw_pending = False
        session.fetchStarted.connect(self._on_started)
        session.fetchProgress.connect(self._on_progress)
        session.instrumentFetched.connect(self._on_instrument_fetched)
        session.fetchFinished.connect(self._on_finished)
        session.instrumentsChanged.connect(self._on_instruments)
        session.busyChanged.connect(self._on_busy_changed)
        session.failed.connect(self._on_failed)
        data_tab.retryRequested.connect(self.retry)
        status.retry.clicked.connect(self.retry_failed)
        #: Refreshes every N hours (Settings › Downloads); the window stops it when it closes.
        self.schedule = RefreshSchedule(session, status)

    # -- commands -------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.session.refresh():
            self.status.show_message("A download is already running.", 4000)

    @Slot(tuple)
    def retry(self, keys: tuple[str, ...]) -> None:
        if not self.session.refresh(tuple(keys)):
            self.status.show_message("A download is already running.", 4000)

    @Slot()
    def retry_failed(self) -> None:
        """The status bar's Retry: fetch again what failed last time."""
        if self.failed_keys:
            self.retry(self.failed_keys)

    def cancel(self) -> None:
        if self.session.cancel():
            self.status.show_message("Cancelling…")

    def forget_notes(self, key: str) -> None:
        """An import replaced what a download had noted about `key`."""
        self.notes.pop(key, None)
        self.show_instruments()

    def show_instruments(self) -> None:
        """Redraw the Data tab once the current burst of signals is handled.

        A finished instrument arrives as several signals at once (its outcome, the new list,
        the end of the refresh); one redraw serves them all and keeps the GUI thread free.
        """
        if not self._redraw_pending:
            self._redraw_pending = True
            QTimer.singleShot(0, self, self._redraw)

    def _redraw(self) -> None:
        self._redraw_pending = False
        self.data_tab.show_instruments(
            self.session.instruments,
            self.session.settings.stale_after_days,
            self.notes,
            self.fetching,
        )

    def last_days(self) -> dict[str, dt.date | None]:
        """The newest cached day of the leader and of the follower, by key (for the data's age)."""
        pair = (self.session.settings.leader, self.session.settings.follower)
        known = {i.key: i.last_date for i in self.session.instruments}
        return {key: known.get(key) for key in pair}

    # -- session signals ------------------------------------------------------------------------

    def _set_failed(self, keys: tuple[str, ...]) -> None:
        self.failed_keys = keys
        self.status.retry.setVisible(bool(keys))

    @Slot(tuple)
    def _on_started(self, keys: tuple[str, ...]) -> None:
        self.fetching = set(keys)
        self._started_keys = tuple(keys)
        self._set_failed(())
        self.status.start_progress(f"Downloading {len(keys)} instrument(s)…")
        self.show_instruments()

    @Slot(object)
    def _on_progress(self, progress: FetchProgress) -> None:
        self.status.set_progress(progress.fraction, progress.text)

    @Slot(object)
    def _on_instrument_fetched(self, fetched: InstrumentFetched) -> None:
        outcome = fetched.outcome
        self.fetching.discard(outcome.key)
        if outcome.ok:
            self.notes[outcome.key] = tuple(outcome.notes)
        if outcome.notes:
            self.status.show_message(notes_text(tuple((outcome.key, n) for n in outcome.notes)))
        self.show_instruments()

    @Slot(object)
    def _on_instruments(self, _contents: CacheContents) -> None:
        self.show_instruments()

    @Slot(object)
    def _on_finished(self, report: FetchReport) -> None:
        self.fetching = set()
        self.status.set_offline(self.session.offline)
        failures = report.failures
        self._set_failed(tuple(o.key for o in failures))
        if report.cancelled:
            text = "Download cancelled; instruments that finished were kept."
        else:
            showing = self.chart_area.has_result()
            errors: list[tuple[str, BaseException]] = [
                (o.key, o.error) for o in failures if o.error is not None
            ]
            text = fetch_summary(report.new_bars, errors, showing)
            if report.notes and not failures:
                text += " " + notes_text(report.notes)
        self.status.show_message(text, 0 if failures or report.notes else 8000)
        details = "\n".join(error_text(o.key, o.error) for o in failures if o.error)
        self.status.bar.setToolTip(details or "Messages about downloads and exports")
        self.show_instruments()

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.actions.cancel.setEnabled(busy)
        self.actions.refresh.setEnabled(not busy)
        self.actions.import_csv.setEnabled(not busy)
        if not busy:
            self.status.stop_progress()

    @Slot(object)
    def _on_failed(self, failure: JobFailure) -> None:
        if failure.kind != FETCH:
            return
        self.fetching = set()
        self._set_failed(self._started_keys)
        self.status.set_offline(self.session.offline)
        self.status.show_message(error_text("Download", failure.error))
        self.show_instruments()
