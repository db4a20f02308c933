"""CSV import of a 5,000,000-row file: time and peak memory against a floor in the same run.

The file (generated once in a temporary folder, never committed) is Yahoo's export layout,
`Date,Open,High,Low,Close,Adj Close,Volume`, 5,000,000 data rows: the 82,000 days from
1800-01-01 to 2024, each repeated with identical values (the reader takes a repeat once), in
shuffled blocks so the reader cannot rely on order. The floor is reading the same file with
`csv.reader` alone (no checks, nothing kept). Each measurement runs in a child process under
`/usr/bin/time -v` so the peak resident memory is the whole process's.

Targets (issue 10, item 12): peak memory under 10x the file size and under 1 GB.
Run: python bench/bench_csv_import.py [--rows N] [--file PATH]   (prints a Markdown table)
Set RISKCURVE_BENCH_CODE=DIR to measure the importer of another checkout (before/after).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAYS = 82_000
FIRST_DAY = -62_091  # 1800-01-01 as days since 1970-01-01

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        pass
"""
IMPORT = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from app.sources.csv_file import import_csv
with tempfile.TemporaryDirectory() as folder:
    print(import_csv(sys.argv[1], "csv:bench", Path(folder) / "c.sqlite3"))
"""


def generate(path: Path, rows: int) -> None:
    import datetime as dt

    import numpy as np

    rng = np.random.default_rng(7)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, DAYS)))
    epoch = dt.date(1970, 1, 1)
    lines = [
        f"{epoch + dt.timedelta(days=FIRST_DAY + d)},{c:.4f},{c * 1.01:.4f},{c * 0.99:.4f},"
        f"{c:.4f},{c:.4f},{1000 + d}\n"
        for d, c in enumerate(close)
    ]
    order = rng.permutation(DAYS)
    with open(path, "w", encoding="utf-8") as out:
        out.write("Date,Open,High,Low,Close,Adj Close,Volume\n")
        written = 0
        while written < rows:
            block = order[: min(DAYS, rows - written)]
            out.write("".join(lines[i] for i in block))
            written += len(block)
            order = np.roll(order, 12_345)


def measure(script: str, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of `python -c script args` under time -v."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    assert wall is not None, result.stderr
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert rss is not None, result.stderr
    return hours * 3600 + minutes * 60 + seconds, int(rss[1]) / 1024, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--file", type=Path, help="reuse (or create) this file")
    args = parser.parse_args()
    code = os.environ.get("RISKCURVE_BENCH_CODE", str(ROOT))
    path = args.file or Path(tempfile.gettempdir()) / f"riskcurve-bench-{args.rows}.csv"
    if not path.exists():
        generate(path, args.rows)
    size_mb = path.stat().st_size / 2**20
    floor_s, floor_mb, _ = measure(FLOOR, str(path))
    import_s, import_mb, stored = measure(IMPORT, str(path), code)
    print(f"File: {args.rows:,} rows, {size_mb:.0f} MB; {stored} distinct days stored")
    print("| step | time (s) | peak RSS (MB) | time / floor | RSS / file size |")
    print("|---|---|---|---|---|")
    print(
        f"| floor: csv.reader only | {floor_s:.1f} | {floor_mb:.0f} | 1.0 | "
        f"{floor_mb / size_mb:.2f} |"
    )
    print(
        f"| riskcurve import | {import_s:.1f} | {import_mb:.0f} | {import_s / floor_s:.1f} | "
        f"{import_mb / size_mb:.2f} |"
    )


if __name__ == "__main__":
    main()
