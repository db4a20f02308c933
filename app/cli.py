"""The command line: `riskcurve [--data-dir DIR] COMMAND …`; no command opens the GUI.

Headless commands call the same app/ functions as the GUI's workers. Exit codes: 0 success,
1 the work failed (e.g. a fetch could not reach the network), 2 bad input. Errors are one line
on stderr. Start-up matters (`status` must stay as quick as importing pandas), so heavy modules
(pandas, yfinance, ccxt, Qt) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.errors import (
    EXIT_FAILED,
    EXIT_OK,
    RiskcurveError,
    exit_code,
    exit_code_of_all,
)
from app.paths import ENV_DATA_DIR, AppPaths, resolve_paths

log = logging.getLogger("riskcurve.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riskcurve",
        description="Riskcurve: does a follower market (Bitcoin) rally after a leader "
        "(Russell 2000) breaks out to a new all-time high? Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"riskcurve {__version__}")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="check that this installation works (Qt, fonts, data sources, cache, analysis, "
        "charts, certificates) without network or display, and exit (0 = all ok)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep cache, settings and logs under DIR (portable mode; also RISKCURVE_DATA_DIR)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_gui(commands)
    _add_import(commands)
    _add_fetch(commands)
    _add_status(commands)
    _add_export(commands)
    from app.report import add_analyze_parser

    add_analyze_parser(commands)
    _add_report(commands)
    return parser


def _add_gui(commands) -> None:
    gui = commands.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument(
        "--screenshot",
        metavar="FILE",
        type=Path,
        help="open the window, wait until the cached data is drawn, save a PNG and exit",
    )


def _add_import(commands) -> None:
    cmd = commands.add_parser("import", help="import a CSV file of daily bars")
    cmd.add_argument("file", type=Path, help="CSV with a Date and a Close column")
    cmd.add_argument(
        "--symbol",
        required=True,
        metavar="KEY",
        help="instrument key, e.g. yahoo:^RUT (a later fetch tops it up) or csv:my-series",
    )


def _add_fetch(commands) -> None:
    cmd = commands.add_parser("fetch", help="download new bars into the cache")
    cmd.add_argument("keys", nargs="*", metavar="KEY", help="instruments (default: settings)")
    cmd.add_argument("--full", action="store_true", help="re-download the whole history")
    cmd.add_argument(
        "--timeout", type=float, metavar="S", help="seconds per instrument (default: settings)"
    )


def _add_status(commands) -> None:
    commands.add_parser("status", help="list cached instruments")


def _add_export(commands) -> None:
    cmd = commands.add_parser("export-csv", help="write cached bars to a CSV file")
    cmd.add_argument("key", metavar="KEY")
    cmd.add_argument("--out", required=True, metavar="FILE")
    cmd.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _add_report(commands) -> None:
    cmd = commands.add_parser(
        "report",
        help="fetch, analyse and write analysis files plus charts.png and cycles.png",
        description="Fetch new bars (unless --offline), analyse the leader and follower from "
        "your settings, and write events.csv, summary.csv, regimes.csv, cycles.csv, "
        "correlation.csv, lead_lag.csv, analysis.json, charts.png and cycles.png into DIR. "
        "Runs without a display.",
    )
    cmd.add_argument("--out", required=True, metavar="DIR", help="output folder")
    cmd.add_argument(
        "--force", action="store_true", help="replace files of an earlier report in DIR"
    )
    cmd.add_argument("--offline", action="store_true", help="use the cache only, no download")
    cmd.add_argument("--width", type=int, default=1920, metavar="PX", help="image width in pixels")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.selftest:  # before any user folder is touched: the self-test writes only to a temp dir
        from widgets.selftest import run_selftest

        return run_selftest()
    try:
        paths = resolve_paths(args.data_dir).check()
    except RiskcurveError as exc:
        print(f"riskcurve: {exc}", file=sys.stderr)
        return exit_code(exc)
    if args.data_dir:
        # Everything resolved later (the sources' yfinance cache folder, child processes) must
        # see the same portable folder as this command.
        os.environ[ENV_DATA_DIR] = str(paths.data.parent)
    from app.logs import setup_logging

    setup_logging(paths)
    return _run(args.command or "gui", args, paths)


def _run(command: str, args: argparse.Namespace, paths: AppPaths) -> int:
    """Run one command: its errors become one line on stderr and the table's exit code."""
    try:
        return _COMMANDS[command](args, paths)
    except RiskcurveError as exc:
        log.info("%s: %s", command, exc)
        print(f"riskcurve: {exc}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt as exc:
        print("riskcurve: interrupted", file=sys.stderr)
        return exit_code(exc)
    except Exception as exc:  # our bug: the log gets the traceback, the user one line
        log.exception("riskcurve %s failed unexpectedly", command)
        print(f"riskcurve: {bug_line(exc, paths)}", file=sys.stderr)
        return EXIT_FAILED


def bug_line(exc: BaseException, paths: AppPaths) -> str:
    """One line about an unexpected error: what it was, that it is a bug, where the details are."""
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return (
        f"unexpected problem ({what}). This is a bug in Riskcurve; the details are in "
        f"{paths.log_file}"
    )


def _gui(args, paths: AppPaths) -> int:
    try:
        from widgets.app import run_gui
    except ImportError as exc:  # a broken Qt install: say what is missing instead of a trace
        print(f"riskcurve: the desktop app cannot start ({exc})", file=sys.stderr)
        return EXIT_FAILED
    return run_gui(paths.ensure(), screenshot=getattr(args, "screenshot", None))


def _import(args, paths: AppPaths) -> int:
    from app.sources.csv_file import import_csv

    count = import_csv(args.file, args.symbol, paths.ensure().database)
    print(f"Imported {count} bars from {args.file} as {args.symbol}")
    return EXIT_OK


def _fetch(args, paths: AppPaths) -> int:
    from app.config import load_settings
    from app.fetch import refresh

    loaded = load_settings(paths.ensure().config)
    if loaded.notice:
        print(f"riskcurve: {loaded.notice}", file=sys.stderr)
    settings = loaded.settings
    keys = args.keys or list(settings.instruments)
    timeout = args.timeout if args.timeout is not None else settings.fetch_timeout_s
    outcomes = refresh(
        paths.database, keys, full=args.full, timeout_s=timeout, progress=_print_progress
    )
    for outcome in outcomes:
        if outcome.skipped:
            print(f"{outcome.key}: imported series, nothing to fetch")
        elif outcome.ok:
            print(f"{outcome.key}: {outcome.new_bars} new bars")
            for note in outcome.notes:
                print(f"riskcurve: {outcome.key}: {note}", file=sys.stderr)
        else:
            print(f"riskcurve: {outcome.key}: {outcome.error}", file=sys.stderr)
    return exit_code_of_all([o.error for o in outcomes if not o.ok and o.error is not None])


def _print_progress(event) -> None:
    if sys.stderr.isatty():
        print(f"\r[{event.index + 1}/{event.count}] {event.message}\033[K", end="", file=sys.stderr)
        if event.total and event.done >= event.total:
            print(file=sys.stderr)


def _status(args, paths: AppPaths) -> int:
    from app.cache import Cache
    from app.status import format_status

    if not paths.database.exists():
        print("No cached instruments yet (riskcurve fetch, or riskcurve import FILE --symbol KEY).")
        return EXIT_OK
    with Cache.open(paths.database) as cache:
        if cache.notice:
            print(f"riskcurve: {cache.notice}", file=sys.stderr)
        print(format_status(cache.instruments()))
    return EXIT_OK


def _export(args, paths: AppPaths) -> int:
    from app.outputs import output_path
    from app.sources.csv_file import export_csv

    out = output_path(args.out)
    count = export_csv(args.key, out, paths.database, replace=args.force)
    print(f"Wrote {count} bars of {args.key} to {out}")
    return EXIT_OK


def _analyze(args, paths: AppPaths) -> int:
    from app.report import run_analyze

    return run_analyze(args, paths)


def _report(args, paths: AppPaths) -> int:
    from widgets.headless import run_report

    return run_report(args, paths.ensure())


_COMMANDS = {
    "gui": _gui,
    "import": _import,
    "fetch": _fetch,
    "status": _status,
    "export-csv": _export,
    "analyze": _analyze,
    "report": _report,
}
