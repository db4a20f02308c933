"""Moving through time from the keyboard, the View menu and the toolbar's range presets.

Plain functions on X ranges (chart X is seconds since 1970 UTC), so the arithmetic is tested
without widgets; the window applies the ranges to the chart stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

DAY_S = 86_400.0
YEAR_S = 365.25 * DAY_S
PAN_FRACTION = 0.1  # of the visible span per Left/Right
ZOOM_FACTOR = 1.5  # span divided (in) or multiplied (out) per +/−
#: "Only where both markets have data" starts on by default when the follower starts this much
#: later than the leader (Bitcoin's 2010 against the Russell 2000's 1987).
LATE_FOLLOWER_YEARS = 10

XRange = tuple[float, float]


def panned(x_range: XRange, fraction: float) -> XRange:
    """The range moved by `fraction` of its span (negative: back in time)."""
    x0, x1 = x_range
    step = (x1 - x0) * fraction
    return x0 + step, x1 + step


def zoomed(x_range: XRange, factor: float) -> XRange:
    """The range around its middle with its span divided by `factor` (> 1 zooms in)."""
    x0, x1 = x_range
    middle, half = (x0 + x1) / 2, (x1 - x0) / (2 * factor)
    return middle - half, middle + half


def pan(charts: Any, fraction: float) -> None:
    """Pan the chart stack by `fraction` of its view.

    The stack's own move when it has one (its TimeNavigation, which also re-fits and reports the
    range), else the same move through its X range: the window works with either chart side.
    """
    own = getattr(charts, "pan", None)
    if own is not None:
        own(fraction)
    else:
        charts.set_x_range(panned(charts.x_range(), fraction))


def zoom(charts: Any, factor: float) -> None:
    """Zoom the chart stack around the middle of its view (the stack's own zoom if it has one)."""
    own = getattr(charts, "zoom", None)
    if own is not None:
        own(factor)
    else:
        charts.set_x_range(zoomed(charts.x_range(), factor))


def set_both_only(charts: Any, on: bool) -> None:
    """Tell the stack to keep to the dates both markets have, where it can (its overlap mode)."""
    own = getattr(charts, "set_overlap_only", None)
    if own is not None:
        own(on)


def first_x(result: AnalysisResult, role: str) -> float | None:
    """Chart X of the first bar of the leader or follower (None without bars)."""
    bars = result.leader if role == "leader" else result.follower
    if bars is None or not len(bars):
        return None
    return float(bars.index[0].value) / 1e9  # Timestamp.value is always nanoseconds


def last_x(result: AnalysisResult) -> float | None:
    """Chart X of the end of the newest bar of either market."""
    ends = [float(b.index[-1].value) / 1e9 for b in (result.leader, result.follower) if len(b)]
    return max(ends) + DAY_S if ends else None


def both_start(result: AnalysisResult) -> float | None:
    """Where both markets have data: the later of the two first bars (None if one has none)."""
    firsts = [first_x(result, role) for role in ("leader", "follower")]
    return None if None in firsts else max(firsts)  # type: ignore[type-var]


def follower_starts_much_later(result: AnalysisResult) -> bool:
    """True when the follower's history begins LATE_FOLLOWER_YEARS or more after the leader's."""
    lead, follow = first_x(result, "leader"), first_x(result, "follower")
    return lead is not None and follow is not None and follow - lead >= LATE_FOLLOWER_YEARS * YEAR_S


def preset_range(result: AnalysisResult, name: str, both_only: bool) -> XRange | None:
    """The X range of a preset: "1y", "5y", "follower" (since its first bar) or "all".

    With `both_only`, "all" starts where both markets have data.
    """
    end = last_x(result)
    if end is None:
        return None
    starts = [first_x(result, role) for role in ("leader", "follower")]
    earliest = min(s for s in starts if s is not None)
    if name == "1y":
        start = end - YEAR_S
    elif name == "5y":
        start = end - 5 * YEAR_S
    elif name == "follower":
        start = first_x(result, "follower") or earliest
    else:
        start = (both_start(result) if both_only else None) or earliest
    return max(start, earliest), end
