"""What happens on every pan and zoom, before anything is painted.

For the dates in view: compare mode indexes both markets to 100 on the first date both have
data in view, every curve picks its level of detail, and each pane's Y range is fitted to what
its items draw in view (each item answers for its own range), leaving room at the top for the
pane's date labels. Doing this synchronously when the X range changes means a frame is painted
once; pyqtgraph's own auto-range runs while painting and so makes every frame paint twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from widgets.charts.content import RebaseGroup, StackContent
from widgets.charts.pane_spec import Pane
from widgets.charts.pg import pg

Y_PADDING = 0.06  # share of the fitted range added above and below
INDEX_BASE = 100.0


def refresh_panes(
    plots: Mapping[Pane, pg.PlotItem],
    content: StackContent,
    x_range: tuple[float, float],
    columns: int,
    log: bool,
    compare: bool,
    reserved_px: Mapping[Pane, float],
    label_px: float,
) -> None:
    """Re-base, re-sample (a low/high pair per column) and re-fit every pane.

    `reserved_px` is the room each pane keeps free at its top (its date labels); `label_px`
    the height of a tick label, kept free at both ends of a fixed range so its end values
    can be labelled.
    """
    x0, x1 = x_range
    rebase(content, x0, compare)
    for pane, plot in plots.items():
        pane_content = content.panes[pane]
        for curve in pane_content.curves:
            curve.update(x0, x1, columns)
        fixed = pane.spec.fixed_y
        if fixed is not None:
            fit_fixed(plot.vb, fixed, label_px)
            continue
        bounds = pane_content.y_bounds(x0, x1)
        if bounds is not None:
            fit_y(plot.vb, *bounds, log and pane.spec.prices, reserved_px.get(pane, 0.0))


def rebase(content: StackContent, left: float, compare: bool) -> None:
    """Compare mode: both markets = 100 on the first date both have data at or after `left`.

    Indexing each market at its own first visible bar would compare ^RUT in 1987 with Bitcoin
    in 2010 (and show Bitcoin at fifty million); the common date makes the two lines say "what
    €100 in each became from that day on". When only one market has data in view, it alone is
    indexed, at its first visible bar. `content.compare_base_x` keeps the date used.
    """
    groups = [g for g in (content.leader_group, content.follower_group) if g is not None]
    base = compare_base(groups, left) if compare else None
    content.compare_base_x = base
    for group in groups:
        factor = None if base is None else _factor(group, left, base)
        if factor != group.factor:
            group.set_factor(factor)


def compare_base(groups: list[RebaseGroup], left: float) -> float | None:
    """The first X at or after `left` where every group with data in view has a value."""
    firsts = []
    for group in groups:
        i = int(np.searchsorted(group.base_xs, left, side="left"))
        if i < group.base_xs.size:
            firsts.append(float(group.base_xs[i]))
    return max(firsts) if firsts else None


def _factor(group: RebaseGroup, left: float, base: float) -> float | None:
    """100 / the group's value on or before `base` (None if it has none in view)."""
    i = int(np.searchsorted(group.base_xs, base, side="right")) - 1
    if i < 0 or group.base_xs[i] < left or not group.base_ys[i] > 0:
        return None
    return INDEX_BASE / float(group.base_ys[i])


def fit_y(
    view_box: pg.ViewBox, low: float, high: float, log: bool, reserved_px: float = 0.0
) -> None:
    """Show [low, high] with a little room above and below (in log10 when `log`), and
    `reserved_px` free pixels at the top (where the pane's date labels sit)."""
    if log:
        if high <= 0:
            return
        low = math.log10(low) if low > 0 else math.log10(high) - 1
        high = math.log10(high)
    span = high - low
    pad = span * Y_PADDING if span > 0 else max(abs(high) * 0.05, 0.5)
    bottom, top = low - pad, high + pad
    height = view_box.height()
    if 0 < reserved_px < height / 2:
        top = bottom + (top - bottom) * height / (height - reserved_px)
    view_box.setYRange(bottom, top, padding=0.0)


def fit_fixed(view_box: pg.ViewBox, value_range: tuple[float, float], label_px: float) -> None:
    """Show a fixed range with half a label of room beyond each end (so both are labelled)."""
    low, high = value_range
    height = view_box.height()
    margin_px = label_px / 2 + 3
    if height <= 4 * margin_px:
        view_box.setYRange(low, high, padding=0.0)
        return
    margin = (high - low) * margin_px / (height - 2 * margin_px)
    view_box.setYRange(low - margin, high + margin, padding=0.0)
