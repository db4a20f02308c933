"""Cache speed against bare-sqlite3 floors measured in the same run.

Targets (issue: foundation):
- write 1,000,000 bars (100 instruments × 10,000 days) within 2× of a bare executemany
  into the same table shape;
- load one 10,000-bar instrument, and all 1,000,000 bars, into DataFrames within 1.5× of a
  bare sqlite3 read of the same rows into numpy arrays;
- `python main.py status` on a cache with 10 instruments within 1.2× of
  `python -c "import pandas, sqlite3"`.
Run: python bench/bench_cache.py   (prints a Markdown table)
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bars import bars_from_arrays  # noqa: E402  (after the path set-up above)
from app.cache import Cache  # noqa: E402
from app.cache.schema import SCHEMA_V1  # noqa: E402

INSTRUMENTS, DAYS = 100, 10_000


def synthetic_bars(seed: int):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, DAYS)))
    opens = close * (1 + rng.normal(0, 0.002, DAYS))
    return bars_from_arrays(
        np.arange(DAYS) + 5_000,
        {
            "open": opens,
            "high": np.maximum(opens, close) * 1.005,
            "low": np.minimum(opens, close) * 0.995,
            "close": close,
            "volume": rng.integers(1, 10**9, DAYS).astype(float),
        },
    )


def best_of(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_write(path: Path, frames) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for statement in SCHEMA_V1.split(";"):
        if statement.strip():
            db.execute(statement)
    now = time.time()
    for i, frame in enumerate(frames):
        db.execute("BEGIN")
        db.execute(
            "INSERT INTO instruments (id, key, source, ticker) VALUES (?, ?, 'csv', ?)",
            (i, f"csv:s{i}", f"s{i}"),
        )
        days = (frame.index.as_unit("s").asi8 // 86_400).tolist()
        cols = [frame[c].tolist() for c in ("open", "high", "low", "close", "volume")]
        db.executemany(
            "INSERT INTO bars VALUES (?, ?, ?, ?, ?, ?, ?, 'csv', ?)",
            ((i, d, o, h, lo, c, v, now) for d, o, h, lo, c, v in zip(days, *cols, strict=True)),
        )
        db.execute("COMMIT")
    db.close()


def our_write(path: Path, frames) -> None:
    with Cache.open(path) as cache:
        for i, frame in enumerate(frames):
            cache.store_bars(f"csv:s{i}", frame)


def bare_read(db: sqlite3.Connection, where: str) -> None:
    """The floor: the same rows into numpy arrays, on an open connection."""
    sql = (
        f"SELECT day, open, high, low, close, volume FROM bars {where} ORDER BY instrument_id, day"
    )
    table = np.array(db.execute(sql).fetchall(), dtype=float)
    _ = [table[:, i] for i in range(6)]


def our_read_all(cache: Cache) -> None:
    for i in range(INSTRUMENTS):
        cache.load_bars(f"csv:s{i}")


def process_time(args: list[str], env: dict[str, str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    frames = [synthetic_bars(i) for i in range(INSTRUMENTS)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        counter = iter(range(10**6))

        def fresh(name: str) -> Path:
            return tmp / f"{name}-{next(counter)}.sqlite3"

        floor = best_of(3, lambda: bare_write(fresh("bare"), frames))
        ours = best_of(3, lambda: our_write(fresh("ours"), frames))
        rows.append(("write 1,000,000 bars", floor, ours, 2.0))

        path = fresh("read")
        our_write(path, frames)
        bare = sqlite3.connect(path)
        one = "WHERE instrument_id = (SELECT id FROM instruments WHERE key='csv:s7')"
        opened = best_of(5, lambda: Cache.open(path).close())
        with Cache.open(path) as cache:
            floor = best_of(9, lambda: bare_read(bare, one))
            ours = best_of(9, lambda: cache.load_bars("csv:s7"))
            rows.append(("load one 10,000-bar instrument", floor, ours, 1.5))
            floor = best_of(3, lambda: bare_read(bare, ""))
            ours = best_of(3, lambda: our_read_all(cache))
            rows.append(("load all 1,000,000 bars", floor, ours, 1.5))
        bare.close()

        data_dir = tmp / "status"
        with Cache.open(data_dir / "data" / "riskcurve.sqlite3") as cache:
            for i in range(10):
                cache.store_bars(f"csv:s{i}", frames[i])
        env = dict(os.environ, RISKCURVE_DATA_DIR=str(data_dir))
        floor = process_time([sys.executable, "-c", "import pandas, sqlite3"], env)
        ours = process_time([sys.executable, str(ROOT / "main.py"), "status"], env)
        rows.append(("`main.py status`, 10 instruments", floor, ours, 1.2))

    print("| operation | floor (s) | Riskcurve (s) | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    for name, floor, ours, target in rows:
        verdict = "ok" if ours / floor <= target else "MISSED"
        print(
            f"| {name} | {floor:.4f} | {ours:.4f} | {ours / floor:.2f} | ≤ {target} ({verdict}) |"
        )
    print(f"\nOpening a 1,000,000-bar cache (includes PRAGMA quick_check): {opened:.3f} s")


if __name__ == "__main__":
    main()
