"""What the chart stack keeps after drawing a result: per pane, and across panes.

Each pane's content lists the items that answer for their own Y range (curves and price marks,
as vn.py's chart items report theirs), the readout series, the legend entries and a message for
an empty pane; so fitting, the readout and the legend strip work the same way for every pane.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from widgets.charts.coords import ReadoutSeries, date_text
from widgets.charts.date_labels import BandLabel
from widgets.charts.legend_strip import LegendEntry
from widgets.charts.lod import LodCurve
from widgets.charts.markers import PriceMarks
from widgets.charts.pane_spec import Markets, Pane


@dataclass
class PaneContent:
    """The items of one pane."""

    curves: list[LodCurve] = field(default_factory=list)
    marks: list[PriceMarks] = field(default_factory=list)
    readouts: list[ReadoutSeries] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    message: str = ""

    def y_bounds(self, x0: float, x1: float) -> tuple[float, float] | None:
        """Lowest and highest value the pane's items draw inside [x0, x1], or None."""
        ranges = [curve.visible_y_range(x0, x1) for curve in self.curves]
        ranges += [mark.visible_y_range(x0, x1) for mark in self.marks]
        found = [b for b in ranges if b is not None]
        if not found:
            return None
        return min(b[0] for b in found), max(b[1] for b in found)


@dataclass
class RebaseGroup:
    """A market's curves and marks, indexed together in compare mode (100 at the base date)."""

    base_xs: np.ndarray
    base_ys: np.ndarray
    curves: list[LodCurve] = field(default_factory=list)
    marks: list[PriceMarks] = field(default_factory=list)
    factor: float | None = None

    def set_factor(self, factor: float | None) -> None:
        scale = 1.0 if factor is None else factor
        for curve in self.curves:
            curve.scale = scale
        for mark in self.marks:
            mark.set_scale(scale)
        self.factor = factor


@dataclass(frozen=True)
class BreakoutDates:
    """The leader's breakouts as chart X (midnight of each date), in the frame's row order."""

    xs: np.ndarray
    follower_first_x: float | None


def _panes() -> dict[Pane, PaneContent]:
    return {pane: PaneContent() for pane in Pane}


@dataclass
class StackContent:
    """Everything drawn for one result, by pane, plus what spans panes."""

    panes: dict[Pane, PaneContent] = field(default_factory=_panes)
    leader_group: RebaseGroup | None = None
    follower_group: RebaseGroup | None = None
    follower_overlay: LodCurve | None = None
    overlay_entry: LegendEntry | None = None
    x_bounds: tuple[float, float] | None = None
    both_markets_bounds: tuple[float, float] | None = None
    markets: Markets = field(default_factory=Markets)
    key_dates: list[BandLabel] = field(default_factory=list)
    key_dates_pane: Pane = Pane.FOLLOWER  # the pane of the pair's Bitcoin market
    breakouts: BreakoutDates = field(default_factory=lambda: BreakoutDates(np.empty(0), None))
    compare_base_x: float | None = None

    def curves(self) -> list[LodCurve]:
        """Every curve of every pane."""
        return [curve for content in self.panes.values() for curve in content.curves]

    def compare_note(self) -> str:
        """Which market is indexed on which date (compare mode)."""
        base = self.compare_base_x
        if base is None:
            return "nothing in view to index"
        leader = self.leader_group is not None and self.leader_group.factor is not None
        follower = self.follower_group is not None and self.follower_group.factor is not None
        if leader and follower:
            who = "both = 100"
        else:
            markets = self.markets
            who = f"{markets.leader_ticker if leader else markets.follower_ticker} = 100"
        return f"{who} on {date_text(base)}"
