"""What happens on every pan and zoom, before anything is painted.

For the dates in view: compare mode re-bases both markets to 100 at the left edge, every curve
picks its level of detail, and each pane's Y range is fitted to the values in view. Doing this
synchronously when the X range changes means a frame is painted once; pyqtgraph's own
auto-range runs while painting and so makes every frame paint twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg

from widgets.charts.coords import rebase_factor
from widgets.charts.lod import visible_bounds
from widgets.charts.panes import RebaseGroup, StackContent

Y_PADDING = 0.06  # share of the fitted range added above and below
FIXED_Y_PANES = (2,)  # the correlation pane always shows -1 … 1
LOG_PANES = (0, 1)


def refresh_panes(
    plots: Sequence[pg.PlotItem],
    content: StackContent,
    x_range: tuple[float, float],
    columns: int,
    log: bool,
    compare: bool,
) -> None:
    """Re-base, re-sample (a low/high pair per column) and re-fit every pane."""
    x0, x1 = x_range
    for group in (content.leader_group, content.follower_group):
        if group is not None:
            _rebase(group, x0, compare)
    for index, plot in enumerate(plots):
        curves = content.curves[index]
        for curve in curves:
            curve.update(x0, x1, columns)
        if index in FIXED_Y_PANES or not curves:
            continue
        bounds = [b for b in (curve.bounds(x0, x1) for curve in curves) if b is not None]
        group = content.leader_group if index == 0 else None
        if group is not None:
            bounds += _marker_bounds(group, x0, x1)
        if bounds:
            fit_y(
                plot.vb,
                min(b[0] for b in bounds),
                max(b[1] for b in bounds),
                log and index in LOG_PANES,
            )


def _rebase(group: RebaseGroup, left: float, compare: bool) -> None:
    factor = rebase_factor(group.base_xs, group.base_ys, left) if compare else None
    scale = 1.0 if factor is None else factor
    for curve in group.curves:
        curve.scale = scale
    if factor != group.factor:
        group.factor = factor
        for item, xs, ys in group.markers:
            item.setData(xs, ys * scale)


def _marker_bounds(group: RebaseGroup, x0: float, x1: float) -> list[tuple[float, float]]:
    scale = 1.0 if group.factor is None else group.factor
    found = []
    for _item, xs, ys in group.markers:
        bounds = visible_bounds(xs, ys * scale, x0, x1)
        if bounds is not None:
            found.append(bounds)
    return found


def fit_y(view_box: pg.ViewBox, low: float, high: float, log: bool) -> None:
    """Show [low, high] with a little room above and below (in log10 when `log`)."""
    if log:
        if high <= 0:
            return
        low = math.log10(low) if low > 0 else math.log10(high) - 1
        high = math.log10(high)
    span = high - low
    pad = span * Y_PADDING if span > 0 else max(abs(high) * 0.05, 0.5)
    view_box.setYRange(low - pad, high + pad, padding=0.0)
