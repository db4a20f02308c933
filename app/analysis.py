"""One call that turns cached bars + settings into everything the charts and tables show.

`run_analysis` is pure (no I/O, no Qt): the GUI calls it from a worker thread, the `analyze` and
`report` commands call it directly. The result's frames are documented field by field below;
returns are fractions everywhere (0.5 = +50 %), NaN where missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from app.errors import AnalysisError

if TYPE_CHECKING:
    import pandas as pd

    from app.config import KeyDate, Settings

#: The parts timed in AnalysisResult.timings, in the order they run.
PARTS = (
    "breakouts",
    "event_study",
    "regimes",
    "correlation",
    "lead_lag",
    "cycles",
    "volatility",
    "state",
)
LEAD_LAG_WEEKS = 12


@dataclass(frozen=True)
class AnalysisParams:
    """The analysis settings, detached from the settings file."""

    basis: str = "close"
    min_gap_days: int = 365
    horizons: tuple[int, ...] = (30, 90, 180, 365)
    non_overlapping: bool = False
    corr_window: int = 90
    vol_window: int = 30
    leader_thresholds: tuple[float, float] = (0.20, 0.20)  # (bull, bear)
    follower_thresholds: tuple[float, float] = (0.20, 0.20)
    bootstrap_draws: int = 10_000
    seed: int = 20_240_420
    bull_window_days: int = 180
    leader_trades_every_day: bool = False
    follower_trades_every_day: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalysisParams:
        from app.instruments import parse_key

        return cls(
            basis=settings.basis,
            min_gap_days=settings.min_gap_days,
            horizons=settings.horizons,
            non_overlapping=settings.non_overlapping,
            corr_window=settings.corr_window,
            vol_window=settings.vol_window,
            leader_thresholds=settings.thresholds_for(settings.leader),
            follower_thresholds=settings.thresholds_for(settings.follower),
            bootstrap_draws=settings.bootstrap_draws,
            seed=settings.seed,
            bull_window_days=settings.bull_window_days,
            leader_trades_every_day=parse_key(settings.leader).trades_every_day,
            follower_trades_every_day=parse_key(settings.follower).trades_every_day,
        )


@dataclass(frozen=True)
class LeaderState:
    """Where the leader stands on its last bar (for the status line)."""

    last_date: pd.Timestamp | None
    last_close: float
    at_ath: bool
    last_ath_date: pd.Timestamp | None
    days_since_ath: int | None
    drawdown: float  # last close / all-time high - 1 (<= 0)


@dataclass(frozen=True)
class AnalysisResult:
    """Everything derived from one leader/follower pair.

    Frames and series (all date indexes/columns are tz-naive midnight timestamps):
    - leader, follower: the input bars (index date; open, high, low, close, volume).
    - leader_ath: running all-time high of the leader's basis (index date).
    - breakouts: one row per breakout, columns date, level, prior_ath_date, prior_ath,
      gap_days, pct_above, then for each horizon h: fwd_{h}d, best_{h}d, worst_{h}d; then
      bull_near (float 1.0/0.0, NaN when unknown), days_to_follower_ath (float, NaN if none).
    - summary: one row per horizon, columns horizon, n_events, mean, median, share_positive,
      base_n, base_mean, base_median, base_share_positive, p_value, verdict (str).
    - leader_regimes, follower_regimes: columns start, end, kind ("bull"/"bear"), return.
    - correlation: rolling correlation of daily log returns (index date).
    - lead_lag: columns lag (-12..12), corr, n, band (1.96/sqrt(n)); lag k pairs the leader's
      week t with the follower's week t+k.
    - cycles: one row per halving cycle, columns halving_date, next_halving_date,
      halving_price, peak_date, peak_close, multiple, days_to_peak, multiple_at_current_day.
    - cycle_curves: halving date (YYYY-MM-DD) -> Series indexed by days since halving (int)
      with price / halving price; `current_cycle` names the newest.
    - leader_vol, follower_vol: rolling annualised volatility (index date);
      leader_vol_pct, follower_vol_pct: the latest value's percentile (0..1) in its history.
    - timings: seconds per part, for the benchmark breakdown.
    - notes: plain-language reasons where a part is empty (e.g. no overlapping dates).
    """

    leader_key: str
    follower_key: str
    params: AnalysisParams
    leader: pd.DataFrame
    follower: pd.DataFrame
    leader_ath: pd.Series
    breakouts: pd.DataFrame
    summary: pd.DataFrame
    leader_regimes: pd.DataFrame
    follower_regimes: pd.DataFrame
    correlation: pd.Series
    lead_lag: pd.DataFrame
    cycles: pd.DataFrame
    cycle_curves: dict[str, pd.Series]
    current_cycle: str | None
    leader_vol: pd.Series
    follower_vol: pd.Series
    leader_vol_pct: float
    follower_vol_pct: float
    leader_state: LeaderState
    key_dates: tuple[KeyDate, ...]
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def run_analysis(
    leader_key: str,
    leader: pd.DataFrame,
    follower_key: str,
    follower: pd.DataFrame,
    params: AnalysisParams,
    key_dates: tuple[KeyDate, ...],
) -> AnalysisResult:
    """Run every signal on the two bar frames (see AnalysisResult).

    Parameters that make no sense raise AnalysisError; data that is too short or does not
    overlap gives empty parts, each with a plain reason in `notes`, never a made-up number.

    Raises:
        AnalysisError: invalid parameters, or bars that are unsorted or have unusable closes.
    """
    from app.signals.breakouts import basis_values, find_breakouts, running_high

    validate_params(params)
    lead, foll = _Bars.of(leader, "leader"), _Bars.of(follower, "follower")
    timings: dict[str, float] = {}
    notes: list[str] = []
    with _timed(timings, "breakouts"):
        values = basis_values(lead.close, lead.high, params.basis)
        breakouts = find_breakouts(lead.days, values, params.min_gap_days)
        leader_ath = _series(running_high(values), leader.index, "ath")
        notes += _breakout_notes(lead, breakouts, params)
    with _timed(timings, "event_study"):
        summary, days_to_ath = _event_study(breakouts, foll, params, notes)
    with _timed(timings, "regimes"):
        leader_regimes, follower_regimes, near = _regimes(
            lead, foll, breakouts, params, (leader_key, follower_key), notes
        )
        breakouts["bull_near"] = near
        breakouts["days_to_follower_ath"] = days_to_ath
    with _timed(timings, "correlation"):
        correlation = _correlation(lead, foll, params.corr_window, notes)
    with _timed(timings, "lead_lag"):
        lead_lag = _lead_lag(lead, foll, notes)
    with _timed(timings, "cycles"):
        cycles = _cycles(foll, key_dates, notes)
    with _timed(timings, "volatility"):
        leader_vol, leader_pct = _volatility(lead, params, "leader", leader_key, notes)
        follower_vol, follower_pct = _volatility(foll, params, "follower", follower_key, notes)
    with _timed(timings, "state"):
        state = _leader_state(lead, values)
    return AnalysisResult(
        leader_key=leader_key,
        follower_key=follower_key,
        params=params,
        leader=leader,
        follower=follower,
        leader_ath=leader_ath,
        breakouts=breakouts,
        summary=summary,
        leader_regimes=leader_regimes,
        follower_regimes=follower_regimes,
        correlation=correlation,
        lead_lag=lead_lag,
        cycles=cycles.table,
        cycle_curves=cycles.curves,
        current_cycle=cycles.current,
        leader_vol=leader_vol,
        follower_vol=follower_vol,
        leader_vol_pct=leader_pct,
        follower_vol_pct=follower_pct,
        leader_state=state,
        key_dates=tuple(key_dates),
        seed=params.seed,
        timings=timings,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Checks


def validate_params(params: AnalysisParams) -> None:
    """Raise AnalysisError naming the first parameter that makes the analysis meaningless."""
    horizons = params.horizons
    if params.basis not in ("close", "high"):
        raise AnalysisError(f"basis must be close or high (got {params.basis!r})")
    _whole("min_gap_days", params.min_gap_days, 0)
    if not isinstance(horizons, tuple | list) or not horizons:
        raise AnalysisError("horizons: give at least one horizon in days, e.g. 30,90,180,365")
    for h in horizons:
        _whole("each horizon", h, 1)
    if any(b <= a for a, b in zip(horizons, horizons[1:], strict=False)):
        shown = ", ".join(str(h) for h in horizons)
        raise AnalysisError(f"horizons must be increasing, without repeats (got {shown})")
    _whole("corr_window", params.corr_window, 2)
    _whole("vol_window", params.vol_window, 2)
    _whole("bootstrap_draws", params.bootstrap_draws, 1)
    _whole("seed", params.seed, 0)
    _whole("bull_window_days", params.bull_window_days, 0)
    for role, pair in (("leader", params.leader_thresholds), ("follower", params.follower_thresholds)):
        if len(pair) != 2 or not all(isinstance(v, int | float) and 0 < v < 1 for v in pair):
            raise AnalysisError(f"{role} regime thresholds must be two numbers between 0 and 1")


def _whole(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise AnalysisError(f"{name} must be a whole number of at least {low} (got {value!r})")


def require_complete_inputs(
    leader_key: str,
    leader: pd.DataFrame,
    follower_key: str,
    follower: pd.DataFrame,
    params: AnalysisParams,
) -> None:
    """Raise AnalysisError when part of the analysis would come out empty.

    The GUI shows partial results with notes; the `analyze` command refuses them instead, so
    a script never mistakes an empty column for a finding.
    """
    for key, bars in ((leader_key, leader), (follower_key, follower)):
        if len(bars) < 2:
            raise AnalysisError(f"{key} has {len(bars)} cached bar(s); at least 2 are needed")
    first, last = max(leader.index[0], follower.index[0]), min(leader.index[-1], follower.index[-1])
    if first > last:
        raise AnalysisError(
            f"{leader_key} ({_span(leader)}) and {follower_key} ({_span(follower)}) have no "
            "overlapping dates"
        )
    common = len(leader.index.intersection(follower.index)) - 1
    if common < params.corr_window:
        raise AnalysisError(
            f"corr_window is {params.corr_window} days, larger than the data: the two markets "
            f"share only {max(common, 0)} daily returns"
        )
    for key, bars in ((leader_key, leader), (follower_key, follower)):
        if len(bars) - 1 < params.vol_window:
            raise AnalysisError(
                f"vol_window is {params.vol_window} days, larger than the data: {key} has "
                f"only {len(bars) - 1} daily returns"
            )


def _span(bars: pd.DataFrame) -> str:
    return f"{bars.index[0]:%Y-%m-%d} to {bars.index[-1]:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# Parts


@dataclass(frozen=True)
class _Bars:
    """One instrument as plain arrays (epoch days, close, high)."""

    days: np.ndarray
    close: np.ndarray
    high: np.ndarray
    index: pd.DatetimeIndex

    @classmethod
    def of(cls, frame: pd.DataFrame, role: str) -> _Bars:
        from app.bars import epoch_days

        days = epoch_days(frame.index)
        close = frame["close"].to_numpy(dtype=float)
        if days.size > 1 and not np.all(np.diff(days) > 0):
            raise AnalysisError(f"the {role} bars are not in date order or repeat a date")
        if not np.all(np.isfinite(close) & (close > 0)):
            raise AnalysisError(f"the {role} has a missing, zero or negative close")
        return cls(days, close, frame["high"].to_numpy(dtype=float), frame.index)


@contextmanager
def _timed(timings: dict[str, float], part: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[part] = time.perf_counter() - start


def _series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    import pandas as pd

    return pd.Series(values, index=index, name=name, dtype=float)


def _dated_series(days: np.ndarray, values: np.ndarray, name: str) -> pd.Series:
    import pandas as pd

    from app.signals.common import as_dates

    return _series(values, pd.DatetimeIndex(as_dates(days), name="date"), name)


def _breakout_notes(lead: _Bars, breakouts: pd.DataFrame, params: AnalysisParams) -> list[str]:
    if lead.days.size == 0:
        return ["The leader has no bars: there is nothing to analyse."]
    if breakouts.empty:
        return [
            f"No breakout: the leader never set an all-time high ({params.basis}) "
            f"{params.min_gap_days} or more days after the previous one."
        ]
    return []


def _event_study(
    breakouts: pd.DataFrame, foll: _Bars, params: AnalysisParams, notes: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Add fwd/best/worst columns per horizon; return the summary and days to follower ATH."""
    from app.bars import epoch_days
    from app.signals.event_study import non_overlapping_mask, summarize_horizon, summary_frame
    from app.signals.forward import days_to_next_record, forward_returns

    import pandas as pd

    event_days = epoch_days(pd.DatetimeIndex(breakouts["date"]))
    if foll.days.size == 0:
        notes.append("The follower has no bars: the event study is empty.")
    rows = []
    for h in params.horizons:
        fr = forward_returns(event_days, foll.days, foll.close, h)
        breakouts[f"fwd_{h}d"], breakouts[f"best_{h}d"] = fr.fwd, fr.best
        breakouts[f"worst_{h}d"] = fr.worst
        used = ~np.isnan(fr.fwd)
        if params.non_overlapping:
            kept = non_overlapping_mask(event_days, used, h)
            if kept.sum() < used.sum():
                notes.append(
                    f"{h} days: {int(used.sum() - kept.sum())} of {int(used.sum())} events "
                    f"dropped because they start within {h} days of an earlier one."
                )
            used = kept
        rows.append(
            summarize_horizon(
                h, fr.fwd[used], foll.days, foll.close, params.bootstrap_draws, params.seed
            )
        )
    return summary_frame(rows), days_to_next_record(event_days, foll.days, foll.close)


def _regimes(
    lead: _Bars,
    foll: _Bars,
    breakouts: pd.DataFrame,
    params: AnalysisParams,
    keys: tuple[str, str],
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    from app.bars import epoch_days
    from app.signals.regimes import bull_near, bull_start_days, regime_frame, regime_phases

    import pandas as pd

    frames = []
    for bars, (bull, bear), key in (
        (lead, params.leader_thresholds, keys[0]),
        (foll, params.follower_thresholds, keys[1]),
    ):
        frame = regime_frame(bars.days, bars.close, bull, bear)
        if frame.empty and bars.days.size:
            notes.append(
                f"{key} never rose {bull:.0%} or fell {bear:.0%}: no bull or bear phase "
                "can be dated."
            )
        frames.append(frame)
    phases = regime_phases(foll.close, *params.follower_thresholds)
    has_days = foll.days.size > 0
    near = bull_near(
        epoch_days(pd.DatetimeIndex(breakouts["date"])),
        bull_start_days(foll.days, phases),
        int(foll.days[0]) if has_days else None,
        int(foll.days[-1]) if has_days else None,
        params.bull_window_days,
    )
    return frames[0], frames[1], near


def _correlation(lead: _Bars, foll: _Bars, window: int, notes: list[str]) -> pd.Series:
    from app.signals.correlation import aligned_log_returns, rolling_correlation

    days, rl, rf = aligned_log_returns(lead.days, lead.close, foll.days, foll.close)
    values = rolling_correlation(rl, rf, window)
    if values.size == 0:
        notes.append(
            f"No rolling correlation: it needs {window} daily returns on dates both markets "
            f"traded, and they share {days.size}."
        )
        return _dated_series(days[:0], values, "correlation")
    return _dated_series(days[window - 1 :], values, "correlation")


def _lead_lag(lead: _Bars, foll: _Bars, notes: list[str]) -> pd.DataFrame:
    from app.signals.correlation import lead_lag

    table = lead_lag(lead.days, lead.close, foll.days, foll.close, LEAD_LAG_WEEKS)
    if table["corr"].isna().all():
        notes.append("No lead-lag scan: the two markets share fewer than 3 weekly returns.")
    return table


def _cycles(foll: _Bars, key_dates: tuple[KeyDate, ...], notes: list[str]):
    import pandas as pd

    from app.bars import epoch_days
    from app.signals.cycles import halving_cycles

    halvings = [k.date for k in key_dates if k.kind == "halving"]
    halving_days = epoch_days(pd.DatetimeIndex(pd.to_datetime(halvings)).as_unit("s"))
    cycles = halving_cycles(foll.days, foll.close, halving_days)
    if not halvings:
        notes.append("No halving cycles: there are no key dates of kind halving.")
    elif cycles.table.empty:
        notes.append("No halving cycles: no halving falls within the follower's history.")
    return cycles


def _volatility(
    bars: _Bars, params: AnalysisParams, role: str, key: str, notes: list[str]
) -> tuple[pd.Series, float]:
    from app.signals.volatility import latest_percentile, rolling_volatility

    every_day = getattr(params, f"{role}_trades_every_day")
    values = rolling_volatility(bars.close, params.vol_window, every_day)
    if values.size == 0:
        notes.append(
            f"No volatility for {key}: it needs {params.vol_window} daily returns and has "
            f"{max(bars.days.size - 1, 0)}."
        )
    days = bars.days[params.vol_window :] if values.size else bars.days[:0]
    return _dated_series(days, values, "volatility"), latest_percentile(values)


def _leader_state(lead: _Bars, values: np.ndarray) -> LeaderState:
    from app.signals.state import leader_state

    return leader_state(lead.days, values, lead.close)
