"""One call that turns cached bars + settings into everything the charts and tables show.

`run_analysis` is pure (no I/O, no Qt): the GUI calls it from a worker thread, the `analyze` and
`report` commands call it directly. The result's frames are documented field by field below;
returns are fractions everywhere (0.5 = +50 %), NaN where missing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from app.errors import AnalysisError, SettingsError
from app.instruments import halving_market, market_name
from app.signals.common import beyond_float_range_is_missing
from app.signals.params import AnalysisParams
from app.signals.state import LeaderState, leader_state
from app.signals.verdicts import Markets

if TYPE_CHECKING:
    import pandas as pd

    from app.config import KeyDate
    from app.signals.cycles import Cycles
    from app.signals.parts import Bars, EventStudy, Part, RegimeParts

__all__ = [
    "PARTS",
    "AnalysisParams",
    "AnalysisResult",
    "LeaderState",
    "require_complete_inputs",
    "run_analysis",
    "validate_params",
]

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


@dataclass(frozen=True)
class AnalysisResult:
    """Everything derived from one leader/follower pair.

    Frames and series (all date indexes/columns are tz-naive midnight timestamps):
    - leader, follower: the input bars (index date; open, high, low, close, volume).
    - leader_ath: running all-time high of the leader's basis (index date).
    - breakouts: one row per breakout, columns date, level, prior_ath_date, prior_ath,
      gap_days, pct_above, then for each horizon h: fwd_{h}d, best_{h}d, worst_{h}d; then for
      each h era_pct_{h}d (0..1: share of the event's era pool whose return is at most the
      event's); then the follower's phase on the breakout day (app.signals.regimes.regime_at):
      regime ("bull"/"bear", "" when unknown: outside the follower's data or in its first,
      undated phase), regime_start (date), regime_days (float whole days since it began, NaN
      when unknown), regime_return (follower return since it began), regime_days_left (days
      until it ended, NaN while running or unknown), regime_running (bool); then rough_data
      (1.0 when the follower's bars in the event's longest measured window lack
      open/high/low/close, leave more than a normal week (7 days for markets trading every
      day, else 5) without a bar, or switch source; 0.0 clean; NaN no window); then
      days_to_follower_ath
      (float, NaN if none).
      The table keeps every breakout; with non_overlapping the summary leaves some out.
    - summary: one row per horizon (definitions in app.signals.event_study), columns horizon,
      n_events, mean (arithmetic), median, share_positive, base_n, base_mean, base_median,
      base_share_positive (the all-history base rate), p_value (era-matched: share of null
      sets at least as high, (1 + hits) / (B + 1)), log_mean, geo_mean (exp(log_mean) - 1),
      base_geo_mean (all history), era_base_geo_mean (mean of the events' era-pool geometric
      means), p_adjusted (Holm over the horizons of the two-sided p), p_leave_one_out_max,
      fragile_event (YYYY-MM-DD, or None), ci_low, ci_high (95 % interval of the excess over
      the era, as multiples), verdict (str), verdict_kind (one of VERDICT_KINDS).
    - leader_regimes, follower_regimes: columns start, end, kind ("bull"/"bear"), return.
      Turning points by the Lunde–Timmermann rule, then censored (app.signals.censoring:
      censor_days, min_cycle_days, min_phase_days, min_phase_move of each role's RegimeRule).
      The first phase starts on the first bar (its real start lies before the data) and the
      last one is still running (it ends on the last bar); see app.signals.regimes.
    - follower_bull_share: share of the follower's days in its dated phases that are bull
      days (the base rate of the breakouts' regime column; NaN with no dated phase).
    - correlation: rolling correlation of daily log returns on dates both markets traded,
      indexed by the window's last date (empty when the window does not fit the data).
    - correlation_by_year: columns period ("2010", …, "all"), corr, n: the same daily log
      returns' correlation per calendar year of the return's end date and over the whole
      history (the "all" row is always there; corr NaN below 3 pairs).
    - lead_lag: columns lag (-12..12), corr, n, band (1.96/sqrt(n), for one lag alone),
      band_corrected (the Bonferroni band for all 25 lags, 3.09/sqrt(n)), clears_corrected
      (bool: |corr| above band_corrected); lag k pairs the leader's week t with the
      follower's week t+k (app.signals.correlation).
    - cycles: one row per halving cycle, columns halving_date, next_halving_date,
      halving_price, peak_date, peak_close, multiple, days_to_peak, multiple_at_current_day.
    - cycle_curves: halving date (YYYY-MM-DD) -> Series indexed by days since halving (int)
      with price / halving price; `current_cycle` names the newest. Both are those of
      `halving_market` ("follower" or "leader", app.instruments.halving_market; "" when
      neither market is Bitcoin: then there are no cycles and no key dates).
    - leader_vol, follower_vol: rolling annualised volatility (index: the window's last bar);
      leader_vol_pct, follower_vol_pct: the latest value's percentile (0..1) in its history.
    - timings: seconds per part, for the benchmark breakdown.
    - notes: plain-language reasons where a part is empty (e.g. no overlapping dates).
    - markets: the names the two markets are given in words (the user's own from the settings,
      else the names people know them by): in the verdicts, and by the charts and tables.
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
    correlation_by_year: pd.DataFrame
    lead_lag: pd.DataFrame
    cycles: pd.DataFrame
    cycle_curves: dict[str, pd.Series]
    current_cycle: str | None
    leader_vol: pd.Series
    follower_vol: pd.Series
    leader_vol_pct: float
    follower_vol_pct: float
    follower_bull_share: float
    leader_state: LeaderState
    key_dates: tuple[KeyDate, ...]
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    markets: Markets | None = None
    halving_market: str = "follower"


def run_analysis(
    leader_key: str,
    leader: pd.DataFrame,
    follower_key: str,
    follower: pd.DataFrame,
    params: AnalysisParams,
    key_dates: tuple[KeyDate, ...],
    follower_origin_days: Sequence[int] = (),
    markets: Markets | None = None,
) -> AnalysisResult:
    """Run every signal on the two bar frames (see AnalysisResult).

    `follower_origin_days`: the epoch days on which the follower's bars switch to another
    source (an imported file, then a provider); an event window across one is rough data.
    `markets`: the names the verdict sentences give the two markets (default: the names people
    know them by, app.instruments.market_name; app.pipeline passes the user's own).

    Parameters that make no sense raise AnalysisError; data that is too short or does not
    overlap gives empty parts, each with a plain reason in `notes`, never a made-up number.

    Raises:
        AnalysisError: invalid parameters, or bars that are unsorted or have unusable closes.
    """
    from app.signals.parts import Bars

    validate_params(params)
    lead = Bars.of(leader, "leader")
    foll = Bars.of(follower, "follower", follower_origin_days)
    timings: dict[str, float] = {}
    keys = (leader_key, follower_key)
    markets = markets or Markets(market_name(leader_key), market_name(follower_key))
    side = halving_market(leader_key, follower_key)
    key_dates = key_dates if side else ()  # the key dates are Bitcoin's
    with beyond_float_range_is_missing():
        parts = _run_parts(lead, foll, params, (keys, markets, side), key_dates, timings)
    result = _assemble(parts, (leader_key, leader), (follower_key, follower), params, key_dates)
    return dataclasses.replace(result, markets=markets, halving_market=side)


@dataclass(frozen=True)
class _Parts:
    """What each part returned, in the order they ran (each with its own notes)."""

    breakouts: Part[pd.DataFrame]
    leader_ath: pd.Series
    event_study: Part[EventStudy]
    regimes: Part[RegimeParts]
    correlation: Part[pd.Series]
    correlation_by_year: Part[pd.DataFrame]
    lead_lag: Part[pd.DataFrame]
    cycles: Part[Cycles]
    leader_vol: Part[tuple[pd.Series, float]]
    follower_vol: Part[tuple[pd.Series, float]]
    leader_state: LeaderState
    timings: dict[str, float]

    def notes(self) -> tuple[str, ...]:
        parts: tuple[Part[Any], ...] = (self.breakouts, self.event_study, self.regimes)
        parts += (self.correlation, self.correlation_by_year, self.lead_lag, self.cycles)
        parts += (self.leader_vol, self.follower_vol)
        return tuple(note for part in parts for note in part.notes)


def _run_parts(
    lead: Bars,
    foll: Bars,
    params: AnalysisParams,
    pair: tuple[tuple[str, str], Markets, str],
    key_dates: tuple[KeyDate, ...],
    timings: dict[str, float],
) -> _Parts:
    """Each part in turn, timed (PARTS); none changes another's output. `pair`: the keys and
    the names of the two markets, and which of them has halving cycles ("" neither)."""
    from app.signals import parts as p

    keys, markets, side = pair
    with _timed(timings, "breakouts"):
        breakouts, values, ath = p.breakouts_part(lead, params)
    with _timed(timings, "event_study"):
        study = p.event_study_part(breakouts.value, foll, params, markets)
    with _timed(timings, "regimes"):
        regimes = p.regimes_part(lead, foll, breakouts.value, params, keys)
    with _timed(timings, "correlation"):
        correlation, by_year = p.correlation_parts(lead, foll, params.corr_window)
    with _timed(timings, "lead_lag"):
        lead_lag = p.lead_lag_part(lead, foll)
    with _timed(timings, "cycles"):
        cycles = p.cycles_part({"leader": lead, "follower": foll}.get(side), key_dates, side)
    with _timed(timings, "volatility"):
        volatility = _volatility_parts(lead, foll, params, keys)
    with _timed(timings, "state"):
        state = leader_state(lead.days, values, lead.close)
    return _Parts(
        breakouts, ath, study, regimes, correlation, by_year, lead_lag, cycles, *volatility,
        state, timings,
    )  # fmt: skip


def _volatility_parts(
    lead: Bars, foll: Bars, params: AnalysisParams, keys: tuple[str, str]
) -> tuple[Part[tuple[pd.Series, float]], Part[tuple[pd.Series, float]]]:
    """Both markets' rolling volatility and its latest percentile."""
    from app.signals.parts import volatility_part

    window = params.vol_window
    return (
        volatility_part(lead, window, params.leader_trades_every_day, keys[0]),
        volatility_part(foll, window, params.follower_trades_every_day, keys[1]),
    )


def _assemble(
    parts: _Parts,
    leader: tuple[str, pd.DataFrame],
    follower: tuple[str, pd.DataFrame],
    params: AnalysisParams,
    key_dates: tuple[KeyDate, ...],
) -> AnalysisResult:
    """The one place the result is put together from the parts' typed values."""
    study, regimes, cycles = parts.event_study.value, parts.regimes.value, parts.cycles.value
    (leader_vol, leader_pct), (follower_vol, follower_pct) = (
        parts.leader_vol.value, parts.follower_vol.value
    )  # fmt: skip
    return AnalysisResult(
        leader_key=leader[0],
        follower_key=follower[0],
        params=params,
        leader=leader[1],
        follower=follower[1],
        leader_ath=parts.leader_ath,
        breakouts=_breakout_table(parts.breakouts.value, study, regimes),
        summary=study.summary,
        leader_regimes=regimes.leader,
        follower_regimes=regimes.follower,
        follower_bull_share=regimes.follower_bull_share,
        correlation=parts.correlation.value,
        correlation_by_year=parts.correlation_by_year.value,
        lead_lag=parts.lead_lag.value,
        cycles=cycles.table,
        cycle_curves=cycles.curves,
        current_cycle=cycles.current,
        leader_vol=leader_vol,
        follower_vol=follower_vol,
        leader_vol_pct=leader_pct,
        follower_vol_pct=follower_pct,
        leader_state=parts.leader_state,
        key_dates=tuple(key_dates),
        seed=params.seed,
        timings=parts.timings,
        notes=parts.notes(),
    )


def _breakout_table(
    breakouts: pd.DataFrame, study: EventStudy, regimes: RegimeParts
) -> pd.DataFrame:
    """The breakouts with the event study's columns, the follower's phase on each breakout
    day and the days until the follower's next all-time high (AnalysisResult's order)."""
    import pandas as pd

    phase = regimes.at_breakouts.set_axis(breakouts.index)
    table = pd.concat([breakouts, study.columns, phase], axis=1)
    table["days_to_follower_ath"] = study.days_to_follower_ath
    return table


@contextmanager
def _timed(timings: dict[str, float], part: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[part] = time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Checks


def validate_params(params: AnalysisParams) -> None:
    """Raise AnalysisError naming the first parameter that makes the analysis meaningless.

    Each parameter is held to the allowed range of the setting it comes from (app.config),
    with the same wording, so a script that builds parameters by hand gets the settings' rules.
    """
    from app.config import INSTRUMENT_SETTINGS, SETTINGS

    try:
        for row in SETTINGS:
            name = row.param or row.name
            if hasattr(params, name):
                row.check(_plain(getattr(params, name)), name)
        for role in ("leader", "follower"):
            rule = getattr(params, f"{role}_regime")
            for row in INSTRUMENT_SETTINGS:
                name = row.param or row.name
                if hasattr(rule, name):
                    row.check(_plain(getattr(rule, name)), f"{role}_regime.{name}")
    except SettingsError as exc:
        raise AnalysisError(str(exc)) from None
    if params.headline_horizon not in params.horizons:
        shown = ", ".join(str(h) for h in params.horizons)
        raise AnalysisError(
            f"headline_horizon: must be one of the horizons ({shown} days; "
            f"got {params.headline_horizon})"
        )


def _plain(value: object) -> object:
    """numpy scalars and lists as the settings rules expect them (int, float, tuple)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


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
