"""The command line: `riskcurve [--data-dir DIR] COMMAND …`.

This module builds the parser and runs the headless commands, which call the same app/
functions as the GUI's workers. Commands that need Qt (the desktop app, `report`, the
self-test) live outside app/: the entry point (main.py) passes them in as a `Frontend`, so the
core never imports the GUI and stays usable with no Qt installed. Exit codes: 0 success, 1 the
work failed (e.g. a fetch could not reach the network), 2 bad input. Errors are one line on
stderr. Start-up matters (`status` must stay as quick as importing pandas), so heavy modules
(pandas, yfinance, ccxt, Qt) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__, history_commands
from app.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    ConfirmationNeeded,
    RiskcurveError,
    describe_exception,
    exit_code,
    exit_code_of_all,
)
from app.formatting import plural
from app.instruments import InstrumentKey
from app.paths import ENV_DATA_DIR, AppPaths, resolve_paths

if TYPE_CHECKING:
    from app.cache.history import Changes
    from app.fetch import ProgressEvent
    from app.setting_kinds import Setting

#: What add_subparsers returns: the object that registers one command.
Subcommands = Any

log = logging.getLogger("riskcurve.cli")


@dataclass(frozen=True)
class Command:
    """A command defined outside app/: how to add its parser, and how to run it."""

    name: str
    add_parser: Callable[[Subcommands], None]
    run: Callable[[argparse.Namespace, AppPaths], int]


@dataclass(frozen=True)
class Frontend:
    """What the entry point adds to the headless commands.

    Attributes:
        commands: commands registered before the headless ones (e.g. gui, report).
        default: the command run when none is given (None: print the help).
        selftest: runs `--selftest` (the option exists only when this is given).
    """

    commands: tuple[Command, ...] = ()
    default: str | None = None
    selftest: Callable[[], int] | None = None


HEADLESS = Frontend()


def build_parser(frontend: Frontend = HEADLESS) -> argparse.ArgumentParser:
    opens = " Without a command, opens the app." if frontend.default == "gui" else ""
    parser = argparse.ArgumentParser(
        prog="riskcurve",
        description="Riskcurve: does a follower market (Bitcoin) rally after a leader "
        f"(Russell 2000) breaks out to a new all-time high?{opens}",
    )
    parser.add_argument("--version", action="version", version=f"riskcurve {__version__}")
    if frontend.selftest is not None:
        parser.add_argument(
            "--selftest",
            action="store_true",
            help="check that this installation works (Qt, fonts, data sources, cache, "
            "analysis, charts, certificates) without network or display, and exit (0 = all ok)",
        )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep cache, settings and logs under DIR (portable mode; also RISKCURVE_DATA_DIR)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in frontend.commands:
        command.add_parser(commands)
    _add_import(commands)
    _add_fetch(commands)
    _add_status(commands)
    _add_export(commands)
    from app.ladder.command import add_alerts_parser, add_scan_parser

    history_commands.add_parsers(commands)
    from app.report import add_analyze_parser

    add_analyze_parser(commands)
    add_scan_parser(commands)
    add_alerts_parser(commands)
    return parser


def _add_import(commands: Subcommands) -> None:
    cmd = commands.add_parser("import", help="import a CSV file of daily bars")
    cmd.add_argument("file", type=Path, help="CSV with a Date and a Close column")
    cmd.add_argument(
        "--symbol",
        required=True,
        metavar="KEY",
        help="instrument key, e.g. yahoo:^RUT (a later fetch tops it up) or csv:my-series",
    )
    cmd.add_argument(
        "--replace",
        action="store_true",
        help="replace cached days whose values differ (without it such an import only says "
        "what it would change); the replaced bars are kept for `restore`",
    )


def _add_fetch(commands: Subcommands) -> None:
    cmd = commands.add_parser("fetch", help="download new bars into the cache")
    cmd.add_argument("keys", nargs="*", metavar="KEY", help="instruments (default: settings)")
    cmd.add_argument("--full", action="store_true", help="re-download the whole history")
    cmd.add_argument(
        "--timeout",
        metavar="S",
        help="seconds for the whole fetch, all instruments together (fetched at the same "
        f"time); {_timeout_row().range_text()} (default: settings)",
    )


def _add_status(commands: Subcommands) -> None:
    commands.add_parser("status", help="list cached instruments")


def _add_export(commands: Subcommands) -> None:
    cmd = commands.add_parser("export-csv", help="write cached bars to a CSV file")
    cmd.add_argument("key", metavar="KEY")
    cmd.add_argument("--out", required=True, metavar="FILE")
    cmd.add_argument("--force", action="store_true", help="replace FILE if it exists")


def main(argv: Sequence[str] | None = None, frontend: Frontend = HEADLESS) -> int:
    """Run one command line; returns the exit code."""
    parser = build_parser(frontend)
    args = parser.parse_args(argv)
    if getattr(args, "selftest", False) and frontend.selftest is not None:
        # Before any user folder is touched: the self-test writes only to a temp folder.
        return frontend.selftest()
    command = args.command or frontend.default
    if command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
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
    handlers = {**_COMMANDS, **{c.name: c.run for c in frontend.commands}}
    return _run(handlers[command], command, args, paths)


def _run(
    handler: Callable[[argparse.Namespace, AppPaths], int],
    command: str,
    args: argparse.Namespace,
    paths: AppPaths,
) -> int:
    """Run one command: its errors become one line on stderr and the table's exit code."""
    try:
        return handler(args, paths)
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
    return (
        f"unexpected problem ({describe_exception(exc)}). This is a bug in Riskcurve; "
        f"the details are in {paths.log_file}"
    )


def _import(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.cache.history import ReplaceRefused

    key = InstrumentKey(args.symbol)
    try:
        count, changes = _import_with_progress(
            args.file, key, paths.ensure().database, args.replace
        )
    except ReplaceRefused as refused:
        raise ConfirmationNeeded(
            f"{refused} Run again with --replace to replace them (the bars replaced are kept; "
            f"`riskcurve restore {key}` brings them back)."
        ) from None
    what = f"{plural(changes.new_days, 'new day')}"
    if changes.replaces:
        what += (
            f", {changes.changed_days:,} replaced ({plural(changes.changed_values, 'value')} "
            f"changed; the old bars are kept: riskcurve restore {key})"
        )
    print(f"Imported {count} bars from {args.file} as {key}: {what}")
    return EXIT_OK


def _import_with_progress(
    file: Path, key: str, database: Path, replace: bool
) -> tuple[int, Changes]:
    """import_file, showing on stderr how far a long import has read (see TerminalProgress)."""
    from app.sources.csv_file import import_file
    from app.terminal_progress import TerminalProgress

    progress = TerminalProgress(f"reading {file.name}")
    try:
        return import_file(file, key, database, progress, replace=replace)
    finally:
        progress.finish()


def _fetch(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.ladder.command import print_new_alerts
    from app.ladder.watch import refresh_with_alerts
    from app.settings_file import load_settings

    loaded = load_settings(paths.ensure().config)
    if loaded.notice:
        print(f"riskcurve: {loaded.notice}", file=sys.stderr)
    settings = loaded.settings
    keys: list[str] = [InstrumentKey(k) for k in args.keys] or list(settings.instruments)
    timeout = _timeout(args.timeout) if args.timeout is not None else settings.fetch_timeout_s
    watched = refresh_with_alerts(
        paths.database, keys, settings, full=args.full, timeout_s=timeout, progress=_print_progress
    )
    outcomes = watched.outcomes
    for outcome in outcomes:
        if outcome.skipped:
            print(f"{outcome.key}: imported series, nothing to fetch")
        elif outcome.ok:
            print(f"{outcome.key}: {outcome.new_bars} new bars")
            for note in outcome.notes:
                print(f"riskcurve: {outcome.key}: {note}", file=sys.stderr)
        else:
            print(f"riskcurve: {outcome.key}: {outcome.error}", file=sys.stderr)
    print_new_alerts(watched.alerts, watched.alert_error)
    return exit_code_of_all([o.error for o in outcomes if not o.ok and o.error is not None])


def _timeout_row() -> Setting:
    from app.config import SETTINGS

    return next(row for row in SETTINGS if row.name == "fetch_timeout_s")


def _timeout(text: str) -> float:
    """--timeout checked by the download timeout setting's own rule (SettingsError)."""
    row = _timeout_row()
    value = row.kind.parse(text)
    row.check(value, "--timeout")
    return float(value)


def _print_progress(event: ProgressEvent) -> None:
    if sys.stderr.isatty():
        print(f"\r[{event.index + 1}/{event.count}] {event.message}\033[K", end="", file=sys.stderr)
        if event.total and event.done >= event.total:
            print(file=sys.stderr)


def _status(args: argparse.Namespace, paths: AppPaths) -> int:
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


def _export(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.outputs import output_path
    from app.sources.csv_file import export_csv

    out = output_path(args.out)
    key = InstrumentKey(args.key)
    count = export_csv(key, out, paths.database, replace=args.force)
    print(f"Wrote {count} bars of {key} to {out}")
    return EXIT_OK


def _analyze(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.report import run_analyze

    return run_analyze(args, paths)


def _scan(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.ladder.command import run_scan

    return run_scan(args, paths)


def _alerts(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.ladder.command import run_alerts

    return run_alerts(args, paths)


_COMMANDS = {
    "import": _import,
    "delete": history_commands.run_delete,
    "restore": history_commands.run_restore,
    "history": history_commands.run_history,
    "fetch": _fetch,
    "status": _status,
    "export-csv": _export,
    "analyze": _analyze,
    "scan": _scan,
    "alerts": _alerts,
}
