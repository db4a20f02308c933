"""The `analyze` command's readable table (`--format table`): the run as aligned text.

Breakouts, the event study and its era comparison with the verdicts, the lead-lag note and
where the leader stands now. The files (CSV, JSON) are app.report's; this is for reading.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from app.formatting import day, multiples_range, percent, phase
from app.formatting import p_value as p_value_text

if TYPE_CHECKING:
    from app.analysis import AnalysisResult


def format_table(result: AnalysisResult) -> str:
    """Breakouts, the event study with its verdicts, the lead-lag note, the leader's state and
    notes, as text."""
    from app.signals.correlation import lead_lag_note

    p = result.params
    lines = [
        f"{result.leader_key} (leader) -> {result.follower_key} (follower)",
        f"Breakout: an all-time high ({p.basis}) at least {p.min_gap_days} days after the "
        f"previous one. Returns are the follower's. Seed {result.seed}.",
        "",
        f"Breakouts ({len(result.breakouts)})",
    ]
    head = ["date", "level", "prior ATH", "on", "gap d", "above"]
    head += [f"{h}d" for h in p.horizons]
    head += ["follower phase"]
    rows = [
        [day(r.date), f"{r.level:,.2f}", f"{r.prior_ath:,.2f}", day(r.prior_ath_date)]
        + [str(r.gap_days), _pct(r.pct_above, 2)]
        + [_pct(getattr(r, f"fwd_{h}d")) for h in p.horizons]
        + [phase(r.regime, r.regime_days, r.regime_return) or "unknown"]
        for r in result.breakouts.itertuples(index=False)
    ]
    lines += _aligned([head, *rows]) if rows else ["  none"]
    lines.append(_bull_share_line(result))
    lines += ["", "Event study: follower return after breakouts vs. every day (base rate)"]
    head = ["horizon", "events", "mean", "median", "positive"]
    head += ["base mean", "base median", "base positive", "p-value"]
    rows = [_summary_cells(r) for r in result.summary.itertuples(index=False)]
    lines += _aligned([head, *rows])
    era = f"random days within {p.era_days} days" if p.era_days else "random days of any era"
    lines += ["", f"Against their era ({era}; {p.bootstrap_draws:,} draws)"]
    head = ["horizon", "geo mean", "era base", "all days", "p adjusted", "p without one"]
    head += ["rests on", "95% interval"]
    rows = [_era_cells(r) for r in result.summary.itertuples(index=False)]
    lines += _aligned([head, *rows])
    lines += ["", *(f"  {v}" for v in result.summary["verdict"])]
    lines += ["", lead_lag_note(result.lead_lag)]
    notes = [n for n in (_age_note(result), *result.notes) if n]
    lines += ["", _state_line(result), *(f"Note: {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def _summary_cells(r: Any) -> list[str]:
    return [
        f"{r.horizon}d",
        str(r.n_events),
        *(_pct(v) for v in (r.mean, r.median)),
        _pct(r.share_positive, 0),
        *(_pct(v) for v in (r.base_mean, r.base_median)),
        _pct(r.base_share_positive, 0),
        p_value_text(r.p_value),
    ]


def _era_cells(r: Any) -> list[str]:
    return [
        f"{r.horizon}d",
        *(_pct(v) for v in (r.geo_mean, r.era_base_geo_mean, r.base_geo_mean)),
        p_value_text(r.p_adjusted),
        p_value_text(r.p_leave_one_out_max),
        r.fragile_event or "",
        multiples_range(r.ci_low, r.ci_high),
    ]


def _pct(value: float, decimals: int = 1) -> str:
    """Changes signed ("+17.3%"), shares of events (decimals=0) unsigned, as everywhere."""
    return percent(value, decimals, signed=decimals != 0)


def _aligned(rows: list[list[str]]) -> list[str]:
    """Text columns: the first left-aligned, numbers right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _bull_share_line(result: AnalysisResult) -> str:
    """The base rate of the follower-phase column."""
    share = result.follower_bull_share
    if math.isnan(share):
        return "Follower phase: no bull or bear phase of the follower can be dated."
    return (
        f"Follower phase: on the breakout day (days since it began, return since then); "
        f"{_pct(share, 0)} of the follower's dated days are bull days."
    )


def _age_note(result: AnalysisResult) -> str:
    """How old the data is, when older than a week (app.data_age): the staler market's."""
    from app.chart_input import pair_names
    from app.data_age import data_age_note

    names = pair_names(result)
    last_days = {
        name: bars.index[-1].date() if len(bars) else None
        for name, bars in zip(names, (result.leader, result.follower), strict=True)
    }
    return data_age_note(last_days, advice="run riskcurve fetch when online")


def _state_line(result: AnalysisResult) -> str:
    s = result.leader_state
    if s.last_date is None:
        return "Leader now: no data."
    where = "at an all-time high" if s.at_ath else f"{s.drawdown:+.1%} from its all-time high"
    return (
        f"Leader now: {s.last_close:,.2f} on {day(s.last_date)}, {where} "
        f"(last set {day(s.last_ath_date)}, {s.days_since_ath} days ago)."
    )
