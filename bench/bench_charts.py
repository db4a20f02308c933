"""Benchmark of the linked chart stack: frame times while panning and zooming huge series.

Builds an analysis result whose leader and follower each have 1,000,000 daily bars (through the
real `run_analysis`, so every pane is full: prices, all-time high, correlation, volatility,
hundreds of breakouts and thousands of shaded bull phases), shows the stack off screen and times
frames. Each frame replays what pyqtgraph does for one mouse event (a drag step: translate the
view and signal a manual change; a wheel step: scale it; a plain move: the scene's move signal
for the crosshair) and then lets Qt process what that causes, up to one paint of the charts.
(Offscreen, Qt's synthetic mouse events do not reliably reach the scene; the Qt dispatch they
skip costs microseconds.) Reports wall time (what a user waits) and the process's CPU time
(the same work without the noise of other programs), median and 95th percentile, for two
window sizes.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_charts.py [--bars N] [--frames N]
       [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPointF  # noqa: E402  (after the platform is chosen)
from PySide6.QtWidgets import QApplication  # noqa: E402  (after the platform is chosen)

from app.analysis import AnalysisParams, run_analysis  # noqa: E402  (needs sys.path)
from app.bars import EPOCH_DAY_SECONDS, bars_from_arrays  # noqa: E402  (needs sys.path)
from app.key_dates import load_key_dates  # noqa: E402  (needs sys.path)
from app.signals.regimes import RegimeRule  # noqa: E402  (needs sys.path)

LEADER_KEY, FOLLOWER_KEY = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
DAY = float(EPOCH_DAY_SECONDS)
SIZES = ((1600, 1000), (1280, 720))
Step = Callable[[], None]


def synthetic_result(bars: int, seed: int = 3):
    """Leader and follower with `bars` daily closes each, analysed for real.

    Random walks in log price, with daily moves scaled by 1/sqrt(bars / 10,000) so that even
    a million bars stay within a realistic few decades of price (an unscaled walk would drift
    over a hundred decades, which no market does and which no axis can label readably).
    """
    rng = np.random.default_rng(seed)
    days = np.arange(bars)
    shrink = max(1.0, (bars / 10_000) ** 0.5)
    leader = 100 * np.exp(np.cumsum(rng.normal(0.0002 / shrink**2, 0.011 / shrink, bars)))
    follower = 0.1 * np.exp(np.cumsum(rng.normal(0.0003 / shrink**2, 0.035 / shrink, bars)))
    nan = np.full(bars, np.nan)

    def frame(close):
        columns = {"open": nan, "high": close, "low": nan, "close": close, "volume": nan}
        return bars_from_arrays(days, columns)

    params = AnalysisParams(bootstrap_draws=100, follower_regime=RegimeRule(bull=0.3, bear=0.3))
    return run_analysis(
        LEADER_KEY, frame(leader), FOLLOWER_KEY, frame(follower), params, load_key_dates()
    )


def frame_times(
    app: QApplication, steps: list[Step], stack, skip_idle: bool = True
) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) per frame: one input step, until the charts have painted it.

    Qt paints on its own schedule (a coalesced update request), so after the step the event
    loop runs until the canvas reports a finished paint. Steps that change nothing (a wheel
    step at a zoom limit, a mouse move within the same pixel) are counted and left out.
    """
    view = stack.graphics_view()
    wall, cpu, idle = [], [], 0
    for step in steps:
        began, began_cpu = time.perf_counter(), time.process_time()
        painted, shown = view.paint_count, (stack.x_range(), view.crosshair.position())
        step()
        app.processEvents()
        if skip_idle and (stack.x_range(), view.crosshair.position()) == shown:
            idle += 1
            continue
        while view.paint_count == painted and time.perf_counter() - began < 1.0:
            app.processEvents()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    if idle:
        print(f"  ({idle} steps changed nothing on screen and are left out)")
    return wall, cpu


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(name: str, times: tuple[list[float], list[float]]) -> dict:
    wall, cpu = times
    row = {
        "scenario": name,
        "frames": len(wall),
        "median": statistics.median(wall),
        "p95": _percentile(wall, 0.95),
        "cpu_median": statistics.median(cpu),
        "cpu_p95": _percentile(cpu, 0.95),
    }
    print(
        f"{name:<52} {len(wall):>4} frames  wall median {row['median']:6.1f} ms  "
        f"p95 {row['p95']:6.1f}  |  CPU median {row['cpu_median']:6.1f} ms  "
        f"p95 {row['cpu_p95']:6.1f}",
        flush=True,
    )
    return row


def _drag_by(view_box, pixels: float) -> None:
    """What pyqtgraph's ViewBox does for a mouse drag of `pixels` to the right (pan mode)."""
    per_pixel = view_box.viewRange()[0][1] - view_box.viewRange()[0][0]
    view_box.translateBy(x=-pixels * per_pixel / view_box.width())
    view_box.sigRangeChangedManually.emit(view_box.state["mouseEnabled"])


def _wheel(view_box, delta: int) -> None:
    """What pyqtgraph's ViewBox does for a wheel step at the middle of the pane."""
    factor = 1.02 ** (delta * view_box.state["wheelScaleFactor"])
    (x0, x1), (y0, y1) = view_box.viewRange()
    view_box.scaleBy(x=factor, y=None, center=((x0 + x1) / 2, (y0 + y1) / 2))
    view_box.sigRangeChangedManually.emit(view_box.state["mouseEnabled"])


def drag_frames(app, stack, span_days: float, frames: int) -> tuple[list[float], list[float]]:
    """Drag the follower pane left and right, `frames` mouse moves.

    The window shows `span_days` and starts in the middle of the room the pan limits leave,
    so every move really moves the view (steps of 1/40 of the width, less if room is short).
    """
    lo, hi = stack.graphics_view().content.x_bounds
    pad = max((hi - lo) * 0.05, 30 * DAY) * 0.99
    span = min(span_days * DAY, (hi - lo) * 0.98)
    room = (hi + pad) - (lo - pad) - span
    start = lo - pad + room / 2
    stack.set_x_range((start, start + span))
    app.processEvents()
    view_box = stack.plots()[1].vb
    half_room_px = room / 2 * view_box.width() / span * 0.9
    dx = max(1.0, min(view_box.width() / 40, half_room_px / max(frames / 4, 1)))
    moves = [dx] * (frames // 4) + [-dx] * (frames // 2) + [dx] * (frames - 3 * (frames // 4))
    return frame_times(app, [lambda m=m: _drag_by(view_box, m) for m in moves], stack)


def wheel_frames(app, stack, frames: int) -> tuple[list[float], list[float]]:
    """Wheel steps over the follower pane: zoom in, then back out."""
    stack.show_all()
    app.processEvents()
    view_box = stack.plots()[1].vb
    half = frames // 2
    steps = [lambda d=d: _wheel(view_box, d) for d in [120] * half + [-120] * (frames - half)]
    return frame_times(app, steps, stack)


def hover_frames(app, stack, frames: int) -> tuple[list[float], list[float]]:
    """Mouse moves across the follower pane (the scene's move signal drives the crosshair)."""
    view_box = stack.plots()[1].vb
    scene = stack.graphics_view().scene()
    rect = view_box.sceneBoundingRect()
    points = [
        QPointF(rect.left() + rect.width() * f, rect.center().y())
        for f in np.linspace(0.2, 0.8, frames)
    ]
    return frame_times(app, [lambda p=p: scene.sigMouseMoved.emit(p) for p in points], stack)


def scenarios(app: QApplication, stack, bars: int, frames: int) -> list[dict]:
    drag_frames(app, stack, 100, 8)  # warm-up
    years = bars / 365.25
    rows = [
        summary(
            f"drag, all dates visible (~{years:,.0f} years)", drag_frames(app, stack, bars, frames)
        ),
        summary("drag, 100 years visible", drag_frames(app, stack, 36_500, frames)),
        summary("drag, 2 years visible", drag_frames(app, stack, 730, frames)),
        summary("wheel zoom in and out", wheel_frames(app, stack, frames)),
    ]
    stack.set_log(False)
    rows.append(summary("drag, 100 years, linear axes", drag_frames(app, stack, 36_500, frames)))
    stack.set_log(True)
    stack.set_compare(True)
    rows.append(summary("drag, 100 years, compare mode", drag_frames(app, stack, 36_500, frames)))
    stack.set_compare(False)
    rows.append(summary("mouse move: crosshair + readout", hover_frames(app, stack, frames)))
    return rows


def run(bars: int, frames: int) -> dict[tuple[int, int], list[dict]]:
    app = QApplication.instance() or QApplication([])
    from widgets.charts.stack import ChartStack

    print(f"building a {bars:,}-bar analysis …", flush=True)
    result = synthetic_result(bars)
    results = {}
    for width, height in SIZES:
        print(f"window {width}×{height}", flush=True)
        stack = ChartStack()
        stack.resize(width, height)
        stack.show()
        app.processEvents()
        began = time.perf_counter()
        stack.set_result(result)
        app.processEvents()
        first = (time.perf_counter() - began) * 1000
        rows = [summary(f"set_result + first paint ({bars:,} bars × 2)", ([first], [first]))]
        rows += scenarios(app, stack, bars, frames)
        rows.append(real_size_draw(app, width, height))
        results[(width, height)] = rows
        stack.close()
    return results


def real_size_draw(app: QApplication, width: int, height: int) -> dict:
    """Redraw a result of real size (^RUT since 1987 and BTC since 2010 are ~10,000 bars)."""
    from widgets.charts.stack import ChartStack

    result = synthetic_result(10_000)
    stack = ChartStack()
    stack.resize(width, height)
    stack.show()
    app.processEvents()
    steps = [(lambda: stack.set_result(result))] * 7
    wall, cpu = frame_times(app, steps, stack, skip_idle=False)
    stack.close()
    return summary("redraw a 10,000-bar result (set_result + paint)", (wall[1:], cpu[1:]))


def markdown(results: dict[tuple[int, int], list[dict]], bars: int) -> str:
    lines = [
        "## Charts (bench/bench_charts.py)",
        "",
        f"Machine: {platform.machine()}, CPython {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work, Qt offscreen platform (software "
        f"raster, as on screen), leader and follower {bars:,} daily bars each, all four panes "
        "full. A frame = one pan/zoom step + the single paint that follows it.",
        "",
    ]
    for (width, height), rows in results.items():
        lines += [
            f"Window {width}×{height}:",
            "",
            "| scenario | frames | wall median ms | wall p95 ms | CPU median ms | CPU p95 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['scenario']} | {r['frames']} | {r['median']:.1f} | {r['p95']:.1f} | "
            f"{r['cpu_median']:.1f} | {r['cpu_p95']:.1f} |"
            for r in rows
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    results = run(args.bars, args.frames)
    if args.markdown:
        args.markdown.write_text(markdown(results, args.bars), encoding="utf-8")


if __name__ == "__main__":
    main()
