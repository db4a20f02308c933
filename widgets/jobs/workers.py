"""QThread workers: thin Qt wrappers around plain functions taking `progress` and `should_cancel`.

The wiring follows superqt's `_qthreading` and the Qt documentation: the worker is moved to
its own QThread, `started → run`, `finished → quit`, and the thread is deleted once finished.
Cancelling uses `QThread.requestInterruption()`, which the work function polls between chunks
through `should_cancel` — a queued `cancel()` slot would never run while the worker is busy.
Workers never touch widgets: they emit signals, and the receivers' slots run on the GUI thread.

One deliberate difference from the usual `finished → deleteLater`: the worker object is freed on
the GUI thread after its thread has ended, not by a deferred delete on the worker thread. With
PySide, ~QObject on the worker thread holds a Qt signal-slot lock while it waits for the GIL
(to ask Python about overrides), and a GUI thread that holds the GIL while connecting signals
needs that same lock: the app froze that way (seen in gdb) when a chart was built just as a
worker ended. After the thread has finished no other thread can touch the worker, so freeing it
on the GUI thread is safe.

The work functions themselves live in widgets.jobs.tasks and are tested without any thread.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.errors import RiskcurveError

log = logging.getLogger("riskcurve.workers")

#: Every started QThread until it has finished. A QThread destroyed while running aborts the
#: process, so a thread must outlive its pool (whose owner may be deleted first).
_LIVE_THREADS: set[QThread] = set()
EXIT_WAIT_S = 5.0


@atexit.register
def _stop_live_threads() -> None:
    """At interpreter exit, stop and wait (bounded) for threads whose pool never shut down."""
    deadline = time.monotonic() + EXIT_WAIT_S
    for thread in list(_LIVE_THREADS):
        thread.requestInterruption()
        thread.wait(max(0, int((deadline - time.monotonic()) * 1000)))


#: The result type of a work function: one small frozen dataclass per job (results.Loaded,
#: results.FetchReport, …), as superqt types its workers' `returned` signal.
R = TypeVar("R")
#: A work function: fn(progress, should_cancel) -> result.
WorkFunction = Callable[[Callable[[object], None], Callable[[], bool]], Any]


class Worker(QObject):
    """Runs one work function on a QThread and reports through signals, always in this order.

    Signals:
        started(): the function is about to run.
        progress(object): whatever the function passed to its `progress` callback (0..n times).
        result(object): the function's return value, a job's result dataclass (exactly once,
            unless it raised; the `on_result` callback of `WorkerPool.run` is typed with it).
        error(object): the exception it raised (exactly once, unless it returned);
            a RiskcurveError is the environment's fault, anything else is a bug (logged here).
        finished(): always last.
    """

    started = Signal()
    progress = Signal(object)
    result = Signal(object)
    error = Signal(object)
    finished = Signal()

    def __init__(self, name: str, fn: WorkFunction) -> None:
        super().__init__()
        self.name = name
        self._fn = fn
        self._cancelled = threading.Event()

    def should_cancel(self) -> bool:
        """True once the owner asked to stop (interruption of our thread, or `cancel()`)."""
        if self._cancelled.is_set():
            return True
        thread = QThread.currentThread()
        return thread is not None and thread.isInterruptionRequested()

    def cancel(self) -> None:
        """Ask the work function to stop at its next check; safe from any thread."""
        self._cancelled.set()

    @Slot()
    def run(self) -> None:
        """Run the work function once and emit the outcome; never lets an exception escape."""
        self.started.emit()
        began = time.perf_counter()
        try:
            value = self._fn(self.progress.emit, self.should_cancel)
        except RiskcurveError as exc:
            log.info("%s failed: %s", self.name, exc)
            self.error.emit(exc)
        except Exception as exc:
            log.exception("%s crashed", self.name)
            self.error.emit(exc)
        else:
            log.debug("%s done in %.3f s", self.name, time.perf_counter() - began)
            self.result.emit(value)
        finally:
            self.finished.emit()


class Job(QObject):
    """The GUI-thread end of one worker: calls plain callbacks on the GUI thread.

    A slot connected to a worker signal must belong to an object living on the GUI thread (a
    lambda would run on the worker's thread), and `sender()` cannot identify the worker (it may
    be deleted before its queued signals are delivered). A Job is that object, one per worker,
    so every callback knows which job it belongs to.

    Once the outcome (result or error) has been delivered the job has `ended`: progress that
    still arrives is dropped, so a window never says "Cancelling…" or shows a fraction after
    it said the job was cancelled or done.
    """

    def __init__(
        self,
        worker: Worker,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = worker.name
        self.ended = False
        self._callbacks = (on_result, on_error, on_progress, on_finished)
        worker.result.connect(self._on_result)
        worker.error.connect(self._on_error)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)

    @Slot(object)
    def _on_result(self, value: Any) -> None:
        self.ended = True
        if self._callbacks[0] is not None:
            self._callbacks[0](value)

    @Slot(object)
    def _on_error(self, error: BaseException) -> None:
        self.ended = True
        if self._callbacks[1] is not None:
            self._callbacks[1](error)

    @Slot(object)
    def _on_progress(self, event: Any) -> None:
        if self._callbacks[2] is not None and not self.ended:
            self._callbacks[2](event)

    @Slot()
    def _on_finished(self) -> None:
        if self._callbacks[3] is not None:
            self._callbacks[3]()


class WorkerPool(QObject):
    """Starts workers on their own threads, keeps them alive while they run, stops them on exit.

    A QThread that is garbage-collected while running aborts the process ("QThread: Destroyed
    while thread is still running"), so the pool holds every thread until it has finished.

    Signals:
        idle(): the last running worker has finished.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QThread, Worker] = {}
        self._closed = False
        self._jobs: dict[Worker, Job] = {}

    def start(self, worker: Worker) -> Worker:
        """Move `worker` to a new thread and start it; connect its signals before calling this.

        After `shutdown` nothing starts any more (a late timer of a closing window, say): the
        worker is returned unstarted and never reports.
        """
        if self._closed:
            log.debug("not starting %s: the pool was shut down", worker.name)
            return worker
        thread = QThread()
        thread.setObjectName(worker.name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Direct: quit from the worker's own thread, so a GUI thread blocked in wait() (at exit)
        # does not keep the thread alive by never delivering a queued quit.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._running[thread] = worker
        _LIVE_THREADS.add(thread)
        thread.start()
        return worker

    def run(
        self,
        name: str,
        fn: Callable[[Callable[[object], None], Callable[[], bool]], R],
        *,
        on_result: Callable[[R], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Worker:
        """Run `fn` in a new worker; the callbacks are called on the GUI thread, in signal order."""
        worker = Worker(name, fn)
        # A child of the pool: when the pool's owner is destroyed, so is the job, and Qt drops
        # its pending callbacks instead of calling into a deleted owner.
        job = Job(worker, on_result, on_error, on_progress, on_finished, parent=self)
        self._jobs[worker] = job
        return self.start(worker)

    def is_running(self, name: str | None = None) -> bool:
        """True while a worker (with that name, if given) has not finished."""
        return any(name is None or w.name == name for w in self._running.values())

    def cancel(self, name: str | None = None) -> int:
        """Request interruption of the running workers (all, or those named `name`); how many
        had not yet delivered their outcome (a worker that has is only winding its thread down:
        there is nothing left to cancel)."""
        count = 0
        for thread, worker in list(self._running.items()):
            if name is None or worker.name == name:
                worker.cancel()
                thread.requestInterruption()
                job = self._jobs.get(worker)
                count += job is None or not job.ended
        return count

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Cancel everything and wait (bounded) for the threads; True if all of them stopped.

        The sources enforce their own deadlines and check `should_cancel` between pages, so a
        cancelled fetch ends quickly; the bound keeps a stuck provider from hanging the exit.
        """
        self._closed = True
        self.cancel()
        deadline = time.monotonic() + timeout_s
        for thread in list(self._running):
            remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if thread.wait(remaining_ms):
                self._forget(thread)
        stuck = [w.name for w in self._running.values()]
        if stuck:
            log.warning("still running at exit after %.1f s: %s", timeout_s, ", ".join(stuck))
        return not stuck

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread) and thread in self._running:
            self._forget(thread)

    def _forget(self, thread: QThread) -> None:
        worker = self._running.pop(thread, None)
        _LIVE_THREADS.discard(thread)
        job = self._jobs.pop(worker, None) if worker is not None else None
        thread.wait()
        thread.deleteLater()
        if job is not None:
            job.deleteLater()  # after its queued callbacks: they were posted before this
        # `worker` is freed when its last reference goes: here or in its owner, on the GUI
        # thread either way (see the module notes).
        if not self._running:
            self.idle.emit()
