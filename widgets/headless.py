"""`riskcurve report --out DIR [--offline] [--width PX]`: the GUI's outputs without a window.

Fetches new bars (unless --offline), analyses the cached pair with the user's settings, and
writes the files of `analyze --out` plus charts.png, cycles.png and ladder.png (the ladder's
rung table and pair matrix, from the cache), rendered offscreen. Exit
codes: 0 done; 1 the work failed (nothing to draw, a file could not be written); 2 bad input.
A failed download is reported but does not stop the report: the cache is still drawn.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, RiskcurveError, exit_code
from app.outputs import check_targets, output_path
from app.paths import AppPaths
from app.report import ANALYSIS_FILES

if TYPE_CHECKING:
    from app.provenance import Sources

REPORT_FILES = [*ANALYSIS_FILES, "charts.png", "cycles.png", "ladder.png"]


def run_report(args: argparse.Namespace, paths: AppPaths) -> int:
    """Run `report`; prints one line per file written, errors as one line on stderr."""
    from app.settings_file import load_settings

    loaded = load_settings(paths.ensure().config)
    if loaded.notice:
        print(f"riskcurve: {loaded.notice}", file=sys.stderr)
    settings = loaded.settings
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.charts.image_export import check_width

    try:
        width = check_width(args.width)
    except ValueError as exc:
        print(f"riskcurve: --width: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    force = getattr(args, "force", False)
    try:
        out_dir = output_path(args.out)
        check_targets(out_dir, REPORT_FILES, replace=force)  # before any download or drawing
        if not args.offline:
            _fetch(paths, settings)
        result, sources = _analyse(paths, settings)
        written = _write(result, out_dir, sources, width, force)
        written.append(_ladder_page(paths, settings, out_dir, width))
    except RiskcurveError as exc:
        print(f"riskcurve: {exc}", file=sys.stderr)
        return exit_code(exc)
    except ValueError as exc:
        print(f"riskcurve: cannot draw the report for {args.out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(path)
    return EXIT_OK


def _fetch(paths: AppPaths, settings: Any) -> None:
    """Top up the pair and the ladder; failures are reported and the report goes on with the
    cache."""
    from app.fetch import refresh

    keys = list(dict.fromkeys([settings.leader, settings.follower, *settings.ladder]))
    for outcome in refresh(paths.database, keys, timeout_s=settings.fetch_timeout_s):
        if not outcome.ok:
            print(f"riskcurve: {outcome.key}: {outcome.error} (using cached data)", file=sys.stderr)


def _analyse(paths: AppPaths, settings: Any) -> tuple[Any, Sources]:
    from app.pipeline import analyse_cached

    return analyse_cached(paths.database, settings)


def _write(result: Any, out_dir: Path, sources: Sources, width: int, force: bool) -> list[Path]:
    from app.report import write_analysis_files
    from widgets.charts.report_images import render_report_pngs

    written = write_analysis_files(result, out_dir, sources, replace=force)
    return written + render_report_pngs(result, out_dir, sources, width)


def _ladder_page(paths: AppPaths, settings: Any, out_dir: Path, width: int) -> Path:
    """ladder.png: the scan of the ladder setting at the headline horizon (cache only)."""
    import datetime as dt

    from app.ladder.scan import scan_cache
    from widgets.charts.ladder_image import render_ladder_png

    scan = scan_cache(paths.database, settings)
    last = max((r.last_date for r in scan.rungs if r.last_date), default=None)
    data = f"data to {last.isoformat()}" if last else "no cached data"
    made = dt.datetime.now(dt.UTC).date().isoformat()
    caption = f"Riskcurve · {data} · made {made} · cached bars only, never the network"
    return render_ladder_png(scan, out_dir / "ladder.png", width, caption)
