"""The work the GUI runs in worker threads, as plain functions (no Qt), testable synchronously.

Each function opens its own Cache (one SQLite connection per thread) and calls the same app/
functions as the command line. They take `progress` and `should_cancel` callables so a worker
can report and stop them; heavy imports (pandas, yfinance, ccxt) happen here, off the GUI
thread, which keeps the window's start-up fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.chart_input import ChartInput, chart_input
from app.errors import CancelledError, UnknownInstrumentError
from app.pipeline import analyse
from app.preview import Preview
from widgets.jobs.results import (
    CacheContents,
    Deleted,
    FetchProgress,
    FetchReport,
    Imported,
    ImportProgress,
    InstrumentFetched,
    Instruments,
    Loaded,
    SourcesReady,
    TestReport,
)

if TYPE_CHECKING:
    import numpy as np

    from app.analysis import AnalysisResult
    from app.config import Settings
    from app.fetch import FetchOutcome
    from app.instruments import InstrumentKey
    from app.paths import AppPaths

Progress = Callable[[object], None]
CancelCheck = Callable[[], bool]

EMPTY_MESSAGE = "No data yet — Refresh when online, or Import CSV…"
TEST_LOOKBACK_DAYS = 10
TEST_DEADLINE_S = 20.0
#: The longest the analysis waits for the price preview to be painted.
PREVIEW_WAIT_S = 2.0


def prepare_sources(keys: tuple[str, ...]) -> SourcesReady:
    """Import the network libraries `keys` need (yfinance, ccxt).

    Their first import costs up to a second of CPU in chunks that hold the GIL (extension
    modules, large compiled modules). Done in a worker while the app is idle, it keeps that
    pause out of the user's first Refresh.
    """
    import importlib

    from app.instruments import parse_key

    needed = {"yahoo": "yfinance", "ccxt": "ccxt"}
    names = tuple(
        dict.fromkeys(needed[s] for s in (parse_key(k).source for k in keys) if s in needed)
    )
    for name in names:
        importlib.import_module(name)
    return SourcesReady(names)


def list_instruments(db_path: Path) -> Instruments:
    """Every cached instrument (for the Data tab)."""
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        return tuple(cache.instruments())


def read_cache_contents(db_path: Path) -> CacheContents:
    """The job behind a Data tab update after an import of another instrument."""
    return CacheContents(list_instruments(db_path))


def load_and_analyse(
    db_path: Path,
    settings: Settings,
    progress: Progress,
    should_cancel: CancelCheck,
    preview_shown: threading.Event | None = None,
    snapshot: Path | None = None,
) -> Loaded:
    """Load the pair from the cache and analyse it; an empty cache gives the empty-state message.

    Before pandas is even imported, a first picture goes out through `progress`: the drawing
    kept in `snapshot` when its quick key matches these bars and settings (a ChartInput, the
    analysed charts; found before the bars are read), else the close prices (a Preview); both
    numpy only. With `preview_shown`, the rest waits (bounded) until the window has painted it:
    both need the GIL, and the picture is what the user is waiting for. When only one of the
    pair has bars, that one is analysed and shown alone.
    """
    from app.cache import Cache

    keys = (settings.leader, settings.follower)
    with Cache.open(db_path) as cache:
        quick = repr([cache.bars_summary(key) for key in keys])
        replaced = cache.notice  # a damaged file was replaced by this first open
    kept = _kept_chart(snapshot, settings, quick)
    if kept is not None:
        progress(kept)
        _wait_for(preview_shown, should_cancel)
    with Cache.open(db_path) as cache:
        instruments = tuple(cache.instruments())
        leader, follower = (_arrays_or_empty(cache, key) for key in keys)
        notice = replaced or cache.notice
    bars = zip(keys, (leader, follower), strict=True)
    missing = tuple(key for key, (days, _) in bars if not len(days))
    if len(missing) == 2:
        return Loaded(None, instruments, EMPTY_MESSAGE, notice, missing)
    if kept is None:
        progress(_preview(settings, leader, follower))
        _wait_for(preview_shown, should_cancel)
    if should_cancel():
        raise CancelledError("Loading was cancelled.")
    return _analysed(settings, leader, follower, instruments, (quick, kept), notice, missing)


def _kept_chart(snapshot: Path | None, settings: Settings, quick: str) -> ChartInput | None:
    from app.chart_snapshot import load_snapshot, snapshot_key

    return load_snapshot(snapshot, snapshot_key(settings, quick)) if snapshot else None


def _analysed(
    settings: Settings,
    leader: Arrays,
    follower: Arrays,
    instruments: Instruments,
    found: tuple[str, ChartInput | None],
    notice: str,
    missing: tuple[str, ...],
) -> Loaded:
    """The analysis of the bars read, its drawing, and whether that is the kept one."""
    from app.bars import bars_from_arrays
    from app.chart_snapshot import bars_digest, snapshot_key

    quick, kept = found
    sources = {i.key: i.sources for i in instruments}
    digest = bars_digest(
        leader, follower, [sources.get(k) for k in (settings.leader, settings.follower)]
    )
    result = analyse(
        settings, bars_from_arrays(*leader), bars_from_arrays(*follower), sources=sources
    )
    chart = chart_input(result, snapshot_key(settings, digest), snapshot_key(settings, quick))
    same = kept is not None and kept.key == chart.key
    return Loaded(result, instruments, "", notice, missing, chart, (digest, quick), same)


Arrays = tuple["np.ndarray", dict[str, "np.ndarray"]]


def _arrays_or_empty(cache: Any, key: str) -> Arrays:
    """The instrument's bars as arrays; none at all (not yet cached) gives empty arrays."""
    import numpy as np

    from app.bars import COLUMNS

    try:
        return cache.load_arrays(key)
    except UnknownInstrumentError:
        return np.empty(0, dtype=np.int64), {c: np.empty(0) for c in COLUMNS}


def _wait_for(event: threading.Event | None, should_cancel: CancelCheck) -> None:
    if event is None:
        return
    deadline = time.monotonic() + PREVIEW_WAIT_S
    while not event.wait(0.01):
        if should_cancel() or time.monotonic() > deadline:
            return


def _preview(settings: Settings, leader: Arrays, follower: Arrays) -> Preview:
    return Preview(
        settings.leader,
        leader[0],
        leader[1]["close"],
        settings.follower,
        follower[0],
        follower[1]["close"],
    )


def reanalyse(
    previous: AnalysisResult,
    settings: Settings,
    instruments: Instruments,
    progress: Progress,
    _should_cancel: CancelCheck,
    names: tuple[str, str] = ("", ""),
) -> Loaded:
    """Re-run the analysis on the previous result's bars with new settings (no I/O at all).

    `names` name those bars (Loaded.bars_names, from their load) so the new drawing can be
    kept for the next start."""
    from app.chart_snapshot import snapshot_key

    progress("Analysing…")
    sources = {i.key: i.sources for i in instruments}
    result = analyse(settings, previous.leader, previous.follower, sources=sources)
    pair = ((result.leader_key, result.leader), (result.follower_key, result.follower))
    missing = tuple(k for k, bars in pair if not len(bars))
    keys = (snapshot_key(settings, name) for name in names)
    chart = chart_input(result, *keys)
    return Loaded(result, instruments, missing=missing, chart=chart, bars_names=names)


def keep_chart(path: Path, chart: ChartInput) -> bool:
    """Write the drawing for the next start (app.chart_snapshot); False when it could not."""
    from app.chart_snapshot import save_snapshot

    return save_snapshot(path, chart)


def refresh(
    db_path: Path,
    keys: tuple[str, ...],
    timeout_s: float,
    progress: Progress,
    should_cancel: CancelCheck,
) -> FetchReport:
    """Fetch new bars for `keys` within one deadline; never half an instrument stored.

    app.fetch asks every instrument's source at the same time. After each instrument an
    InstrumentFetched goes out through `progress` with the cache list, so the Data tab updates
    that row at once instead of at the end of the whole refresh.
    """
    from app import fetch

    overall = _RunProgress(len(keys))

    def forward(event: fetch.ProgressEvent) -> None:
        progress(overall.moved(event.key, event.done, event.total))

    def finished(outcome: FetchOutcome) -> None:
        progress(overall.moved(outcome.key, 1, 1))
        progress(InstrumentFetched(outcome, list_instruments(db_path)))

    outcomes = fetch.refresh(
        db_path,
        list(keys),
        timeout_s=timeout_s,
        progress=forward,
        should_cancel=should_cancel,
        on_outcome=finished,
    )
    cancelled = should_cancel() or any(isinstance(o.error, CancelledError) for o in outcomes)
    return FetchReport(tuple(outcomes), list_instruments(db_path), cancelled)


class _RunProgress:
    """Progress of instruments fetched at the same time: the mean of how far each has come."""

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self.parts: dict[str, float] = {}

    def moved(self, key: str, done: int, total: int) -> FetchProgress:
        if total:
            self.parts[key] = min(1.0, done / total)
        else:
            self.parts.setdefault(key, 0.0)
        finished = sum(1 for part in self.parts.values() if part >= 1.0)
        fraction = sum(self.parts.values()) / self.count
        return FetchProgress(fraction, f"{key} ({finished}/{self.count} done)", key)


def refresh_with_alerts(
    db_path: Path,
    keys: tuple[str, ...],
    settings: Settings,
    progress: Progress,
    should_cancel: CancelCheck,
) -> FetchReport:
    """`refresh`, watched as app.ladder.watch.refresh_with_alerts watches app.fetch.refresh:
    the alerts the ladder's new bars raise are stored and returned with the report."""
    from app.ladder.watch import watch

    reports: list[FetchReport] = []

    def fetch() -> tuple[FetchOutcome, ...]:
        reports.append(refresh(db_path, keys, settings.fetch_timeout_s, progress, should_cancel))
        return reports[0].outcomes

    watched = watch(db_path, settings, fetch)
    newest_first = tuple(sorted(watched.alerts, key=lambda a: a.event_date, reverse=True))
    return dataclasses.replace(reports[0], alerts=newest_first, alert_error=watched.alert_error)


def import_csv(
    path: Path,
    key: InstrumentKey,
    db_path: Path,
    progress: Callable[[object], None],
    should_cancel: CancelCheck,
    replace: bool = False,
) -> Imported:
    """Import one CSV file as `key`, sending ImportProgress; a cancel stores nothing.
    ReplaceRefused when it would change cached values and `replace` was not given (nothing
    written)."""
    from app.sources.csv_file import import_file

    def report(done: int, total: int, message: str) -> None:
        if should_cancel():
            raise CancelledError(f"Import of {path.name} cancelled; nothing was stored.")
        progress(ImportProgress(done / total if total else 0.0, f"{path.name}: {message}"))

    count, changes = import_file(path, key, db_path, report, replace=replace)
    return Imported(key, count, changes)


def delete_instrument(key: InstrumentKey, db_path: Path) -> Deleted:
    """Remove `key` and its bars from the cache (kept as a version: `riskcurve restore`)."""
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        if not cache.delete_instrument(key):
            raise UnknownInstrumentError(f"{key} is not in the cache (any more).")
    return Deleted(key)


def test_instrument(key: str, paths: AppPaths, should_cancel: CancelCheck) -> TestReport:
    """Fetch a few recent bars of `key` from its source and store nothing (settings' Test button).

    An imported series has no source to ask, so the check is that the cache holds it.
    """
    from app.instruments import parse_key
    from app.sources.base import FetchRequest
    from app.sources.registry import source_for

    spec = parse_key(key)
    if spec.source == "csv":
        return _test_imported(spec.key, paths.database)
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=TEST_LOOKBACK_DAYS)
    request = FetchRequest(spec, start, TEST_DEADLINE_S, should_cancel=should_cancel)
    fetched = source_for(spec).fetch(request)
    last = fetched.bars.index[-1].date() if len(fetched.bars) else None
    return TestReport(spec.key, len(fetched.bars), last, fetched.currency, fetched.notes)


def _test_imported(key: str, db_path: Path) -> TestReport:
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        info = cache.instrument(key)
    if info is None or not info.rows:
        raise UnknownInstrumentError(f"No imported series {key}: use File → Import CSV… first.")
    return TestReport(key, info.rows, info.last_date, info.currency, ("imported series",))
