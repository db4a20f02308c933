"""Top up cached instruments from their sources: the one function the CLI and the GUI call.

Incremental by default: a fetch asks only for dates from a few days before the last stored bar
(the overlap lets a provisional last bar be corrected); a full fetch replaces the instrument's
bars with the downloaded history. Bars dated after tomorrow (UTC) are dropped with a note.
Each instrument is stored in one transaction after its source returned everything, so a failure
or a cancel leaves the cache as it was; a failure is recorded on the instrument. The GUI runs
this in a worker thread, passing a progress callback and a cancel check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.bars import epoch_days, latest_valid_day
from app.errors import BadDataError, CacheError, CancelledError, RiskcurveError
from app.instruments import InstrumentSpec, parse_key
from app.sources.base import FetchRequest, FetchResult

if TYPE_CHECKING:
    from app.cache import Cache

#: Days re-requested before the last stored bar, so a provisional last bar gets corrected.
OVERLAP_DAYS = 5
_EPOCH = dt.date(1970, 1, 1)


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


def refresh(
    db_path: Path | str,
    keys: Sequence[str],
    *,
    full: bool = False,
    timeout_s: float = 60.0,
    progress: ProgressSink | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> list[FetchOutcome]:
    """Fetch new bars for each key; stops early (CancelledError outcome) when cancelled."""
    from app.cache import Cache

    cancelled = should_cancel or (lambda: False)
    outcomes: list[FetchOutcome] = []
    with Cache.open(db_path) as cache:
        for index, key in enumerate(keys):
            if cancelled():
                outcomes.append(FetchOutcome(key, False, error=_cancelled(key)))
                break
            outcome = _refresh_one(
                cache, key, index, len(keys), full, timeout_s, progress, cancelled
            )
            outcomes.append(outcome)
            if isinstance(outcome.error, CancelledError):
                break
    return outcomes


def _refresh_one(
    cache: Cache,
    key: str,
    index: int,
    count: int,
    full: bool,
    timeout_s: float,
    progress: ProgressSink | None,
    cancelled: Callable[[], bool],
) -> FetchOutcome:
    spec = parse_key(key)
    if spec.source == "csv":
        return FetchOutcome(spec.key, True, skipped=True)

    def report(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(ProgressEvent(spec.key, index, count, done, total, message))

    report(0, 0, f"Fetching {spec.label}…")
    try:
        from app.sources.registry import source_for

        request = FetchRequest(spec, _start(cache, spec, full), timeout_s, report, cancelled)
        result = _without_future_bars(source_for(spec).fetch(request), spec)
        before = _row_count(cache, spec.key)
        cache.store_bars(
            spec.key,
            result.bars,
            source=_source_label(spec),
            currency=result.currency,
            timezone=result.timezone,
            fetched=True,
            replace_all=full,
        )
    except CancelledError as exc:
        return FetchOutcome(spec.key, False, error=exc)
    except RiskcurveError as exc:
        _record(cache, spec.key, exc)
        return FetchOutcome(spec.key, False, error=exc)
    new_bars = _row_count(cache, spec.key) - before
    report(1, 1, f"{spec.label}: {new_bars} new bars")
    return FetchOutcome(spec.key, True, new_bars=new_bars, notes=tuple(result.notes))


def _start(cache: Cache, spec: InstrumentSpec, full: bool) -> dt.date | None:
    """First date to ask for: None (everything) for a full fetch, else just before the last bar.

    A cached bar dated after tomorrow (a typo in a file imported before imports checked it)
    would make every top-up ask for prices from that date on: refused, naming the way out.
    """
    last_day = None if full else cache.last_day(spec.key)
    if last_day is None:
        return None
    last = _EPOCH + dt.timedelta(days=last_day)
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


def _record(cache: Cache, key: str, error: RiskcurveError) -> None:
    # When the cache itself is failing (disk full, locked), recording the error fails too; the
    # caller still gets the outcome with the message.
    with contextlib.suppress(CacheError):
        cache.record_error(key, error)


def _row_count(cache: Cache, key: str) -> int:
    info = cache.instrument(key)
    return info.rows if info else 0


def _source_label(spec: InstrumentSpec) -> str:
    return f"ccxt:{spec.exchange}" if spec.source == "ccxt" else spec.source


def _cancelled(key: str) -> CancelledError:
    return CancelledError(f"Fetch cancelled before {key}; nothing of it was stored.")
