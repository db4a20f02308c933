"""Benchmark of the ladder scan: five real rungs, ten pairs, B = 10,000 bootstrap draws.

The rungs (S&P 500, Russell 2000, IWM, Bitcoin from Yahoo and from Bitstamp) are read from
../shared/data into a temporary cache; the scan is timed from that cache (each rung's bars
loaded once, then one run_analysis per pair). Target (issue 13): under 300 ms. Floor: one
pair's run_analysis (^RUT -> Bitstamp BTC/USD) in the same run, so the ratio says how many
single analyses the whole scan costs (ten pairs and the loading: about 10 when nothing is
wasted).

Usage: python bench/bench_ladder.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.analysis import run_analysis  # noqa: E402  (needs sys.path)
from app.bars import bars_from_arrays  # noqa: E402  (needs sys.path)
from app.cache import Cache  # noqa: E402  (needs sys.path)
from app.config import Settings  # noqa: E402  (needs sys.path)
from app.ladder.pairs import pair_params  # noqa: E402  (needs sys.path)
from app.ladder.scan import load_rungs, scan_cache, scan_ladder  # noqa: E402  (needs sys.path)

# ../shared/data beside the checkout, or one level further up (a worktree in a folder of them).
SHARED_DATA = next(
    (p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "data",
)
RUNGS = {
    "yahoo:^GSPC": ("GSPC_daily.csv", "Close"),
    "yahoo:^RUT": ("RUT_daily.csv", "Close"),
    "yahoo:IWM": ("IWM_daily_adjusted.csv", "Close"),
    "yahoo:BTC-USD": ("BTC_USD_daily.csv", "Close"),
    "ccxt:bitstamp:BTC/USD": ("BTC_USD_bitstamp_0000UTC.csv", "BTC_USD"),
}
TARGET_S = 0.300


def read_rung(name: str, close_column: str):
    import pandas as pd

    frame = pd.read_csv(SHARED_DATA / name)
    days = pd.to_datetime(frame["Date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    close = frame[close_column].to_numpy(dtype=float)

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=float) if name in frame else np.full(close.size, np.nan)

    values = {c: column(c.capitalize()) for c in ("open", "high", "low", "volume")}
    return bars_from_arrays(days, {**values, "close": close})


def median_seconds(call, repeats: int) -> tuple[float, float, object]:
    call()  # warm-up
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if not (SHARED_DATA / "RUT_daily.csv").exists():
        print("(../shared/data not found: ladder benchmark skipped)")
        return 0
    frames = {key: read_rung(*source) for key, source in RUNGS.items()}
    settings = Settings().with_changes(ladder=tuple(RUNGS))
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "cache.sqlite"
        with Cache.open(db) as cache:
            for key, bars in frames.items():
                cache.store_bars(key, bars)
        leader, follower = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
        params = pair_params(settings, leader, follower, settings.headline_horizon)
        floor, floor_best, _ = median_seconds(
            lambda: run_analysis(leader, frames[leader], follower, frames[follower], params, ()),
            args.repeats,
        )
        total, best, scan = median_seconds(lambda: scan_cache(db, settings), args.repeats)
        load, _, loaded = median_seconds(lambda: load_rungs(db, settings.ladder), args.repeats)
        compute, _, _ = median_seconds(lambda: scan_ladder(*loaded, settings), args.repeats)
    bars = ", ".join(f"{key} {len(f):,}" for key, f in frames.items())
    verdict = "ok" if total < TARGET_S else "OVER"
    print(f"Rungs (bars): {bars}")
    print(f"Pairs: {len(scan.cells)}, B = {settings.bootstrap_draws:,}, horizon {scan.horizon} d")
    print(
        f"Floor, one pair's run_analysis: median {floor * 1e3:.1f} ms, best {floor_best * 1e3:.1f}"
    )
    print(f"Scan from the cache: median {total * 1e3:.1f} ms, best {best * 1e3:.1f} ms")
    print(
        f"  of which loading the rungs {load * 1e3:.1f} ms, the scan itself {compute * 1e3:.1f} ms"
    )
    print(f"Ratio scan / floor: {total / floor:.1f} (target < {TARGET_S * 1e3:.0f} ms: {verdict})")
    for cell in scan.cells:
        print(f"  {cell.leader} -> {cell.follower}: {cell.n_events} events, {cell.verdict_kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
