"""Workers: signal order, errors of both kinds, cancel, GUI-thread callbacks, bounded shutdown."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread, Slot

from app.errors import CancelledError, OfflineError
from widgets.jobs.workers import Worker, WorkerPool

pytestmark = pytest.mark.gui


class Recorder(QObject):
    """Records every worker signal, in arrival order, on the GUI thread."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []
        self.threads: set[object] = set()
        worker.started.connect(self.on_started)
        worker.progress.connect(self.on_progress)
        worker.result.connect(self.on_result)
        worker.error.connect(self.on_error)
        worker.finished.connect(self.on_finished)

    def _add(self, name: str, value: object = None) -> None:
        self.threads.add(QThread.currentThread())
        self.events.append((name, value))

    @Slot()
    def on_started(self) -> None:
        self._add("started")

    @Slot(object)
    def on_progress(self, value: object) -> None:
        self._add("progress", value)

    @Slot(object)
    def on_result(self, value: object) -> None:
        self._add("result", value)

    @Slot(object)
    def on_error(self, value: object) -> None:
        self._add("error", value)

    @Slot()
    def on_finished(self) -> None:
        self._add("finished")

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


@pytest.fixture
def pool(qtbot):
    pool = WorkerPool()
    yield pool
    assert pool.shutdown(5.0)


def _run(qtbot, pool: WorkerPool, fn) -> Recorder:
    worker = Worker("job", fn)
    recorder = Recorder(worker)
    with qtbot.waitSignal(pool.idle, timeout=5000):
        pool.start(worker)
    qtbot.waitUntil(lambda: "finished" in recorder.names(), timeout=5000)
    return recorder


def test_signals_arrive_in_order_on_the_gui_thread(qtbot, pool):
    def work(progress, should_cancel):
        for step in range(3):
            progress(step)
        return "done"

    recorder = _run(qtbot, pool, work)
    assert recorder.events == [
        ("started", None),
        ("progress", 0),
        ("progress", 1),
        ("progress", 2),
        ("result", "done"),
        ("finished", None),
    ]
    assert recorder.threads == {QThread.currentThread()}


def test_a_known_error_is_emitted_instead_of_a_result(qtbot, pool):
    def work(progress, should_cancel):
        progress("trying")
        raise OfflineError("No network connection.")

    recorder = _run(qtbot, pool, work)
    assert recorder.names() == ["started", "progress", "error", "finished"]
    assert isinstance(recorder.events[2][1], OfflineError)


def test_a_bug_is_logged_and_emitted_without_killing_the_thread(qtbot, pool, caplog):
    def work(progress, should_cancel):
        return 1 / 0

    recorder = _run(qtbot, pool, work)
    assert recorder.names() == ["started", "error", "finished"]
    assert isinstance(recorder.events[1][1], ZeroDivisionError)
    assert "crashed" in caplog.text and "ZeroDivisionError" in caplog.text


def test_cancel_interrupts_a_running_worker_between_chunks(qtbot, pool):
    entered = threading.Event()

    def work(progress, should_cancel):
        chunks = 0
        while not should_cancel():
            entered.set()
            chunks += 1
            threading.Event().wait(0.005)  # one "chunk" of work
        raise CancelledError(f"stopped after {chunks} chunks")

    worker = Worker("fetch", work)
    recorder = Recorder(worker)
    pool.start(worker)
    assert entered.wait(5)
    assert pool.is_running("fetch")
    assert pool.cancel("fetch") == 1
    qtbot.waitUntil(lambda: "finished" in recorder.names(), timeout=5000)
    assert recorder.names() == ["started", "error", "finished"]
    assert isinstance(recorder.events[1][1], CancelledError)
    qtbot.waitUntil(lambda: not pool.is_running(), timeout=5000)


def test_cancel_only_touches_workers_with_that_name(qtbot, pool):
    release = threading.Event()

    def slow(progress, should_cancel):
        release.wait(5)
        return should_cancel()

    worker = Worker("load", slow)
    recorder = Recorder(worker)
    pool.start(worker)
    assert pool.cancel("fetch") == 0
    release.set()
    qtbot.waitUntil(lambda: "finished" in recorder.names(), timeout=5000)
    assert ("result", False) in recorder.events


def test_run_calls_back_on_the_gui_thread_in_order(qtbot, pool):
    calls: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()

    def note(name):
        return lambda value=None: calls.append((name, value, threading.current_thread() is gui))

    def work(progress, should_cancel):
        progress("half")
        return 42

    with qtbot.waitSignal(pool.idle, timeout=5000):
        pool.run(
            "job",
            work,
            on_result=note("result"),
            on_error=note("error"),
            on_progress=note("progress"),
            on_finished=note("finished"),
        )
    qtbot.waitUntil(lambda: len(calls) == 3, timeout=5000)
    assert calls == [("progress", "half", True), ("result", 42, True), ("finished", None, True)]


def test_shutdown_stops_a_busy_worker_within_the_bound(qtbot):
    pool = WorkerPool()
    started = threading.Event()

    def work(progress, should_cancel):
        started.set()
        while not should_cancel():
            threading.Event().wait(0.01)
        raise CancelledError("stopped")

    pool.run("fetch", work)
    assert started.wait(5)
    assert pool.shutdown(5.0)
    assert not pool.is_running()


def test_shutdown_reports_a_worker_that_ignores_cancel(qtbot):
    pool = WorkerPool()
    release = threading.Event()
    pool.run("stuck", lambda progress, should_cancel: release.wait(10))
    assert pool.shutdown(0.05) is False
    assert pool.is_running("stuck")
    release.set()
    assert pool.shutdown(5.0)


def test_nothing_starts_after_shutdown(qtbot):
    pool = WorkerPool()
    assert pool.shutdown(1.0)
    ran = threading.Event()
    pool.run("late", lambda progress, should_cancel: ran.set())
    assert not pool.is_running()
    qtbot.wait(50)
    assert not ran.is_set()


def test_collection_runs_on_the_gui_thread_while_a_session_lives(qtbot, paths):
    import gc

    from app.config import Settings
    from widgets.jobs.session import Session

    was = gc.isenabled()
    session = Session(paths, Settings())
    assert not gc.isenabled()  # no collection on worker threads meanwhile
    assert session.shutdown(5.0)
    assert gc.isenabled() and was
