"""The `scan` and `alerts` commands, and the alerts `fetch` prints after its per-instrument lines.

Both read the local cache only, never the network. `alerts` lists what refreshes found
(unread ones by default) and does not mark them read: only the window's Alerts list does, so
a cron job that prints them never hides them from the window.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.errors import EXIT_OK

if TYPE_CHECKING:
    from app.paths import AppPaths

FORMATS = ("table", "csv", "json")


def add_scan_parser(subparsers: Any) -> None:
    cmd = subparsers.add_parser(
        "scan",
        help="the ladder: every rung's state and every leader -> follower verdict (cache only)",
        description="Print the ladder's rung table and its pair matrix (the event study of "
        "each leader above each follower) from the local cache, never the network.",
    )
    cmd.add_argument(
        "--ladder", metavar="KEY,KEY,…", help="rungs, safest first (default: settings)"
    )
    cmd.add_argument("--horizon", metavar="H", help="days after each breakout (default: settings)")
    cmd.add_argument("--all-pairs", action="store_true", help="every ordered pair, both ways")
    cmd.add_argument("--format", choices=FORMATS, default="table", help="stdout format")
    cmd.add_argument(
        "--out", metavar="DIR", help="also write ladder.csv, pairs.csv and scan.json into DIR"
    )
    cmd.add_argument("--force", action="store_true", help="replace those files if DIR has them")


def add_alerts_parser(subparsers: Any) -> None:
    cmd = subparsers.add_parser(
        "alerts",
        help="alerts that refreshes raised (unread ones; listing does not mark them read)",
    )
    cmd.add_argument("--all", action="store_true", help="also the ones already read")


def run_scan(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.ladder.output import (
        SCAN_FILES,
        ladder_csv_text,
        pairs_csv_text,
        scan_json_text,
        scan_table,
    )
    from app.ladder.scan import scan_cache
    from app.outputs import check_targets, output_path, write_files

    out = output_path(args.out) if args.out is not None else None
    if out is not None:  # before the work: a refused file costs nothing
        check_targets(out, list(SCAN_FILES), replace=args.force)
    settings, keys, horizon = _scan_inputs(args, paths)
    scan = scan_cache(
        paths.database, settings, keys=keys, horizon=horizon, all_pairs=args.all_pairs
    )
    texts = (ladder_csv_text(scan), pairs_csv_text(scan), scan_json_text(scan))
    if out is not None:
        written = write_files(out, dict(zip(SCAN_FILES, texts, strict=True)), replace=args.force)
        print(f"Wrote {len(written)} files to {out}", file=sys.stderr)
    stdout = {"table": scan_table(scan), "csv": texts[0] + "\n" + texts[1], "json": texts[2]}
    print(stdout[args.format], end="")
    return EXIT_OK


def _scan_inputs(args: argparse.Namespace, paths: AppPaths) -> tuple[Any, Any, int | None]:
    """The settings, the ladder and the horizon, with the options checked by the settings' rules."""
    from app.config import SETTING
    from app.settings_file import load_settings

    loaded = load_settings(paths.config)
    if loaded.notice:
        print(f"riskcurve: {loaded.notice}", file=sys.stderr)
    settings = loaded.settings
    keys = None
    if args.ladder is not None:
        keys = SETTING["ladder"].kind.parse(args.ladder)
        SETTING["ladder"].check(keys, "--ladder")
    horizon = None
    if args.horizon is not None:
        horizon = SETTING["headline_horizon"].kind.parse(args.horizon)
        SETTING["headline_horizon"].check(horizon, "--horizon")
    return settings, keys, horizon


def run_alerts(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.ladder.output import alert_lines
    from app.ladder.watch import stored_alerts

    alerts = stored_alerts(paths.database, unread_only=not args.all)
    if not alerts:
        print("No alerts." if args.all else "No unread alerts (alerts --all lists every one).")
        return EXIT_OK
    print("\n".join(alert_lines(alerts)))
    return EXIT_OK


def print_new_alerts(alerts: Any, alert_error: str) -> None:
    """What `fetch` prints after its per-instrument lines."""
    from app.ladder.output import alert_lines

    if alert_error:
        print(f"riskcurve: alerts could not be stored: {alert_error}", file=sys.stderr)
    if alerts:
        print(f"{len(alerts)} new alert{'s' if len(alerts) != 1 else ''}:")
        print("\n".join(alert_lines(alerts)))
