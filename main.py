"""Riskcurve entry point: `python main.py [--data-dir DIR] [COMMAND]` (no command opens the app).

The one module that knows both layers. app/cli builds the command line and runs the headless
commands; the commands that draw with Qt (the desktop app, `report`, `--selftest`) are defined
here and handed to it, so app/ never imports widgets/. Each imports its widgets module only when
it runs, so `status` starts without Qt (bench/bench_cache.py keeps that figure).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.cli import Frontend
    from app.paths import AppPaths

from app.errors import EXIT_FAILED


def _add_gui(commands: Any) -> None:
    gui = commands.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument(
        "--screenshot",
        metavar="FILE",
        type=Path,
        help="open the window, wait until the cached data is drawn, save a PNG and exit",
    )


def _run_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    try:
        # First, so that numpy and app/ are spared PySide6's source scan too (widgets.import_scan).
        from widgets.import_scan import skip_source_scan

        skip_source_scan()
        from widgets.app import run_gui
    except ImportError as exc:  # a broken Qt install: say what is missing instead of a trace
        print(f"riskcurve: the desktop app cannot start ({exc})", file=sys.stderr)
        return EXIT_FAILED
    return run_gui(paths.ensure(), screenshot=getattr(args, "screenshot", None))


def _add_report(commands: Any) -> None:
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


def _run_report(args: argparse.Namespace, paths: AppPaths) -> int:
    from widgets.headless import run_report

    return run_report(args, paths.ensure())


def _run_selftest() -> int:
    from widgets.selftest import run_selftest

    return run_selftest()


def frontend() -> Frontend:
    """The desktop app's commands, for app.cli."""
    from app.cli import Command, Frontend

    return Frontend(
        commands=(Command("gui", _add_gui, _run_gui), Command("report", _add_report, _run_report)),
        default="gui",
        selftest=_run_selftest,
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, GUI commands included."""
    from app.cli import build_parser as build

    return build(frontend())


def run(argv: Sequence[str]) -> int:
    """Run one command line (the arguments after the program name); returns the exit code."""
    from app.cli import main as cli_main

    return cli_main(argv, frontend())


def main() -> int:
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
