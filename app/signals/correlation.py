"""How the two markets move together: rolling daily correlation and a weekly lead-lag scan.

Daily: both close series are first joined on the dates both markets traded, and log returns
are taken between consecutive common dates. Taking each market's own daily returns and joining
them afterwards would pair a stock index's Friday-to-Monday return with Bitcoin's
Sunday-to-Monday return; joining first makes both returns cover the same stretch of time.

Weekly: each market's last close of each week ending Friday (pandas "W-FRI"), log returns
between consecutive weeks (NaN when either week has no close), and for k in -max_lag..max_lag
the correlation of the leader's week t with the follower's week t + k over the weeks where
both are known. k > 0 asks "does the follower move k weeks after the leader?". The band
1.96/sqrt(n) is the approximate 95 % range of a correlation of unrelated series, for one lag
looked at alone. Scanning 2K + 1 lags, about one in twenty of them clears that band by chance,
so each lag also gets the Bonferroni band z/sqrt(n) with z the standard normal quantile at
1 - 0.05 / (2 (2K + 1)) (3.09 for K = 12): a lag that clears it is unusual even after looking
at every lag (`clears_corrected`).

By era: the daily returns on common dates (as above), grouped by the calendar year of the
day each return ends on, one correlation per year and one over the whole history, so a change
of relationship (none in 2010-19, clearly positive since 2020 for the Russell 2000 and Bitcoin)
is visible instead of averaged into one figure.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

import numpy as np

from app.errors import AnalysisError
from app.signals.common import log_returns, window_sums

if TYPE_CHECKING:
    import pandas as pd

LEAD_LAG_COLUMNS = ("lag", "corr", "n", "band", "band_corrected", "clears_corrected")
LEAD_LAG_LEVEL = 0.05  # two-sided, for the whole scan (Bonferroni) and for one lag alone
CORRELATION_BY_YEAR_COLUMNS = ("period", "corr", "n")
WHOLE_HISTORY = "all"  # the `period` of the row over every common date
_DEGENERATE = 1e-12  # a window whose variance is this small relative to its spread is flat


def aligned_log_returns(
    leader_days: np.ndarray,
    leader_close: np.ndarray,
    follower_days: np.ndarray,
    follower_close: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, leader returns, follower returns) on consecutive dates both markets traded."""
    common, li, fi = np.intersect1d(
        leader_days, follower_days, assume_unique=True, return_indices=True
    )
    return common[1:], log_returns(leader_close[li]), log_returns(follower_close[fi])


def rolling_correlation(x: np.ndarray, y: np.ndarray, window: int) -> np.ndarray:
    """Pearson correlation over every full window (length n - window + 1); NaN on flat windows.

    Raises:
        AnalysisError: window is below 2.
    """
    if window < 2:
        raise AnalysisError(f"the correlation window must be at least 2 days (got {window})")
    if x.size < window:
        return np.empty(0, dtype=float)
    xc, yc = x - x.mean(), y - y.mean()
    sx, sy = window_sums(xc, window), window_sums(yc, window)
    sxx, syy = window_sums(xc * xc, window), window_sums(yc * yc, window)
    sxy = window_sums(xc * yc, window)
    vx, vy = sxx - sx * sx / window, syy - sy * sy / window
    flat = (vx <= _DEGENERATE * sxx) | (vy <= _DEGENERATE * syy)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = (sxy - sx * sy / window) / np.sqrt(np.where(flat, np.nan, vx * vy))
    return np.clip(corr, -1.0, 1.0)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Correlation of two equal-length samples; NaN below 3 pairs or when either is flat."""
    if x.size < 3:
        return float("nan")
    xc, yc = x - x.mean(), y - y.mean()
    # Plain reductions, not `@`: a BLAS dot product may start threads that fight over the
    # cores with the GUI and cost far more than the sum itself.
    vx, vy = float(np.sum(xc * xc)), float(np.sum(yc * yc))
    if vx <= 0 or vy <= 0:
        return float("nan")
    return float(np.clip(np.sum(xc * yc) / np.sqrt(vx * vy), -1.0, 1.0))


def segment_pearson(x: np.ndarray, y: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """pearson() of each run x[starts[i]:starts[i+1]] (the last run to the end), at once."""
    if starts.size == 0:
        return np.empty(0)
    counts = np.diff(np.append(starts, x.size))
    xc = x - np.repeat(np.add.reduceat(x, starts) / counts, counts)
    yc = y - np.repeat(np.add.reduceat(y, starts) / counts, counts)
    vx, vy = np.add.reduceat(xc * xc, starts), np.add.reduceat(yc * yc, starts)
    usable = (counts >= 3) & (vx > 0) & (vy > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.add.reduceat(xc * yc, starts) / np.sqrt(vx * vy)
    return np.where(usable, np.clip(corr, -1.0, 1.0), np.nan)


def correlation_by_year(
    leader_days: np.ndarray,
    leader_close: np.ndarray,
    follower_days: np.ndarray,
    follower_close: np.ndarray,
) -> pd.DataFrame:
    """Columns period ("2010", …, then "all"), corr, n: daily log-return correlation by year.

    A return belongs to the year of the common date it ends on (the one from the last common
    date of December to the first of January counts in January's year). `n` is the number of
    return pairs; `corr` is NaN below 3 pairs or when either market is flat that year. The
    "all" row is always there (n = 0 without common dates).
    """
    aligned = aligned_log_returns(leader_days, leader_close, follower_days, follower_close)
    return correlation_by_year_of(*aligned)


def correlation_by_year_of(days: np.ndarray, rl: np.ndarray, rf: np.ndarray) -> pd.DataFrame:
    """correlation_by_year from returns already aligned on common dates (aligned_log_returns)."""
    import pandas as pd

    years = np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    # The common dates are in order, so each year is one run of returns: per-run sums
    # (np.add.reduceat) keep this linear in the bars however many years there are.
    starts = np.flatnonzero(np.diff(years, prepend=years[:1] - 1)) if years.size else years
    periods = [str(1970 + int(y)) for y in years[starts]]
    corr = list(segment_pearson(rl, rf, starts))
    pairs = [int(c) for c in np.diff(np.append(starts, years.size))]
    periods.append(WHOLE_HISTORY)
    corr.append(pearson(rl, rf))
    pairs.append(int(rl.size))
    return pd.DataFrame(
        {
            "period": pd.Series(periods, dtype=object),
            "corr": np.asarray(corr, dtype=float),
            "n": np.asarray(pairs, dtype=np.int64),
        }
    )


def weekly_closes(days: np.ndarray, close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(week numbers, last close of each week); weeks end on Friday like pandas "W-FRI".

    Epoch day 1 (1970-01-02) is a Friday, so (day + 5) // 7 is constant from Saturday through
    Friday and steps on each Saturday.
    """
    weeks = (np.asarray(days, dtype=np.int64) + 5) // 7
    if weeks.size == 0:
        return weeks, np.empty(0, dtype=float)
    last = np.append(np.flatnonzero(np.diff(weeks) != 0), weeks.size - 1)
    return weeks[last], np.asarray(close, dtype=float)[last]


def _weekly_returns_on_grid(
    weeks: np.ndarray, closes: np.ndarray, first_week: int, count: int
) -> np.ndarray:
    grid = np.full(count, np.nan)
    grid[weeks - first_week] = closes
    return np.log(grid[1:] / grid[:-1])


def _shifted(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (x[t], y[t + k]) as two aligned arrays (empty when k exceeds the length)."""
    size = x.size
    if k >= 0:
        return x[: max(size - k, 0)], y[min(k, size) :]
    return x[min(-k, size) :], y[: max(size + k, 0)]


def lead_lag(
    leader_days: np.ndarray,
    leader_close: np.ndarray,
    follower_days: np.ndarray,
    follower_close: np.ndarray,
    max_lag: int = 12,
) -> pd.DataFrame:
    """Columns lag, corr, n, band, band_corrected, clears_corrected for lags -max_lag..max_lag.

    See the module doc; bands are NaN and clears_corrected False where a lag has no pairs.
    """
    import pandas as pd

    lw, lc = weekly_closes(leader_days, leader_close)
    fw, fc = weekly_closes(follower_days, follower_close)
    lags = np.arange(-max_lag, max_lag + 1)
    corr = np.full(lags.size, np.nan)
    pairs = np.zeros(lags.size, dtype=np.int64)
    if lw.size and fw.size:
        first = int(min(lw[0], fw[0]))
        count = int(max(lw[-1], fw[-1])) - first + 1
        rl = _weekly_returns_on_grid(lw, lc, first, count)
        rf = _weekly_returns_on_grid(fw, fc, first, count)
        for i, k in enumerate(lags):
            x, y = _shifted(rl, rf, int(k))
            both = ~(np.isnan(x) | np.isnan(y))
            pairs[i] = int(np.count_nonzero(both))
            corr[i] = pearson(x[both], y[both])
    root_n = np.where(pairs > 0, np.sqrt(np.maximum(pairs, 1)), np.nan)
    band, corrected = 1.96 / root_n, corrected_z(lags.size) / root_n
    with np.errstate(invalid="ignore"):
        clears = np.abs(corr) > corrected  # NaN compares False: no pairs, no claim
    return pd.DataFrame(
        {
            "lag": lags,
            "corr": corr,
            "n": pairs,
            "band": band,
            "band_corrected": corrected,
            "clears_corrected": clears,
        }
    )


def corrected_z(lags_tested: int) -> float:
    """The two-sided Bonferroni z for `lags_tested` lags at LEAD_LAG_LEVEL (3.09 for 25)."""
    tail = LEAD_LAG_LEVEL / (2 * max(lags_tested, 1))
    return statistics.NormalDist().inv_cdf(1 - tail)


def lead_lag_note(table: pd.DataFrame) -> str:
    """One plain sentence: which lags clear the corrected band, and which only the per-lag one."""
    if table.empty or table["corr"].isna().all():
        return "Lead-lag: too few common weeks to compare the two markets."
    count = len(table)
    with np.errstate(invalid="ignore"):
        loose = table.loc[(table["corr"].abs() > table["band"]) & ~table["clears_corrected"]]
    strong = table.loc[table["clears_corrected"]]
    text = f"Lead-lag ({count} weekly lags tested): "
    if strong.empty:
        text += "no lag clears the band corrected for testing them all"
    else:
        text += f"{_lags(strong)} {_clear(strong)} the band corrected for testing them all"
    if not loose.empty:
        text += (
            f"; {_lags(loose)} {_clear(loose)} only the per-lag ±1.96/√n band, which about "
            "one lag in 20 clears by chance"
        )
    return text + "."


def _clear(rows: pd.DataFrame) -> str:
    return "clears" if len(rows) == 1 else "clear"


def _lags(rows: pd.DataFrame) -> str:
    """ "+1 week (+0.21), −3 weeks (−0.12)": lag > 0 means the follower moves after the leader."""
    parts = []
    for lag, corr in zip(rows["lag"], rows["corr"], strict=True):
        weeks = "week" if abs(int(lag)) == 1 else "weeks"
        label = "the same week" if lag == 0 else f"{int(lag):+d} {weeks}"
        parts.append(f"{label} ({float(corr):+.2f})")
    return ", ".join(parts)
