"""The `analyze` command and the writers of analysis files (also used by the GUI and `report`).

`analyze` reads the local cache only, never the network: it is safe to script, and gives the
same numbers offline as online. Exit codes: 0 done; 2 bad parameters or unusable data (one
line on stderr, e.g. an instrument that is not cached); 1 when the output cannot be written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import numbers
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import (
    EXIT_OK,
    RiskcurveError,
    exit_code,
)
from app.formatting import clean_number, day, is_missing
from app.report_table import format_table
from app.signals.regimes import REGIME_AT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.paths import AppPaths
    from app.provenance import Sources

FORMATS = ("table", "csv", "json")
EVENT_COLUMNS = ("date", "level", "prior_ath_date", "prior_ath", "gap_days", "pct_above")
#: The follower's phase at each breakout (app.signals.regimes.regime_at), after era_pct_<h>d.
REGIME_EVENT_COLUMNS = REGIME_AT_COLUMNS
#: Whole numbers of days held as floats (NaN when missing), written as integers.
WHOLE_DAY_COLUMNS = ("regime_days", "regime_days_left")


def add_analyze_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `analyze`; every default not given comes from the user's settings file."""
    from app.setting_options import add_setting_options

    cmd = subparsers.add_parser(
        "analyze",
        help="breakouts of a leader and what a follower did next (cache only, no network)",
        description="Find the leader's breakouts (all-time highs after a long consolidation) "
        "and measure the follower's returns after them against its base rate. Reads the "
        "local cache only. Options not given come from your settings; percentages are "
        "typed as 20 or 20%.",
    )
    add_setting_options(cmd)
    cmd.add_argument("--format", choices=FORMATS, default="table", help="stdout format")
    cmd.add_argument(
        "--out",
        metavar="DIR",
        help="also write events.csv, summary.csv, regimes.csv, cycles.csv, correlation.csv, "
        "correlation_by_year.csv, lead_lag.csv and analysis.json into DIR (created if needed)",
    )
    cmd.add_argument(
        "--force", action="store_true", help="replace those files if DIR already has them"
    )
    return cmd


def run_analyze(args: argparse.Namespace, paths: AppPaths) -> int:
    """Run `analyze`; bad parameters or data print `riskcurve: <reason>` and return 2."""
    from app.outputs import check_targets, output_path

    try:
        out = output_path(args.out) if args.out is not None else None
        if out is not None:  # before the work: a refused file costs nothing
            check_targets(out, list(ANALYSIS_FILES), replace=args.force)
        result, sources = _analyze_cached(args, paths)
        if out is not None:  # first, so a failed write prints no half-result
            written = write_analysis_files(result, out, sources, replace=args.force)
            print(f"Wrote {len(written)} files to {out}", file=sys.stderr)
        print(_RENDERERS[args.format](result, sources), end="")
    except RiskcurveError as exc:
        print(f"riskcurve: {exc}", file=sys.stderr)
        return exit_code(exc)
    return EXIT_OK


def _analyze_cached(args: argparse.Namespace, paths: AppPaths) -> tuple[AnalysisResult, Sources]:
    from app.pipeline import analyse_cached
    from app.setting_options import settings_from_args
    from app.settings_file import load_settings

    loaded = load_settings(paths.config)
    if loaded.notice:
        print(f"riskcurve: {loaded.notice}", file=sys.stderr)
    return analyse_cached(paths.database, settings_from_args(loaded.settings, args))


# ---------------------------------------------------------------------------------------------
# Values and CSV


def _cell(value: Any) -> str:
    """A CSV cell: dates as YYYY-MM-DD, numbers clean (app.formatting.clean_number: 10
    significant digits, whole numbers without ".0"), missing empty."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):  # frames hand over Python bools (itertuples, tolist)
        return "true" if value else "false"
    if hasattr(value, "strftime"):
        return day(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(clean_number(float(value)))
    return str(value)


def _json_value(value: Any) -> Any:
    """The JSON form of a frame cell: null when missing, YYYY-MM-DD dates, plain numbers."""
    if is_missing(value):
        return None
    if isinstance(value, bool | str):
        return value
    if hasattr(value, "strftime"):
        return day(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return clean_number(float(value))
    return str(value)


def _csv_text(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def frame_csv_text(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> str:
    """Selected columns of a frame as CSV text (see _cell for the value format)."""
    columns = list(frame.columns if columns is None else columns)
    return _csv_text(columns, _with_whole_days(frame[columns]).itertuples(index=False, name=None))


def _with_whole_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with WHOLE_DAY_COLUMNS as Python ints (None when missing): 243, not 243.0."""
    present = [c for c in WHOLE_DAY_COLUMNS if c in frame.columns]
    if not present:
        return frame
    frame = frame.copy()
    for column in present:
        frame[column] = [None if is_missing(v) else int(v) for v in frame[column]]
    return frame


def event_columns(result: AnalysisResult) -> list[str]:
    """The events table's columns: the breakout fields, fwd_<h>d for each horizon, then each
    event's era percentile per horizon (era_pct_<h>d), the follower's phase at the breakout
    and the rough-data mark."""
    horizons = result.params.horizons
    return [
        *EVENT_COLUMNS,
        *(f"fwd_{h}d" for h in horizons),
        *(f"era_pct_{h}d" for h in horizons),
        *REGIME_EVENT_COLUMNS,
        "rough_data",
    ]


def breakouts_csv_text(result: AnalysisResult) -> str:
    """The breakout table exactly as `analyze --format csv` prints it."""
    return frame_csv_text(result.breakouts, event_columns(result))


def regimes_csv_text(result: AnalysisResult) -> str:
    """Both instruments' phases: role, key, start, end, kind, return."""
    rows = []
    for role, key, frame in (
        ("leader", result.leader_key, result.leader_regimes),
        ("follower", result.follower_key, result.follower_regimes),
    ):
        rows += [(role, key, *r) for r in frame.itertuples(index=False, name=None)]
    return _csv_text(("role", "key", "start", "end", "kind", "return"), rows)


def correlation_csv_text(result: AnalysisResult) -> str:
    """Rolling correlation of daily log returns: date, correlation."""
    series = result.correlation
    return _csv_text(("date", "correlation"), zip(series.index, series.to_numpy(), strict=True))


def analysis_document(
    result: AnalysisResult, sources: Sources, generated_at: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything needed to reproduce and read the run, as plain JSON-ready values."""
    import dataclasses

    from app import __version__
    from app.signals.correlation import lead_lag_note

    generated_at = generated_at or dt.datetime.now(dt.UTC)
    state = dataclasses.asdict(result.leader_state)
    return {
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "riskcurve_version": __version__,
        "seed": result.seed,
        "parameters": json.loads(json.dumps(dataclasses.asdict(result.params))),
        "event_study": event_study_method(result),
        "instruments": {
            "leader": _instrument_entry(result.leader_key, result.leader, sources),
            "follower": _instrument_entry(result.follower_key, result.follower, sources),
        },
        "key_dates": [dataclasses.asdict(k) for k in result.key_dates],
        "leader_state": {k: _json_value(v) for k, v in state.items()},
        "breakouts": _records(_with_whole_days(result.breakouts)),
        "follower_bull_share": _json_value(result.follower_bull_share),
        "summary": _records(result.summary),
        "correlation_by_year": _records(result.correlation_by_year),
        "lead_lag": _records(result.lead_lag),
        "lead_lag_note": lead_lag_note(result.lead_lag),
        "cycles": _records(result.cycles),
        "notes": list(result.notes),
    }


def event_study_method(result: AnalysisResult) -> dict[str, Any]:
    """The event study's method and parameters (app.signals.event_study.method_record)."""
    from app.signals.event_study import method_record

    p = result.params
    record = method_record(p.era_days, p.bootstrap_draws, p.seed)
    return {**record, "non_overlapping": p.non_overlapping}


def _instrument_entry(key: str, bars: pd.DataFrame, sources: Sources) -> dict:
    from app.instruments import parse_key
    from app.provenance import source_of, sources_record

    return {
        "key": key,
        "label": parse_key(key).label,
        "source": source_of(key, sources),
        "sources": sources_record(sources.get(key, ())),
        "first_date": _cell(bars.index[0]) if len(bars) else None,
        "last_date": _cell(bars.index[-1]) if len(bars) else None,
        "bars": len(bars),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    return [
        {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def analysis_json_text(result: AnalysisResult, sources: Sources) -> str:
    """analysis.json's content (strict JSON: missing and non-finite values are null)."""
    return strict_json_text(analysis_document(result, sources))


def strict_json_text(document: Any) -> str:
    """`document` as strict JSON, every NaN and ±inf (at any depth) written as null.

    The one JSON writer of analysis output: extreme prices make ratios overflow to inf, and
    strict JSON has no spelling for it, so a number that is not finite is "no number".
    """
    return json.dumps(_finite_or_null(document), indent=2, allow_nan=False) + "\n"


def _finite_or_null(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_null(v) for v in value]
    return value


ANALYSIS_FILES = (
    "events.csv",
    "summary.csv",
    "regimes.csv",
    "cycles.csv",
    "correlation.csv",
    "correlation_by_year.csv",
    "lead_lag.csv",
    "analysis.json",
)


def write_analysis_files(
    result: AnalysisResult, out_dir: Path, sources: Sources, *, replace: bool = False
) -> list[Path]:
    """Write the analysis files into out_dir (created if needed); returns the paths written.

    Through app.outputs: every file is whole or absent, links and devices are refused, and an
    existing file is replaced only with `replace` (all are checked before any is written).
    """
    from app.outputs import write_files

    texts = (
        breakouts_csv_text(result),
        frame_csv_text(result.summary),
        regimes_csv_text(result),
        frame_csv_text(result.cycles),
        correlation_csv_text(result),
        frame_csv_text(result.correlation_by_year),
        frame_csv_text(result.lead_lag),
        analysis_json_text(result, sources),
    )
    return write_files(out_dir, dict(zip(ANALYSIS_FILES, texts, strict=True)), replace=replace)


_RENDERERS: dict[str, Callable[[AnalysisResult, Sources], str]] = {
    "table": lambda result, sources: format_table(result),
    "csv": lambda result, sources: breakouts_csv_text(result),
    "json": analysis_json_text,
}
