"""The work the GUI runs in worker threads, as plain functions (no Qt), testable synchronously.

Each function opens its own Cache (one SQLite connection per thread) and calls the same app/
functions as the command line. They take `progress` and `should_cancel` callables so a worker
can report and stop them; heavy imports (pandas, yfinance, ccxt) happen here, off the GUI
thread, which keeps the window's start-up fast.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import CancelledError, UnknownInstrumentError
from app.preview import Preview

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.cache import InstrumentInfo
    from app.config import Settings
    from app.paths import AppPaths

Progress = Callable[[object], None]
CancelCheck = Callable[[], bool]

EMPTY_MESSAGE = "No data yet — Refresh when online, or Import CSV…"
TEST_LOOKBACK_DAYS = 10
TEST_DEADLINE_S = 20.0
#: The longest the analysis waits for the price preview to be painted.
PREVIEW_WAIT_S = 2.0


@dataclass(frozen=True)
class Loaded:
    """What a load + analysis produced: a result, or the reason there is none yet."""

    result: AnalysisResult | None
    instruments: list[InstrumentInfo]
    empty_message: str = ""
    cache_notice: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class FetchReport:
    """The outcome of one refresh, plus the cache state afterwards (for the Data tab)."""

    outcomes: list[Any]
    instruments: list[InstrumentInfo]
    cancelled: bool = False

    @property
    def new_bars(self) -> int:
        return sum(o.new_bars for o in self.outcomes if o.ok)

    @property
    def failures(self) -> list[Any]:
        return [o for o in self.outcomes if not o.ok and not isinstance(o.error, CancelledError)]


@dataclass(frozen=True)
class TestReport:
    """The result of checking one instrument against its source (nothing is stored)."""

    key: str
    bars: int
    last_date: dt.date | None
    currency: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def message(self) -> str:
        when = f", latest {self.last_date.isoformat()}" if self.last_date else ""
        currency = f" in {self.currency}" if self.currency else ""
        return f"OK: {self.bars} bars{currency}{when}"


def prepare_sources(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Import the network libraries `keys` need (yfinance, ccxt); returns their names.

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
    return names


def list_instruments(db_path: Path) -> list[InstrumentInfo]:
    """Every cached instrument (for the Data tab)."""
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        return cache.instruments()


def load_and_analyse(
    db_path: Path,
    settings: Settings,
    progress: Progress,
    should_cancel: CancelCheck,
    preview_shown: threading.Event | None = None,
) -> Loaded:
    """Load the pair from the cache and analyse it; an empty cache gives the empty-state message.

    Before pandas is even imported, the close prices go out through `progress` as a Preview
    (numpy only). With `preview_shown`, the import waits (bounded) until the window has painted
    them: both need the GIL, and the picture is what the user is waiting for.
    """
    from app.cache import Cache

    began = time.perf_counter()
    with Cache.open(db_path) as cache:
        instruments = cache.instruments()
        try:
            leader = cache.load_arrays(settings.leader)
            follower = cache.load_arrays(settings.follower)
        except UnknownInstrumentError:
            leader = follower = None
        notice = cache.notice
    missing = _missing_message(settings, leader, follower)
    if missing:
        return Loaded(None, instruments, missing, notice, time.perf_counter() - began)
    progress(_preview(settings, leader, follower))
    _wait_for(preview_shown, should_cancel)
    if should_cancel():
        raise CancelledError("Loading was cancelled.")
    from app.bars import bars_from_arrays

    result = analyse(settings, bars_from_arrays(*leader), bars_from_arrays(*follower))
    return Loaded(result, instruments, "", notice, time.perf_counter() - began)


Arrays = tuple["np.ndarray", dict[str, "np.ndarray"]]


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


def _missing_message(settings: Settings, leader: Arrays | None, follower: Arrays | None) -> str:
    if leader is None or follower is None or (not len(leader[0]) and not len(follower[0])):
        return EMPTY_MESSAGE
    pairs = ((settings.leader, leader), (settings.follower, follower))
    names = [k for k, (days, _) in pairs if not len(days)]
    if names:
        return f"No cached bars for {' and '.join(names)} yet — Refresh when online, or Import CSV…"
    return ""


def analyse(settings: Settings, leader: pd.DataFrame, follower: pd.DataFrame) -> AnalysisResult:
    """Run the analysis on bars already in memory (a settings change never refetches)."""
    from app.analysis import AnalysisParams, run_analysis
    from app.key_dates import load_key_dates

    return run_analysis(
        settings.leader,
        leader,
        settings.follower,
        follower,
        AnalysisParams.from_settings(settings),
        load_key_dates(settings.extra_key_dates),
    )


def reanalyse(
    previous: AnalysisResult, settings: Settings, progress: Progress, should_cancel: CancelCheck
) -> Loaded:
    """Re-run the analysis on the previous result's bars with new settings (no I/O at all)."""
    began = time.perf_counter()
    progress("Analysing…")
    result = analyse(settings, previous.leader, previous.follower)
    return Loaded(result, [], "", "", time.perf_counter() - began)


def refresh(
    db_path: Path,
    keys: tuple[str, ...],
    timeout_s: float,
    progress: Progress,
    should_cancel: CancelCheck,
) -> FetchReport:
    """Fetch new bars for `keys`; per-instrument outcomes, never half an instrument stored."""
    from app import fetch

    try:
        outcomes = fetch.refresh(
            db_path, list(keys), timeout_s=timeout_s, progress=progress, should_cancel=should_cancel
        )
        cancelled = should_cancel() or any(
            isinstance(o.error, CancelledError) for o in outcomes if not o.ok
        )
    except CancelledError:
        outcomes, cancelled = [], True
    return FetchReport(list(outcomes), list_instruments(db_path), cancelled)


def import_csv(path: Path, key: str, db_path: Path) -> tuple[str, int]:
    """Import one CSV file as `key`; returns (key, bars stored)."""
    from app.sources.csv_file import import_csv as import_file

    return key, import_file(path, key, db_path)


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
    fetched = source_for(spec, paths).fetch(request)
    last = fetched.bars.index[-1].date() if len(fetched.bars) else None
    return TestReport(spec.key, len(fetched.bars), last, fetched.currency, fetched.notes)


def _test_imported(key: str, db_path: Path) -> TestReport:
    from app.cache import Cache

    with Cache.open(db_path) as cache:
        info = cache.instrument(key)
    if info is None or not info.rows:
        raise UnknownInstrumentError(f"No imported series {key}: use File → Import CSV… first.")
    return TestReport(key, info.rows, info.last_date, info.currency, ("imported series",))
