"""What the GUI's jobs hand back: one small frozen dataclass per job result.

A worker's `returned` signal carries one of these (as superqt types its workers), so the window
and the session read named fields, never a tuple or a list of anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.errors import CancelledError

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from app.cache import InstrumentInfo
    from app.cache.history import Changes
    from app.chart_input import ChartInput
    from app.fetch import FetchOutcome
    from app.instruments import InstrumentKey
    from app.ladder.alerts import Alert

Instruments = tuple["InstrumentInfo", ...]


@dataclass(frozen=True)
class Loaded:
    """What a load + analysis produced: a result, or the reason there is none yet.

    `missing` names the instruments of the pair with no cached bars: the result then shows the
    other one alone (a leader without follower still has its breakouts).
    """

    result: AnalysisResult | None
    instruments: Instruments
    empty_message: str = ""
    cache_notice: str = ""
    missing: tuple[str, ...] = ()
    chart: ChartInput | None = None  # the result's drawing (app.chart_input)
    #: The bars analysed: app.chart_snapshot.bars_digest and the cache's summary of them.
    bars_names: tuple[str, str] = ("", "")
    chart_kept: bool = False  # the drawing is the one already on disk


@dataclass(frozen=True)
class CacheContents:
    """The cache's instrument list (the Data tab), read on its own."""

    instruments: Instruments


@dataclass(frozen=True)
class InstrumentFetched:
    """A refresh in progress: one instrument has finished, and the cache list afterwards."""

    outcome: FetchOutcome
    instruments: Instruments


@dataclass(frozen=True)
class FetchProgress:
    """How far a refresh has come: overall fraction (0..1) and a short label for the bar."""

    fraction: float
    text: str
    key: str = ""


@dataclass(frozen=True)
class FetchReport:
    """The outcome of one refresh, plus the cache state afterwards (for the Data tab)."""

    outcomes: tuple[FetchOutcome, ...]
    instruments: Instruments
    cancelled: bool = False
    #: The alerts this refresh raised for the first time (app.ladder.watch), newest event first.
    alerts: tuple[Alert, ...] = ()
    alert_error: str = ""  # why alerts could not be stored (the bars were)

    @property
    def new_bars(self) -> int:
        return sum(o.new_bars for o in self.outcomes if o.ok)

    @property
    def failures(self) -> tuple[FetchOutcome, ...]:
        return tuple(
            o for o in self.outcomes if not o.ok and not isinstance(o.error, CancelledError)
        )

    @property
    def notes(self) -> tuple[tuple[str, str], ...]:
        """(key, note) for what the sources said about the data they returned."""
        return tuple((o.key, note) for o in self.outcomes for note in o.notes)


@dataclass(frozen=True)
class Imported:
    """A CSV import that succeeded: the instrument, the file's bar count and what it changed."""

    key: InstrumentKey
    count: int
    changes: Changes | None = None


@dataclass(frozen=True)
class Deleted:
    """An instrument removed from the cache (its bars kept as a version for `restore`)."""

    key: InstrumentKey


@dataclass(frozen=True)
class ImportProgress:
    """How far a CSV import has read its file: fraction (0..1) and a label for the bar."""

    fraction: float
    text: str


@dataclass(frozen=True)
class SourcesReady:
    """The download libraries imported ahead of the first Refresh."""

    modules: tuple[str, ...]


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
