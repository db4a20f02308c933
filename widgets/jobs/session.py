"""The window's data side: settings, the latest result, and the workers that load, fetch and import.

Kept out of the window so the flow (load cached data, analyse, refresh, redraw; a settings
change re-analyses without refetching) can be driven and tested without any widget. All work
runs in worker threads (widgets.jobs.workers); results arrive at this object's slots on the GUI
thread and leave through its signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from app.config import Settings
from app.errors import CancelledError, OfflineError
from app.instruments import InstrumentKey
from app.paths import AppPaths
from app.setting_changes import changed_parts
from app.settings_file import save_settings
from widgets.jobs import gc_guard, results, tasks
from widgets.jobs.keeper import ChartKeeper
from widgets.jobs.workers import Worker, WorkerPool, WorkFunction

if TYPE_CHECKING:
    from app.analysis import AnalysisResult


LOAD, FETCH, IMPORT, DELETE = "load", "fetch", "import", "delete"


@dataclass(frozen=True)
class JobFailure:
    """A job that raised: its kind (LOAD, FETCH, IMPORT or DELETE) and the exception.

    A RiskcurveError is the environment's fault (shown in plain words); anything else is a bug
    (shown through the unexpected-error dialog).
    """

    kind: str
    error: BaseException


def _pair_of(thing: Any) -> tuple[str, str]:
    """The (leader, follower) of settings or of a result; both hold parsed, canonical keys."""
    if isinstance(thing, Settings):
        return thing.leader, thing.follower
    return thing.leader_key, thing.follower_key


class Session(QObject):
    """Settings + latest result + background jobs.

    Signals:
        loaded(Loaded): a result, or the message to show instead.
        previewReady(Preview): close prices while a load is analysing.
        chartReady(ChartInput): or instead, the analysed charts kept from the last start for
            these very bars and settings (app.chart_snapshot), while the analysis runs again.
        instrumentsChanged(CacheContents): the cache list after a load, fetch or import, and
            after each instrument of a refresh.
        instrumentFetched(InstrumentFetched): one instrument of a refresh has finished.
        fetchStarted(tuple): the keys being fetched.
        fetchProgress(FetchProgress): how far the refresh has come.
        fetchFinished(FetchReport): every outcome of a refresh, and the alerts it raised.
        importProgress(ImportProgress): how far a CSV import has read its file.
        imported(Imported): a CSV import stored its bars.
        failed(JobFailure): a job raised.
        busyChanged(bool): a fetch or import started (True) or the last one ended (False).
        settingsChanged(Settings): the new settings after `apply_settings`.
    """

    loaded = Signal(results.Loaded)
    previewReady = Signal(tasks.Preview)
    chartReady = Signal(tasks.ChartInput)
    instrumentsChanged = Signal(results.CacheContents)
    instrumentFetched = Signal(results.InstrumentFetched)
    fetchStarted = Signal(tuple)
    fetchProgress = Signal(results.FetchProgress)
    fetchFinished = Signal(results.FetchReport)
    importProgress = Signal(results.ImportProgress)
    imported = Signal(results.Imported)
    failed = Signal(JobFailure)
    busyChanged = Signal(bool)
    settingsChanged = Signal(Settings)

    def __init__(self, paths: AppPaths, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.pool = WorkerPool(self)
        self.keeper = ChartKeeper(self.pool, self.snapshot_file(), self)
        gc_guard.acquire()
        self._collecting = True
        if parent is not None:
            # A window freed without being closed still stops its workers first.
            parent.destroyed.connect(self._on_owner_destroyed)
        self.result: AnalysisResult | None = None
        #: Instruments of the pair without any cached bars in the latest result.
        self.missing: tuple[str, ...] = ()
        self.instruments: tasks.Instruments = ()
        self._bars_names = ("", "")  # name the result's bars (Loaded.bars_names)
        self.offline = False
        self._load_worker: Worker | None = None
        self._load_token = 0
        self._preview_shown: threading.Event | None = None
        self._busy = 0
        self._fetching = False  # from refresh() until its result or error has arrived
        self._queued: tuple[str, ...] = ()  # asked for while another refresh ran

    # -- loading and analysing ------------------------------------------------------------------

    def load(self) -> None:
        """Load the pair from the cache and analyse it (in a worker).

        While nothing is drawn yet, the worker pauses after sending the price preview until
        `preview_shown()` is called (bounded), so the preview is painted first.
        """
        db, settings = self.paths.database, self.settings
        shown = threading.Event() if self.result is None else None
        snapshot = self.snapshot_file()
        self._start_load(
            lambda progress, cancel: tasks.load_and_analyse(
                db, settings, progress, cancel, shown, snapshot
            )
        )
        self._preview_shown = shown

    def snapshot_file(self) -> Path:
        """Where the last drawing is kept for the next start (app.chart_snapshot)."""
        from app.chart_snapshot import snapshot_path

        return snapshot_path(self.paths.cache)

    def preview_shown(self) -> None:
        """The window has painted the price preview (or will not): the analysis may go on."""
        if self._preview_shown is not None:
            self._preview_shown.set()

    def reanalyse(self) -> None:
        """Analyse the bars already in memory with the current settings (no cache, no network)."""
        previous, settings, instruments = self.result, self.settings, self.instruments
        if previous is None or _pair_of(previous) != _pair_of(settings):
            self.load()
            return
        names = self._bars_names
        self._start_load(
            lambda progress, cancel: tasks.reanalyse(
                previous, settings, instruments, progress, cancel, names
            )
        )

    def _start_load(
        self, fn: Callable[[tasks.Progress, tasks.CancelCheck], results.Loaded]
    ) -> None:
        """Start a load; an older one still running is cancelled and its outcome ignored."""
        if self._load_worker is not None:
            self._load_worker.cancel()
        self._load_token += 1
        token = self._load_token
        self._load_worker = self.pool.run(
            LOAD,
            fn,
            on_result=lambda loaded: self._on_loaded(token, loaded),
            on_error=lambda error: self._on_load_error(token, error),
            on_progress=lambda event: self._on_load_progress(token, event),
        )

    def _on_load_progress(self, token: int, event: object) -> None:
        if token != self._load_token:
            return
        if isinstance(event, tasks.Preview):
            self.previewReady.emit(event)
        elif isinstance(event, tasks.ChartInput):
            self.chartReady.emit(event)

    def _on_loaded(self, token: int, loaded: results.Loaded) -> None:
        if token != self._load_token:
            return  # a newer load superseded this one
        self._load_worker = None
        self.result, self.missing = loaded.result, loaded.missing
        self._bars_names = loaded.bars_names
        if loaded.instruments:
            self.instruments = loaded.instruments
        self.loaded.emit(loaded)
        if loaded.chart is not None and not loaded.chart_kept:
            self.keeper.keep(loaded.chart)
        if loaded.instruments:
            self.instrumentsChanged.emit(results.CacheContents(loaded.instruments))

    def _on_load_error(self, token: int, error: BaseException) -> None:
        if token != self._load_token:
            return
        self._load_worker = None
        if not isinstance(error, CancelledError):
            self.failed.emit(JobFailure(LOAD, error))

    # -- fetching -------------------------------------------------------------------------------

    def refresh(self, keys: tuple[str, ...] | None = None) -> bool:
        """Download new bars (default: every instrument in the settings); False if one runs."""
        if self._fetching:
            return False
        self._fetching = True
        keys = tuple(keys or self.settings.instruments)
        db, settings = self.paths.database, self.settings
        self._start_busy(
            FETCH,
            lambda progress, cancel: tasks.refresh_with_alerts(
                db, keys, settings, progress, cancel
            ),
            on_result=self._on_fetched,
            on_error=self._on_fetch_error,
            on_progress=self._on_fetch_progress,
        )
        self.fetchStarted.emit(keys)
        return True

    def fetch_soon(self, keys: tuple[str, ...]) -> None:
        """Fetch `keys` now, or right after the refresh that is running."""
        if not self.refresh(keys):
            self._queued = tuple(dict.fromkeys((*self._queued, *keys)))

    def cancel(self) -> int:
        """Stop a running download or import (completed instruments are kept)."""
        self._queued = ()
        return self.pool.cancel(FETCH) + self.pool.cancel(IMPORT)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @property
    def fetching(self) -> bool:
        """A refresh is running (from `refresh()` until its report or error has arrived)."""
        return self._fetching

    def bars_of(self, key: str) -> int:
        """Cached bars of `key` as of the latest instrument list (0 when unknown)."""
        return next((i.rows for i in self.instruments if i.key == key), 0)

    def _on_fetch_progress(self, event: object) -> None:
        if isinstance(event, results.InstrumentFetched):
            self.instruments = event.instruments
            self.instrumentsChanged.emit(results.CacheContents(event.instruments))
            self.instrumentFetched.emit(event)
        elif isinstance(event, results.FetchProgress):
            self.fetchProgress.emit(event)

    def _on_fetched(self, report: results.FetchReport) -> None:
        self._fetching = False
        errors = [o.error for o in report.failures]
        if any(o.ok and not o.skipped for o in report.outcomes):
            self.offline = False
        elif errors:
            self.offline = all(isinstance(e, OfflineError) for e in errors)
        self.instruments = report.instruments
        self.fetchFinished.emit(report)
        self.instrumentsChanged.emit(results.CacheContents(report.instruments))
        pair = _pair_of(self.settings)
        grew = any(o.ok and o.new_bars and o.key in pair for o in report.outcomes)
        if self.result is None or grew:
            self.load()
        self._run_queued(report.cancelled)

    def _on_fetch_error(self, error: BaseException) -> None:
        self._fetching = False
        if isinstance(error, OfflineError):
            self.offline = True
        self.failed.emit(JobFailure(FETCH, error))
        self._run_queued(False)

    def _run_queued(self, cancelled: bool) -> None:
        queued, self._queued = self._queued, ()
        if queued and not cancelled:
            self.refresh(queued)

    # -- importing ------------------------------------------------------------------------------

    def import_csv(self, path: Path, key: InstrumentKey, replace: bool = False) -> None:
        """Import a CSV file as `key` (in a worker); reloads when it is the leader or follower.

        Without `replace`, an import that would change cached values fails with
        ReplaceRefused (nothing written), so the window can ask first.
        """
        db = self.paths.database
        self._start_busy(
            IMPORT,
            lambda progress, cancel: tasks.import_csv(path, key, db, progress, cancel, replace),
            on_result=self._on_imported,
            on_error=lambda error: self.failed.emit(JobFailure(IMPORT, error)),
            on_progress=self.importProgress.emit,
        )

    def _on_imported(self, imported: results.Imported) -> None:
        self.imported.emit(imported)
        self._reload_for(imported.key)

    def delete_instrument(self, key: InstrumentKey) -> None:
        """Remove `key` from the cache (in a worker); its bars are kept for `restore`."""
        db = self.paths.database
        self._start_busy(
            DELETE,
            lambda _progress, _cancel: tasks.delete_instrument(key, db),
            on_result=lambda deleted: self._reload_for(deleted.key),
            on_error=lambda error: self.failed.emit(JobFailure(DELETE, error)),
        )

    def _reload_for(self, key: str) -> None:
        """After `key` changed: the whole load when it is in the pair, else the cache list."""
        if key in _pair_of(self.settings):
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
            lambda _progress, _cancel: tasks.read_cache_contents(db),
            on_result=self._on_listed,
            on_error=lambda error: self.failed.emit(JobFailure(LOAD, error)),
        )

    def _on_listed(self, contents: results.CacheContents) -> None:
        self.instruments = contents.instruments
        self.instrumentsChanged.emit(contents)

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
        """Save `new` and do what the change needs: load a new pair, re-analyse, or fetch.

        Every instrument of the new pair that has no cached bars is fetched, as is every
        instrument added to the list, so a new choice never leaves the window blank.
        """
        old = self.settings
        parts = changed_parts(old, new)
        save_settings(self.paths.config, new)
        self.settings = new
        self.settingsChanged.emit(new)
        if _pair_of(new) != _pair_of(old):
            self.load()
        elif "analysis" in parts:
            self.reanalyse()
        added = [k for k in new.instruments if k not in old.instruments]
        empty = [k for k in (new.leader, new.follower) if not self.bars_of(k)]
        wanted = tuple(dict.fromkeys((*empty, *added)))
        if wanted:
            self.fetch_soon(wanted)
        return parts

    def choose_headline(self, horizon: int) -> None:
        """Save `horizon` as the headline horizon, without re-analysing: every horizon's
        verdict is already in the result, and the window writes no file that records it."""
        new = self.settings.with_changes(headline_horizon=horizon)
        save_settings(self.paths.config, new)
        self.settings = new
        self.settingsChanged.emit(new)

    @Slot()
    def _on_owner_destroyed(self) -> None:
        self.shutdown()

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Stop every worker (bounded wait); True when all threads ended.

        Automatic garbage collection comes back only when no worker can run any more.
        """
        self.keeper.flush()
        stopped = self.pool.shutdown(timeout_s)
        if stopped and self._collecting:
            self._collecting = False
            gc_guard.release()
        return stopped
