"""Top up cached instruments from their sources: the one function the CLI and the GUI call.

Incremental by default: a fetch asks only for dates from a few days before the last stored bar
(the overlap lets a provisional last bar be corrected); a full fetch replaces the instrument's
bars with the downloaded history. Bars dated after tomorrow (UTC) are dropped with a note.
Each instrument is stored in one
transaction after its source returned everything, so a failure or a cancel leaves the cache as it
was; a failure is recorded on the instrument. The GUI runs this in a worker thread, passing a
progress callback and a cancel check.

One deadline for the whole run: `timeout_s` bounds the run, not each instrument. The
instruments are fetched at the same time (up to PARALLEL at once, each in its own thread, each
source bounded by what is left of the run's deadline), so a provider that hangs costs the run
its timeout once and never keeps the other providers from being asked. Every instrument still
unfinished at the deadline reports that it timed out. The calling thread does all the cache
writing and calls `progress`, `should_cancel` and `on_outcome` itself, so callers (a Qt
worker) never see a callback from another thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.bars import EPOCH_DATE, epoch_days, latest_valid_day
from app.errors import (
    BadDataError,
    CacheError,
    CancelledError,
    FetchTimeoutError,
    InternalError,
    RiskcurveError,
    describe_exception,
)
from app.instruments import InstrumentSpec, parse_key
from app.provenance import Origin
from app.sources.base import FetchRequest, FetchResult
from app.sources.retry import POLL_S, Deadline

if TYPE_CHECKING:
    from app.cache import Cache

#: Days re-requested before the last stored bar, so a provisional last bar gets corrected.
OVERLAP_DAYS = 5
#: Instruments fetched at the same time (the default settings keep four).
PARALLEL = 4
#: How long after the deadline a source may take to hand back what it has: sources stop
#: waiting at the deadline themselves; this covers thread hand-over on a busy machine.
GRACE_S = 1.0
log = logging.getLogger("riskcurve.fetch")


@dataclass(frozen=True)
class ProgressEvent:
    """Progress of instrument `index` of `count`; done/total are that instrument's pages."""

    key: str
    index: int
    count: int
    done: int
    total: int
    message: str


@dataclass(frozen=True)
class FetchOutcome:
    """What happened to one instrument."""

    key: str
    ok: bool
    new_bars: int = 0
    error: RiskcurveError | None = None
    skipped: bool = False
    #: What the source had to say about the data, e.g. that it stopped early because the
    #: provider repeated itself (the bars stored are correct but may be incomplete).
    notes: tuple[str, ...] = ()


ProgressSink = Callable[[ProgressEvent], None]
OutcomeSink = Callable[[FetchOutcome], None]


@dataclass(frozen=True)
class _Job:
    """One instrument to fetch: its place in the run and the first date wanted."""

    index: int
    spec: InstrumentSpec
    start: dt.date | None


def refresh(
    db_path: Path | str,
    keys: Sequence[str],
    *,
    full: bool = False,
    timeout_s: float = 60.0,
    progress: ProgressSink | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_outcome: OutcomeSink | None = None,
) -> list[FetchOutcome]:
    """Fetch new bars for each key within one deadline; one outcome per key, in key order.

    `on_outcome` hears about each instrument as soon as it is stored (or has failed). A cancel
    stops every unfinished instrument (CancelledError outcomes); finished ones stay stored.
    """
    from app.cache import Cache

    cancelled = should_cancel or (lambda: False)
    deadline = Deadline(timeout_s)
    outcomes: dict[int, FetchOutcome] = {}
    with Cache.open(db_path) as cache:
        jobs = []
        for index, key in enumerate(keys):
            spec = parse_key(key)
            if spec.source == "csv":
                outcomes[index] = FetchOutcome(spec.key, True, skipped=True)
            else:
                try:
                    jobs.append(_Job(index, spec, _start(cache, spec, full)))
                except RiskcurveError as exc:
                    _record(cache, spec.key, exc)
                    outcomes[index] = FetchOutcome(spec.key, False, error=exc)
        sink = _Progress(progress, len(keys))
        for job, result in _fetch_all(jobs, deadline, sink, cancelled):
            outcome = _store(cache, job.spec, result, full)
            outcomes[job.index] = outcome
            if outcome.ok:
                sink(job, 1, 1, f"{job.spec.label}: {outcome.new_bars} new bars")
            if on_outcome is not None:
                on_outcome(outcome)
    return [outcomes[index] for index in sorted(outcomes)]


def _start(cache: Cache, spec: InstrumentSpec, full: bool) -> dt.date | None:
    """First date to ask for: None (everything) for a full fetch, else just before the last bar.

    A cached bar dated after tomorrow (a typo in a file imported before imports checked it)
    would make every top-up ask for prices from that date on: refused, naming the way out.
    """
    last_day = None if full else cache.last_day(spec.key)
    if last_day is None:
        return None
    last = EPOCH_DATE + dt.timedelta(days=last_day)
    if last_day > latest_valid_day():
        raise BadDataError(
            f"{spec.key} holds a bar dated {last.isoformat()}, in the future (a typo in an "
            f"imported file?); `riskcurve fetch --full {spec.key}` replaces its bars with "
            f"the history from {spec.label}."
        )
    return last - dt.timedelta(days=OVERLAP_DAYS)


def _without_future_bars(result: FetchResult, spec: InstrumentSpec) -> FetchResult:
    """Drop bars dated after tomorrow (UTC: a provider's clock or unit bug), with a note."""
    future = epoch_days(result.bars.index) > latest_valid_day()
    if not future.any():
        return result
    if future.all():
        raise BadDataError(f"{spec.label} sent only bars dated after tomorrow for {spec.key}.")
    note = f"{spec.key}: dropped {int(future.sum())} bars dated after tomorrow (UTC)"
    return dataclasses.replace(result, bars=result.bars.loc[~future], notes=(*result.notes, note))


class _Progress:
    """Turns a source's progress into ProgressEvents for the caller's sink (if any)."""

    def __init__(self, sink: ProgressSink | None, count: int) -> None:
        self.sink, self.count = sink, count

    def __call__(self, job: _Job, done: int, total: int, message: str) -> None:
        if self.sink is not None:
            self.sink(ProgressEvent(job.spec.key, job.index, self.count, done, total, message))


def _fetch_all(
    jobs: list[_Job],
    deadline: Deadline,
    progress: _Progress,
    cancelled: Callable[[], bool],
) -> Iterator[tuple[_Job, FetchResult | BaseException]]:
    """Run every job's source in its own thread; yield each result here, as it comes.

    Progress from the sources is queued and passed on from this (the calling) thread; the
    caller's cancel check is read here too and handed to the sources as an Event.
    """
    events: queue.SimpleQueue[tuple] = queue.SimpleQueue()
    stop = threading.Event()
    slots = threading.Semaphore(PARALLEL)

    def work(job: _Job) -> None:
        with slots:
            events.put(("done", job, _fetch_one(job, deadline, stop, events)))

    for job in jobs:
        name = f"riskcurve-fetch-{job.index}"
        threading.Thread(target=work, args=(job,), name=name, daemon=True).start()
    pending = {job.index: job for job in jobs}
    while pending:
        if not stop.is_set() and cancelled():
            stop.set()
        left = deadline.remaining() + GRACE_S
        if left <= 0:
            for job in pending.values():  # their threads are abandoned, results discarded
                yield job, _timed_out(job, deadline)
            return
        try:
            kind, job, *rest = events.get(timeout=min(POLL_S, left))
        except queue.Empty:
            continue
        if kind == "progress":
            progress(job, *rest)
        else:
            del pending[job.index]
            yield job, rest[0]


def _fetch_one(
    job: _Job, deadline: Deadline, stop: threading.Event, events: queue.SimpleQueue
) -> FetchResult | BaseException:
    """One source's fetch on a worker thread: its result, or what it raised."""
    if stop.is_set():
        return _cancelled(job.spec.key)
    if deadline.expired:
        return _timed_out(job, deadline)

    def report(done: int, total: int, message: str) -> None:
        events.put(("progress", job, done, total, message))

    report(0, 0, f"Fetching {job.spec.label}…")
    try:
        from app.sources.registry import source_for

        request = FetchRequest(job.spec, job.start, deadline.remaining(), report, stop.is_set)
        return source_for(job.spec).fetch(request)
    except BaseException as exc:  # handed to the calling thread, which judges it
        return exc


def _store(
    cache: Cache, spec: InstrumentSpec, result: FetchResult | BaseException, full: bool
) -> FetchOutcome:
    """Store a source's result in one transaction (a full fetch replaces every bar), or
    record why there is none."""
    try:
        if isinstance(result, BaseException):
            raise result
        result = _without_future_bars(result, spec)
        before = _row_count(cache, spec.key)
        cache.store_bars(
            spec.key,
            result.bars,
            origin=Origin.provider_of(spec),
            currency=result.currency,
            timezone=result.timezone,
            fetched=True,
            replace_all=full,
        )
    except CancelledError as exc:
        return FetchOutcome(spec.key, False, error=exc)
    except RiskcurveError as exc:
        log.warning("fetching %s failed: %s", spec.key, exc, exc_info=exc)
        _record(cache, spec.key, exc)
        return FetchOutcome(spec.key, False, error=exc)
    except Exception as exc:  # our bug (or a library's): logged, recorded, the others go on
        error = _unexpected(spec.key, exc)
        log.error("fetching %s failed unexpectedly", spec.key, exc_info=exc)
        _record(cache, spec.key, error)
        return FetchOutcome(spec.key, False, error=error)
    new_bars = _row_count(cache, spec.key) - before
    return FetchOutcome(spec.key, True, new_bars=new_bars, notes=tuple(result.notes))


def _record(cache: Cache, key: str, error: RiskcurveError) -> None:
    # When the cache itself is failing (disk full, locked), recording the error fails too; the
    # caller still gets the outcome with the message.
    with contextlib.suppress(CacheError):
        cache.record_error(key, error)


def _unexpected(key: str, exc: Exception) -> InternalError:
    return InternalError(
        f"Fetching {key} failed unexpectedly ({describe_exception(exc)}); "
        "this is a bug in Riskcurve, the details are in the log file."
    )


def _row_count(cache: Cache, key: str) -> int:
    info = cache.instrument(key)
    return info.rows if info else 0


def _cancelled(key: str) -> CancelledError:
    return CancelledError(f"Fetch cancelled before {key}; nothing of it was stored.")


def _timed_out(job: _Job, deadline: Deadline) -> FetchTimeoutError:
    return FetchTimeoutError(
        f"{job.spec.key} timed out: the fetch's {deadline.seconds:g} s deadline passed before "
        "it finished; nothing of it was stored. Raise the fetch timeout or try again later."
    )
