"""Where an instrument's bars come from: recorded per bar, described in ONE place.

Every stored bar references a provenance row (app/cache): a file (its name and the import
time) or a provider (`yahoo`, `ccxt:bitstamp` and the fetch time). The cache keeps, per
instrument, the runs of consecutive days that came from the same origin (`SourceSpan`).
`describe_sources` turns those runs into the one sentence that captions, the Data tab, the
`status` table and analysis.json show ("CSV file BTC_USD_daily.csv to 2026-03-03, then
Bitstamp via ccxt"); no other code names a data source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import InvalidKeyError
from app.instruments import InstrumentSpec, parse_key

FILE, PROVIDER, UNKNOWN = "file", "provider", "unknown"
#: The most runs a sentence names; a history patched together from more is summarised.
MAX_RUNS_NAMED = 4
_PROVIDER_NAMES = {"yahoo": "Yahoo Finance"}


@dataclass(frozen=True)
class Origin:
    """One origin of bars: kind FILE (name: the file's name, '' when an older Riskcurve did not
    record it), PROVIDER (name: `yahoo` or `ccxt:EXCHANGE`) or UNKNOWN."""

    kind: str
    name: str = ""

    @classmethod
    def file(cls, name: str) -> Origin:
        return cls(FILE, name)

    @classmethod
    def provider_of(cls, spec: InstrumentSpec) -> Origin:
        """The provider a fetch of `spec` asks; an imported series (csv:) has none."""
        if spec.source == "ccxt":
            return cls(PROVIDER, f"ccxt:{spec.exchange}")
        if spec.source == "yahoo":
            return cls(PROVIDER, "yahoo")
        return cls(UNKNOWN)


@dataclass(frozen=True)
class SourceSpan:
    """A run of consecutive cached days of one instrument that came from one origin."""

    origin: Origin
    first_date: dt.date
    last_date: dt.date
    bars: int
    #: The newest import or fetch time among those bars (UTC), None when not known.
    stored_at: dt.datetime | None = None


#: Per instrument key, the runs its cached bars came from (InstrumentInfo.sources).
Sources = Mapping[str, Sequence[SourceSpan]]


def source_of(key: str, sources: Sources | None) -> str:
    """`describe_sources` for `key` as found in `sources`; says so when it is not there."""
    if sources is None or key not in sources:
        return "source not recorded"
    return describe_sources(sources[key], key)


def origin_text(origin: Origin) -> str:
    """ "CSV file BTC_USD_daily.csv", "Yahoo Finance", "Bitstamp via ccxt"."""
    if origin.kind == FILE:
        return f"CSV file {origin.name}" if origin.name else "a CSV file (name not recorded)"
    if origin.kind == PROVIDER:
        if origin.name.startswith("ccxt:"):
            return f"{origin.name.removeprefix('ccxt:').capitalize()} via ccxt"
        return _PROVIDER_NAMES.get(origin.name, origin.name)
    return "unknown (before provenance was recorded)"


def describe_sources(spans: Sequence[SourceSpan], key: str = "") -> str:
    """Where an instrument's data comes from, with dates where the origin changes.

    With no bars stored, says so and names the source a fetch would use (from `key`).
    """
    if not spans:
        planned = _planned_source(key)
        return f"no bars yet ({planned})" if planned else "no bars yet"
    runs = _merge_same_origin(spans)
    if len(runs) > MAX_RUNS_NAMED:
        names = list(dict.fromkeys(origin_text(r.origin) for r in runs))
        latest = origin_text(runs[-1].origin)
        return f"{len(runs)} stretches from {', '.join(names)}; the newest from {latest}"
    parts = [
        origin_text(run.origin) + ("" if i == len(runs) - 1 else f" to {run.last_date:%Y-%m-%d}")
        for i, run in enumerate(runs)
    ]
    return ", then ".join(parts)


def sources_record(spans: Sequence[SourceSpan]) -> list[dict[str, Any]]:
    """The runs as JSON-ready records (analysis.json)."""
    return [
        {
            "kind": run.origin.kind,
            "name": run.origin.name,
            "description": origin_text(run.origin),
            "first_date": run.first_date.isoformat(),
            "last_date": run.last_date.isoformat(),
            "bars": run.bars,
            "stored_at": run.stored_at.isoformat(timespec="seconds") if run.stored_at else None,
        }
        for run in _merge_same_origin(spans)
    ]


def _merge_same_origin(spans: Sequence[SourceSpan]) -> list[SourceSpan]:
    """Neighbouring runs of the same origin as one (the cache already merges them; callers
    may pass runs built elsewhere)."""
    merged: list[SourceSpan] = []
    for span in sorted(spans, key=lambda s: s.first_date):
        last = merged[-1] if merged else None
        if last is not None and last.origin == span.origin:
            times = [t for t in (last.stored_at, span.stored_at) if t is not None]
            merged[-1] = SourceSpan(
                span.origin,
                last.first_date,
                span.last_date,
                last.bars + span.bars,
                max(times) if times else None,
            )
        else:
            merged.append(span)
    return merged


def _planned_source(key: str) -> str:
    try:
        spec = parse_key(key)
    except InvalidKeyError:
        return ""
    origin = Origin.provider_of(spec)
    return origin_text(origin) if origin.kind == PROVIDER else "an imported CSV file"
