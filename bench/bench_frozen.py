"""Benchmark of the packaged app: build time, size, and start-up frozen vs from source.

1. Builds the one-folder app from build.spec (as `scripts/dev package` does, into bench/out/)
   and times it; measures the folder unpacked and as a .tar.gz (gzip level 6, like `tar czf`).
2. Imports the real Russell 2000 and Bitcoin history (../shared/data, else synthetic series of
   the same length) into a fresh data folder with the command line.
3. Starts `gui --screenshot` on that cache N times each, alternating the frozen executable and
   `python main.py`, after one discarded warm-up of each. Every run is a new process (cold for
   the process; the OS file cache is warm, as for a user's second start). Two figures per run:
   time to the painted chart (the PNG's modification time minus the spawn time: the app saves it
   as soon as the cached data is drawn) and time until the process has exited.

Usage: python bench/bench_frozen.py [--runs N] [--skip-build] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "frozen"
APP = OUT / "dist" / "riskcurve" / ("riskcurve.exe" if sys.platform == "win32" else "riskcurve")
SHARED_DATA = ROOT.parent / "shared" / "data"
SERIES = (  # key, real file, synthetic length in days, trades every day
    ("yahoo:^RUT", "RUT_daily.csv", 14_000, False),
    ("ccxt:bitstamp:BTC/USD", "BTC_USD_daily.csv", 5_600, True),
)
START_TIMEOUT_S = 300


def build() -> float:
    """Build into bench/out/frozen; seconds taken."""
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean"),
            *("--log-level", "WARN", "--distpath", str(OUT / "dist")),
            *("--workpath", str(OUT / "build"), str(ROOT / "build.spec")),
        ],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` (symbolic links count as links, as on disk)."""
    return sum(
        (Path(base) / name).lstat().st_size for base, _, names in os.walk(folder) for name in names
    )


def archive_bytes(folder: Path) -> int:
    """Size of `folder` as a .tar.gz with gzip's default level (what `tar czf` makes)."""
    target = OUT / f"{folder.name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=folder.name)
    return target.stat().st_size


def make_cache(data_dir: Path, scratch: Path) -> str:
    """Import the leader and follower into `data_dir` with the command line; says what was used."""
    used = []
    for key, file_name, length, every_day in SERIES:
        source = SHARED_DATA / file_name
        if not source.is_file():
            source = scratch / f"synthetic-{length}.csv"
            write_synthetic_csv(source, length, every_day)
        subprocess.run(
            [
                *(sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir)),
                *("import", str(source), "--symbol", key),
            ],
            check=True,
            capture_output=True,
        )
        used.append(f"{key} from {source.name}")
    return "; ".join(used)


def write_synthetic_csv(path: Path, length: int, every_day: bool) -> None:
    """A deterministic wavy uptrend of `length` bars ending today."""
    span = length if every_day else length * 7 // 5 + 7
    day = dt.date.today() - dt.timedelta(days=span)
    rows = ["Date,Close"]
    while len(rows) <= length:
        day += dt.timedelta(days=1)
        if every_day or day.weekday() < 5:
            n = len(rows)
            rows.append(f"{day},{100 * math.exp(n / 3000) * (1.2 + math.sin(n / 300)):.4f}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def time_start(command: list[str], data_dir: Path, shot: Path, cwd: Path) -> tuple[float, float]:
    """(seconds to the saved screenshot, seconds to exit) for one fresh process."""
    shot.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    spawned = time.time()
    started = time.perf_counter()
    subprocess.run(
        [*command, "--data-dir", str(data_dir), "gui", "--screenshot", str(shot)],
        cwd=cwd,
        env=env,
        check=True,
        timeout=START_TIMEOUT_S,
        capture_output=True,
    )
    exited = time.perf_counter() - started
    return shot.stat().st_mtime - spawned, exited


def compare_starts(runs: int, data_dir: Path, scratch: Path) -> dict[str, list[tuple]]:
    """Alternate frozen and source starts; one warm-up each is not counted."""
    commands = {"frozen": [str(APP)], "source": [sys.executable, str(ROOT / "main.py")]}
    times: dict[str, list[tuple]] = {name: [] for name in commands}
    for index in range(runs + 1):
        for name, command in commands.items():
            result = time_start(command, data_dir, scratch / f"{name}.png", scratch)
            if index > 0:
                times[name].append(result)
    return times


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.0f} MB ({size / 2**20:.0f} MiB)"


def report(figures: dict, times: dict[str, list[tuple]]) -> str:
    med = {
        name: [statistics.median(t[i] for t in runs) for i in (0, 1)]
        for name, runs in times.items()
    }
    lines = [
        "## Packaged app (bench/bench_frozen.py)",
        "",
        f"Machine: {platform.machine()}, {platform.system()}, CPython "
        f"{platform.python_version()}, {os.cpu_count()} cores; {figures['when']}.",
        "",
        f"- Build (`scripts/dev package`: PyInstaller --clean, one folder): {figures['build']}",
        f"- Size: {figures['unpacked']} unpacked, {figures['archive']} as .tar.gz",
        f"- Cache: {figures['cache']}",
        "",
        "Start-up to the first painted chart (`gui --screenshot`, offscreen, "
        f"{len(times['frozen'])} runs each, alternating, after one warm-up each; median seconds):",
        "",
        "| run | to painted chart | to exit | all runs, to painted chart |",
        "|---|---|---|---|",
    ]
    for name, runs in times.items():
        each = ", ".join(f"{t[0]:.2f}" for t in runs)
        lines.append(f"| {name} | {med[name][0]:.2f} | {med[name][1]:.2f} | {each} |")
    ratio = med["frozen"][0] / med["source"][0]
    lines += ["", f"Frozen / source, to painted chart: **{ratio:.2f}×** (below 1 = frozen faster)."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed starts of each (default 7)")
    parser.add_argument("--skip-build", action="store_true", help="reuse bench/out/frozen/dist")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table here")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    build_s = None if args.skip_build else build()
    if not APP.is_file():
        sys.exit(f"no built app at {APP}; run without --skip-build")
    folder = APP.parent
    figures = {
        "when": dt.date.today().isoformat(),
        "build": "not rebuilt (--skip-build)" if build_s is None else f"{build_s:.0f} s",
        "unpacked": _megabytes(folder_bytes(folder)),
        "archive": _megabytes(archive_bytes(folder)),
    }
    with tempfile.TemporaryDirectory(prefix="riskcurve-bench-") as scratch_name:
        scratch = Path(scratch_name)
        figures["cache"] = make_cache(scratch / "data", scratch)
        times = compare_starts(args.runs, scratch / "data", scratch)
    text = report(figures, times)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
