"""Benchmark of the whole analysis (run_analysis), with a breakdown per part.

Sizes: a 10,000-bar leader with a 6,000-bar follower (the GUI recomputes on every settings
change, so the target is < 100 ms), then 100,000 and 1,000,000-bar synthetic series (follower
0.6 × leader) to show that the cost grows no faster than the number of bars. B = 10,000
bootstrap draws throughout. When ../shared/data exists, also the real Russell 2000 and Bitcoin
history (target: the whole analysis, era pools and leave-one-out included, under 100 ms), with
the breakouts it finds.

Floor, measured in the same run on the same data: the event study as it was before era
matching (one bootstrap of arithmetic means against the whole history per horizon, no
leave-one-out). "Before" = the other parts + that floor; the ratio after / before is the
cost of the era-matched event study (target ≤ 2 at 1,000,000 bars).

Usage: python bench/bench_analysis.py [--quick] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.analysis import PARTS, AnalysisParams, AnalysisResult, run_analysis  # noqa: E402  (needs sys.path)
from app.bars import bars_from_arrays  # noqa: E402  (needs sys.path)
from app.key_dates import load_key_dates  # noqa: E402  (needs sys.path)
from app.signals.regimes import RegimeRule  # noqa: E402  (needs sys.path)

# ../shared/data beside the checkout (or beside the folder that holds the worktrees).
SHARED_DATA = next(
    (d / "shared" / "data" for d in ROOT.parents if (d / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
LEADER_KEY, FOLLOWER_KEY = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"
# The app's defaults for this pair (Bitcoin as follower has 30 % thresholds).
PARAMS = AnalysisParams(follower_regime=RegimeRule(bull=0.30, bear=0.30))


def synthetic_pair(leader_bars: int, seed: int = 1):
    """A weekday leader from 1990 and a daily follower from 2010 (random walks with drift)."""
    rng = np.random.default_rng(seed)
    start = 7_305  # 1990-01-01
    span = np.arange(start, start + leader_bars * 7 // 5 + 14)
    leader_days = span[(span + 3) % 7 < 5][:leader_bars]
    follower_bars = leader_bars * 6 // 10
    follower_days = 14_610 + np.arange(follower_bars)  # 2010-01-01 on, every day
    leader = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, leader_bars)))
    follower = 0.1 * np.exp(np.cumsum(rng.normal(0.0004, 0.035, follower_bars)))
    return _bars(leader_days, leader), _bars(follower_days, follower)


def _bars(days: np.ndarray, close: np.ndarray):
    nan = np.full(close.size, np.nan)
    return bars_from_arrays(
        days, {"open": nan, "high": close, "low": nan, "close": close, "volume": nan}
    )


def time_runs(
    leader, follower, repeats: int
) -> tuple[list[float], list[AnalysisResult], list[float]]:
    """Totals and results of `repeats` analyses, each followed by one run of the floor."""
    key_dates = load_key_dates()
    run_analysis(LEADER_KEY, leader, FOLLOWER_KEY, follower, PARAMS, key_dates)  # warm-up
    totals, results, floors = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run_analysis(LEADER_KEY, leader, FOLLOWER_KEY, follower, PARAMS, key_dates)
        totals.append(time.perf_counter() - start)
        results.append(result)
        floors.append(previous_event_study(result))
    return totals, results, floors


def previous_event_study(result: AnalysisResult) -> float:
    """Seconds the event study took before era matching, on this result's breakouts.

    Per horizon: the forward returns, the all-history base rate and one bootstrap of B
    same-size means of base days (drawn in blocks of 2,000,000 cells), as the code was.
    """
    from app.signals.forward import base_rate_returns, days_to_next_record, forward_returns
    from app.signals.parts import Bars, event_days_of

    start = time.perf_counter()
    foll = Bars.of(result.follower, "follower")
    event_days = event_days_of(result.breakouts)
    for h in PARAMS.horizons:
        fwd = forward_returns(event_days, foll.days, foll.close, h).fwd
        events = fwd[~np.isnan(fwd)]
        base = base_rate_returns(foll.days, foll.close, h)
        rng = np.random.default_rng(PARAMS.seed)
        rows, done = max(1, 2_000_000 // max(events.size, 1)), 0
        while events.size and done < PARAMS.bootstrap_draws:
            size = min(rows, PARAMS.bootstrap_draws - done)
            means = base[rng.integers(0, base.size, size=(size, events.size))].mean(axis=1)
            np.count_nonzero(means >= events.mean())
            done += size
    days_to_next_record(event_days, foll.days, foll.close)
    return time.perf_counter() - start


def before_after(totals: list[float], results: list[AnalysisResult], floors: list[float]):
    """(median after, median before): before = this run minus its event study plus the floor."""
    before = [
        t - r.timings["event_study"] + f for t, r, f in zip(totals, results, floors, strict=True)
    ]
    return statistics.median(totals), statistics.median(before)


def part_medians(results: list[AnalysisResult]) -> dict[str, float]:
    return {p: statistics.median(r.timings[p] for r in results) for p in PARTS}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def sizes_section(quick: bool) -> list[str]:
    lines = [
        "| leader bars | follower bars | breakouts found | median ms | best ms "
        "| µs per leader bar | before ms | after / before | "
        + " | ".join(f"{p} ms" for p in PARTS)
        + " |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(PARTS),
    ]
    sizes = ((10_000, 30), (100_000, 10), (1_000_000, 3))
    medians = []
    for bars, repeats in sizes[:2] if quick else sizes:
        leader, follower = synthetic_pair(bars)
        totals, results, floors = time_runs(leader, follower, repeats)
        parts = part_medians(results)
        median, before = before_after(totals, results, floors)
        lines.append(
            f"| {bars:,} | {len(follower):,} | {len(results[0].breakouts)} | {ms(median)} | "
            f"{ms(min(totals))} | {median / bars * 1e6:.2f} | {ms(before)} | "
            f"{median / before:.2f} | " + " | ".join(ms(parts[p]) for p in PARTS) + " |"
        )
        print(lines[-1], flush=True)
        medians.append((bars, median))
    growth = ", ".join(
        f"{b / a:.0f}× the bars took {t2 / t1:.1f}× the time"
        for (a, t1), (b, t2) in itertools.pairwise(medians)
    )
    return [
        *lines,
        "",
        f"Median of repeated runs (30, 10 and 3) after one warm-up; per-part columns are "
        f"medians too. Growth: {growth} (B fixed; the event study also grows with the number "
        "of breakouts, which grows with the bars). Before: the same run with the event study "
        "as it was before era matching (the floor); target after / before ≤ 2.",
    ]


def read_real(name: str):
    import pandas as pd

    frame = pd.read_csv(SHARED_DATA / name)
    days = pd.to_datetime(frame["Date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    columns = {
        c: frame[c.capitalize()].to_numpy(dtype=float)
        for c in ("open", "high", "low", "close", "volume")
    }
    return bars_from_arrays(days, columns)


def real_section() -> list[str]:
    import dataclasses

    if not (SHARED_DATA / "RUT_daily.csv").exists():
        return ["(../shared/data not found: real-data run skipped)"]
    leader, follower = read_real("RUT_daily.csv"), read_real("BTC_USD_daily.csv")
    totals, results, floors = time_runs(leader, follower, 20)
    parts = part_medians(results)
    median, before = before_after(totals, results, floors)
    verdict = "ok" if median < 0.1 else "over"
    lines = [
        f"RUT_daily.csv ({len(leader):,} bars) as leader, BTC_USD_daily.csv ({len(follower):,} "
        f"bars) as follower: median {ms(median)} ms (target < 100 ms: {verdict}), best "
        f"{ms(min(totals))} ms; before era matching {ms(before)} ms in the same run; per part "
        "(median ms): " + ", ".join(f"{p} {ms(parts[p])}" for p in PARTS) + ".",
        "",
    ]
    for basis in ("close", "high"):
        params = dataclasses.replace(PARAMS, basis=basis)
        result = run_analysis(LEADER_KEY, leader, FOLLOWER_KEY, follower, params, load_key_dates())
        dates = ", ".join(f"{d:%Y-%m-%d}" for d in result.breakouts["date"])
        lines.append(f"- RUT breakouts, basis {basis}, min gap 365 days: {dates}")
    lines += ["", "Event study (basis close):", ""]
    lines += [f"- {v}" for v in results[0].summary["verdict"]]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-bar size")
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    header = [
        "## Analysis engine (bench/bench_analysis.py)",
        "",
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}; B = "
        f"{PARAMS.bootstrap_draws:,} bootstrap draws, 4 horizons, milliseconds. Other work "
        "running on the same 2 cores can double single figures; compare the best column.",
        "",
    ]
    print("\n".join(header), flush=True)
    lines = header + sizes_section(args.quick) + ["", "Real data:", ""]
    real = real_section()
    print("\n".join(real))
    lines += real
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
