"""The one interface every network source implements.

A source turns an `InstrumentSpec` and a start date into normalised bars (see app.bars) or
raises one of app.errors' FetchError subclasses with a plain message. It never touches the
cache: app.fetch stores what it returns in one transaction, so a failed or cancelled fetch
leaves the cache exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from app.instruments import InstrumentSpec

#: progress(done, total, message): total may be 0 when unknown.
ProgressCallback = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


def no_progress(done: int, total: int, message: str) -> None:
    """Default progress callback: ignore."""


def never_cancel() -> bool:
    """Default cancel check: never."""
    return False


@dataclass(frozen=True)
class FetchRequest:
    """What to fetch and within which limits.

    `start` is the first trading date wanted (None: from the very beginning). `deadline_s` bounds
    the whole fetch of this instrument, all pages and retries included.
    """

    spec: InstrumentSpec
    start: dt.date | None = None
    deadline_s: float = 60.0
    progress: ProgressCallback = no_progress
    should_cancel: CancelCheck = never_cancel


@dataclass(frozen=True)
class FetchResult:
    """Validated bars plus what the provider told us about the instrument."""

    bars: pd.DataFrame
    currency: str = ""
    timezone: str = ""
    requests: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


class Source(Protocol):
    """A provider of daily bars."""

    name: str

    def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch daily bars from request.start (inclusive) to today."""
        ...
