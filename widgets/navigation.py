"""The toolbar's range presets (1Y, 5Y, since the follower starts) as X ranges; "All" is the
chart stack's own every-date view (Home, double-click).

Plain functions on the result (chart X is seconds since 1970 UTC), so the arithmetic is tested
without widgets; the window applies the ranges to the chart stack, whose own TimeNavigation
does the panning and zooming (widgets.charts.navigation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.bars import EPOCH_DAY_SECONDS

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

YEAR_S = 365.25 * EPOCH_DAY_SECONDS

XRange = tuple[float, float]


def first_x(result: AnalysisResult, role: str) -> float | None:
    """Chart X of the first bar of the leader or follower (None without bars)."""
    bars = result.leader if role == "leader" else result.follower
    if bars is None or not len(bars):
        return None
    return float(bars.index[0].value) / 1e9  # Timestamp.value is always nanoseconds


def last_x(result: AnalysisResult) -> float | None:
    """Chart X of the end of the newest bar of either market."""
    ends = [float(b.index[-1].value) / 1e9 for b in (result.leader, result.follower) if len(b)]
    return max(ends) + EPOCH_DAY_SECONDS if ends else None


def preset_range(result: AnalysisResult, name: str) -> XRange | None:
    """The X range of a preset: "1y", "5y" or "follower" (since its first bar)."""
    end = last_x(result)
    if end is None:
        return None
    starts = [first_x(result, role) for role in ("leader", "follower")]
    earliest = min(s for s in starts if s is not None)
    if name == "1y":
        start = end - YEAR_S
    elif name == "5y":
        start = end - 5 * YEAR_S
    else:
        start = first_x(result, "follower") or earliest
    return max(start, earliest), end
