"""The event study: what the follower did after the events, against random days of their era.

Per horizon h (exact definitions; tests pin them):
- each event's log return ln(1 + r), r from app.signals.forward; the statistic is their mean
  (`log_mean`), shown as a geometric mean exp(log_mean) - 1 (`geo_mean`) beside the median,
  the arithmetic mean (`mean`) and the share positive;
- the era-matched null (app.signals.null_test) compares that mean with B sets of one random
  day from each event's own era pool (app.signals.era); `p_value` is the share of sets at
  least as high, (1 + hits) / (B + 1);
- `p_adjusted`: Holm over the horizons asked for, of the two-sided p (twice the smaller
  one-sided p), so that "unusually strong or weak at any horizon" keeps its 5 % meaning;
- `p_leave_one_out_max`: the largest two-sided p, in the observed direction, with one event
  left out, and `fragile_event` the event whose removal gives it;
- `ci_low`/`ci_high`: 95 % t-interval of the events' excess log return over their era pool's
  mean, as multiples (app.signals.interval);
- the all-history base rate (`base_*`, every follower day whose horizon fits) stays beside the
  era base rate (`era_base_geo_mean`, the mean of the events' era-pool geometric means).
The verdict and its kind come from app.signals.verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from app.signals.era import (
    EraPools,
    base_log_returns,
    era_pools,
    pool_mean_logs,
    pool_percentiles,
)
from app.signals.interval import excess_interval
from app.signals.null_test import NullTest, era_null_test, holm, two_sided
from app.signals.verdicts import (
    BY_ROLE,
    MIN_EVENTS,
    SIGNIFICANCE,
    Evidence,
    Markets,
    verdict,
    verdict_kind,
)
from app.signals.verdicts import VERDICT_KINDS as VERDICT_KINDS  # re-exported for its readers

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_COLUMNS = (
    "horizon",
    "n_events",
    "mean",
    "median",
    "share_positive",
    "base_n",
    "base_mean",
    "base_median",
    "base_share_positive",
    "p_value",
    "log_mean",
    "geo_mean",
    "base_geo_mean",
    "era_base_geo_mean",
    "p_adjusted",
    "p_leave_one_out_max",
    "fragile_event",
    "ci_low",
    "ci_high",
    "verdict",
    "verdict_kind",
)
TEXT_COLUMNS = ("fragile_event", "verdict", "verdict_kind")


@dataclass(frozen=True)
class HorizonStudy:
    """One horizon measured; `evidence` lacks only the Holm adjustment (see summary_rows)."""

    evidence: Evidence
    base_n: int
    base_mean: float
    base_median: float
    base_share_positive: float
    log_mean: float
    era_pct: np.ndarray  # per event given (all of them, used or not), NaN without data


def non_overlapping_mask(event_days: np.ndarray, has_data: np.ndarray, horizon: int) -> np.ndarray:
    """Keep an event only if it starts at least `horizon` days after the previous kept one.

    Overlapping windows count the same rally twice. Events without follower data are never
    kept and never block a later event (they measured nothing). A loop over events, which are
    few (a breakout needs a long consolidation), not over bars.
    """
    keep = np.zeros(len(event_days), dtype=bool)
    last_kept: int | None = None
    for i in np.flatnonzero(has_data):
        day = int(event_days[i])
        if last_kept is None or day - last_kept >= horizon:
            keep[i] = True
            last_kept = day
    return keep


def describe(returns: np.ndarray) -> tuple[int, float, float, float]:
    """n, mean, median and share of positive returns (NaN statistics when empty)."""
    if returns.size == 0:
        return 0, float("nan"), float("nan"), float("nan")
    return (
        int(returns.size),
        float(np.mean(returns)),
        float(np.median(returns)),
        float(np.mean(returns > 0)),
    )


@dataclass(frozen=True)
class NullSettings:
    """How the null is drawn: era half-width in days (0 = whole history), B, seed."""

    era_days: int
    draws: int
    seed: int


def study_horizon(
    horizon: int,
    event_days: np.ndarray,
    fwd: np.ndarray,
    used: np.ndarray,
    follower: tuple[np.ndarray, np.ndarray],
    null: NullSettings,
) -> HorizonStudy:
    """Measure one horizon: statistics of the `used` events, their null test and interval.

    `fwd` holds every event's forward return (NaN without data); era percentiles are given
    for all events with data, the test uses the events in `used` only.
    """
    base_days, base = base_log_returns(*follower, horizon)
    all_logs = np.log1p(fwd)
    all_pools = era_pools(event_days, base_days, base, null.era_days)
    picked = np.flatnonzero(used)
    pools = EraPools(base, all_pools.lo[picked], all_pools.hi[picked])
    evidence = _evidence(horizon, fwd[picked], all_logs[picked], pools, event_days[picked], null)
    base_n, base_mean, base_median, base_share = describe(np.expm1(base))
    log_mean = float(np.mean(all_logs[picked])) if picked.size else float("nan")
    era_pct = pool_percentiles(all_pools, all_logs)
    return HorizonStudy(evidence, base_n, base_mean, base_median, base_share, log_mean, era_pct)


def _evidence(
    horizon: int,
    fwd: np.ndarray,
    logs: np.ndarray,
    pools: EraPools,
    event_days: np.ndarray,
    null: NullSettings,
) -> Evidence:
    """Everything the verdict needs but the Holm adjustment (summary_rows adds it)."""
    n, mean, median, share = describe(fwd)
    test = era_null_test(logs, pools, null.draws, null.seed)
    era_means = pool_mean_logs(pools)
    loo_max, fragile = _fragility(test, event_days)
    nan = float("nan")
    return Evidence(
        horizon=int(horizon),
        n=n,
        geo_mean=float(np.expm1(np.mean(logs))) if n else nan,
        median=median,
        mean=mean,
        share_positive=share,
        era_base_geo_mean=float(np.mean(np.expm1(era_means))) if n else nan,
        base_geo_mean=float(np.expm1(np.mean(pools.base))) if pools.base.size else nan,
        p_high=test.p_high,
        p_low=test.p_low,
        p_adjusted=nan,
        p_leave_one_out_max=loo_max,
        fragile_event=fragile,
        ci=_interval(logs - era_means),
        horizons_tested=0,
        draws=null.draws,
        era_days=null.era_days,
    )


def _fragility(test: NullTest, event_days: np.ndarray) -> tuple[float, str | None]:
    """The largest leave-one-out two-sided p in the observed direction, and whose it is."""
    loo = test.loo_high if test.p_high <= test.p_low else test.loo_low
    if loo.size == 0 or np.all(np.isnan(loo)):
        return float("nan"), None
    worst = int(np.nanargmax(loo))
    return min(1.0, 2.0 * float(loo[worst])), str(np.datetime64(int(event_days[worst]), "D"))


def _interval(excess: np.ndarray) -> tuple[float, float]:
    if excess.size < 2 or not np.all(np.isfinite(excess)):
        return float("nan"), float("nan")
    return excess_interval(excess)


def summary_rows(
    studies: list[HorizonStudy], markets: Markets = BY_ROLE
) -> list[dict[str, object]]:
    """The summary rows: Holm across the studied horizons, then each horizon's verdict (its
    sentence naming the markets as `markets` says)."""
    two = np.array([two_sided(s.evidence.p_high, s.evidence.p_low) for s in studies])
    adjusted = holm(two)
    tested = int(np.count_nonzero(~np.isnan(two)))
    rows = []
    for study, p_adj in zip(studies, adjusted, strict=True):
        e = replace(study.evidence, p_adjusted=float(p_adj), horizons_tested=tested)
        rows.append(_row(study, e, markets))
    return rows


def _row(study: HorizonStudy, e: Evidence, markets: Markets) -> dict[str, object]:
    return {
        "horizon": e.horizon,
        "n_events": e.n,
        "mean": e.mean,
        "median": e.median,
        "share_positive": e.share_positive,
        "base_n": study.base_n,
        "base_mean": study.base_mean,
        "base_median": study.base_median,
        "base_share_positive": study.base_share_positive,
        "p_value": e.p_high,
        "log_mean": study.log_mean,
        "geo_mean": e.geo_mean,
        "base_geo_mean": e.base_geo_mean,
        "era_base_geo_mean": e.era_base_geo_mean,
        "p_adjusted": e.p_adjusted,
        "p_leave_one_out_max": e.p_leave_one_out_max,
        "fragile_event": e.fragile_event,
        "ci_low": e.ci[0],
        "ci_high": e.ci[1],
        "verdict": verdict(e, markets),
        "verdict_kind": verdict_kind(e),
    }


def summary_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The summary table with its documented columns, also when there are no rows."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    if not rows:
        frame = frame.astype({c: float for c in SUMMARY_COLUMNS if c not in TEXT_COLUMNS})
    return frame


def method_record(era_days: int, draws: int, seed: int) -> dict[str, object]:
    """How the summary's statistics are computed, with the parameters they depend on."""
    return {
        "statistic": "mean log return ln(1 + r) of the events; geo_mean = exp(log_mean) - 1",
        "null": "one random day from each event's era pool per set, with replacement",
        "era_days": era_days,
        "bootstrap_draws": draws,
        "seed": seed,
        "p_value": "(1 + sets with mean log return >= the events') / (draws + 1)",
        "p_adjusted": "Holm over the horizons of the two-sided p (2 x the smaller side)",
        "p_leave_one_out_max": "largest two-sided p, same direction, without one event",
        "interval": "95% t-interval (n - 1 df) of the excess log return over the era, exp()",
        "significance": SIGNIFICANCE,
        "min_events": MIN_EVENTS,
    }
