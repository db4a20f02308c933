"""The window's data side: settings, the latest result, and the workers that load, fetch and import.

Kept out of the window so the flow (load cached data, analyse, refresh, redraw; a settings
change re-analyses without refetching) can be driven and tested without any widget. All work
runs in worker threads (widgets.jobs.workers); results arrive at this object's slots on the GUI
thread and leave through its signals.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from app.config import Settings, changed_parts
from app.errors import CancelledError, OfflineError
from app.paths import AppPaths
from app.settings_file import save_settings
from widgets.jobs import gc_guard, tasks
from widgets.jobs.workers import Worker, WorkerPool, WorkFunction

if TYPE_CHECKING:
    from app.analysis import AnalysisResult


LOAD, FETCH, IMPORT = "load", "fetch", "import"


class Session(QObject):
    """Settings + latest result + background jobs.

    Signals:
        loaded(object): a tasks.Loaded (a result, or the message to show instead).
        previewReady(object): a tasks.Preview (close prices) while a load is analysing.
        instrumentsChanged(object): list[InstrumentInfo] after a load, fetch or import.
        fetchStarted(object): the keys being fetched.
        fetchProgress(object): an app.fetch ProgressEvent (or a message string).
        fetchFinished(object): a tasks.FetchReport.
        imported(str, int): key and number of bars stored by a CSV import.
        failed(str, object): job kind ("load", "fetch", "import") and the exception.
        busyChanged(bool): a fetch or import started (True) or the last one ended (False).
        settingsChanged(object): the new Settings after `apply_settings`.
    """

    loaded = Signal(object)
    previewReady = Signal(object)
    instrumentsChanged = Signal(object)
    fetchStarted = Signal(object)
    fetchProgress = Signal(object)
    fetchFinished = Signal(object)
    imported = Signal(str, int)
    failed = Signal(str, object)
    busyChanged = Signal(bool)
    settingsChanged = Signal(object)

    def __init__(self, paths: AppPaths, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.pool = WorkerPool(self)
        gc_guard.acquire()
        self._collecting = True
        if parent is not None:
            # A window freed without being closed still stops its workers first.
            parent.destroyed.connect(self._on_owner_destroyed)
        self.result: AnalysisResult | None = None
        self.offline = False
        self.last_load_seconds = 0.0
        self._load_worker: Worker | None = None
        self._load_token = 0
        self._preview_shown: threading.Event | None = None
        self._busy = 0
        self._fetching = False  # from refresh() until its result or error has arrived

    # -- loading and analysing ------------------------------------------------------------------

    def load(self) -> None:
        """Load the pair from the cache and analyse it (in a worker).

        While nothing is drawn yet, the worker pauses after sending the price preview until
        `preview_shown()` is called (bounded), so the preview is painted first.
        """
        db, settings = self.paths.database, self.settings
        shown = threading.Event() if self.result is None else None
        self._start_load(
            lambda progress, cancel: tasks.load_and_analyse(db, settings, progress, cancel, shown)
        )
        self._preview_shown = shown

    def preview_shown(self) -> None:
        """The window has painted the price preview (or will not): the analysis may go on."""
        if self._preview_shown is not None:
            self._preview_shown.set()

    def reanalyse(self) -> None:
        """Analyse the bars already in memory with the current settings (no cache, no network)."""
        previous, settings = self.result, self.settings
        pair = (settings.leader, settings.follower)
        if previous is None or (previous.leader_key, previous.follower_key) != pair:
            self.load()
            return
        self._start_load(
            lambda progress, cancel: tasks.reanalyse(previous, settings, progress, cancel)
        )

    def _start_load(self, fn: WorkFunction) -> None:
        """Start a load; an older one still running is cancelled and its outcome ignored."""
        if self._load_worker is not None:
            self._load_worker.cancel()
        self._load_token += 1
        token, started = self._load_token, time.perf_counter()
        self._load_worker = self.pool.run(
            LOAD,
            fn,
            on_result=lambda loaded: self._on_loaded(token, started, loaded),
            on_error=lambda error: self._on_load_error(token, error),
            on_progress=lambda event: self._on_load_progress(token, event),
        )

    def _on_load_progress(self, token: int, event: object) -> None:
        if token == self._load_token and isinstance(event, tasks.Preview):
            self.previewReady.emit(event)

    def _on_loaded(self, token: int, started: float, loaded: tasks.Loaded) -> None:
        if token != self._load_token:
            return  # a newer load superseded this one
        self._load_worker = None
        self.last_load_seconds = time.perf_counter() - started
        self.result = loaded.result
        self.loaded.emit(loaded)
        if loaded.instruments:
            self.instrumentsChanged.emit(loaded.instruments)

    def _on_load_error(self, token: int, error: BaseException) -> None:
        if token != self._load_token:
            return
        self._load_worker = None
        if not isinstance(error, CancelledError):
            self.failed.emit(LOAD, error)

    # -- fetching -------------------------------------------------------------------------------

    def refresh(self, keys: tuple[str, ...] | None = None) -> bool:
        """Download new bars (default: every instrument in the settings); False if one runs."""
        if self._fetching:
            return False
        self._fetching = True
        keys = tuple(keys or self.settings.instruments)
        db, timeout = self.paths.database, self.settings.fetch_timeout_s
        self._start_busy(
            FETCH,
            lambda progress, cancel: tasks.refresh(db, keys, timeout, progress, cancel),
            on_result=self._on_fetched,
            on_error=self._on_fetch_error,
            on_progress=self.fetchProgress.emit,
        )
        self.fetchStarted.emit(keys)
        return True

    def cancel(self) -> int:
        """Stop a running download or import (completed instruments are kept)."""
        return self.pool.cancel(FETCH) + self.pool.cancel(IMPORT)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _on_fetched(self, report: tasks.FetchReport) -> None:
        self._fetching = False
        errors = [o.error for o in report.failures]
        if any(o.ok and not o.skipped for o in report.outcomes):
            self.offline = False
        elif errors:
            self.offline = all(isinstance(e, OfflineError) for e in errors)
        self.fetchFinished.emit(report)
        self.instrumentsChanged.emit(report.instruments)
        pair = {self.settings.leader, self.settings.follower}
        grew = any(o.ok and o.new_bars and o.key in pair for o in report.outcomes)
        if self.result is None or grew:
            self.load()

    def _on_fetch_error(self, error: BaseException) -> None:
        self._fetching = False
        if isinstance(error, OfflineError):
            self.offline = True
        self.failed.emit(FETCH, error)

    # -- importing ------------------------------------------------------------------------------

    def import_csv(self, path: Path, key: str) -> None:
        """Import a CSV file as `key` (in a worker); reloads when it is the leader or follower."""
        db = self.paths.database
        self._start_busy(
            IMPORT,
            lambda _progress, _cancel: tasks.import_csv(path, key, db),
            on_result=self._on_imported,
            on_error=lambda error: self.failed.emit(IMPORT, error),
        )

    def _on_imported(self, outcome: tuple[str, int]) -> None:
        key, count = outcome
        self.imported.emit(key, count)
        if key in (self.settings.leader, self.settings.follower):
            self.load()
        else:
            self.list_instruments()

    def warm_up(self) -> None:
        """Import the download libraries in the background (see tasks.prepare_sources)."""
        keys = self.settings.instruments
        self.pool.run("warm-up", lambda _progress, _cancel: tasks.prepare_sources(keys))

    def list_instruments(self) -> None:
        """Re-read the cache's instrument list (in a worker) and emit instrumentsChanged."""
        db = self.paths.database
        self.pool.run(
            "list",
            lambda _progress, _cancel: tasks.list_instruments(db),
            on_result=self.instrumentsChanged.emit,
            on_error=lambda error: self.failed.emit(LOAD, error),
        )

    # -- busy state -----------------------------------------------------------------------------

    def _start_busy(self, name: str, fn: WorkFunction, **callbacks: Any) -> None:
        self._busy += 1
        self.pool.run(name, fn, on_finished=self._on_busy_finished, **callbacks)
        if self._busy == 1:
            self.busyChanged.emit(True)

    def _on_busy_finished(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self.busyChanged.emit(False)

    # -- settings -------------------------------------------------------------------------------

    def apply_settings(self, new: Settings) -> set[str]:
        """Save `new` and do what the change needs: fetch new instruments, or only re-analyse."""
        old = self.settings
        parts = changed_parts(old, new)
        save_settings(self.paths.config, new)
        self.settings = new
        self.settingsChanged.emit(new)
        if "instruments" in parts:
            added = tuple(k for k in new.instruments if k not in old.instruments)
            if (new.leader, new.follower) != (old.leader, old.follower):
                self.load()
            elif "analysis" in parts:
                self.reanalyse()
            if added:
                self.refresh(added)
        elif "analysis" in parts:
            self.reanalyse()
        return parts

    @Slot()
    def _on_owner_destroyed(self) -> None:
        self.shutdown()

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Stop every worker (bounded wait); True when all threads ended.

        Automatic garbage collection comes back only when no worker can run any more.
        """
        stopped = self.pool.shutdown(timeout_s)
        if stopped and self._collecting:
            self._collecting = False
            gc_guard.release()
        return stopped
