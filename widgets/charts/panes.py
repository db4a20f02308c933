"""What each of the four linked panes draws from an AnalysisResult.

Each builder fills one (cleared) PlotItem and returns the series the crosshair reads and, for
the leader pane, the curves that "compare" mode rebases. Kept apart from the widget so the
widget only deals with layout, interaction and state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from widgets.charts.coords import (
    ReadoutSeries,
    close_xy,
    index_seconds,
    series_xy,
    to_x,
)
from widgets.charts.items import add_curve, add_markers, add_spans, add_vline, add_vlines
from widgets.charts.lod import LodCurve
from widgets.theme import Theme

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

PANE_TITLES = ("leader", "follower", "correlation", "volatility")
LABEL_MAX_CHARS = 34


def instrument_label(key: str) -> str:
    """The short label of an instrument key (the key itself if it does not parse)."""
    from app.errors import InvalidKeyError
    from app.instruments import parse_key

    try:
        return parse_key(key).label
    except InvalidKeyError:
        return key


def instrument_ticker(key: str) -> str:
    """The ticker alone (for the compact readout): ^RUT, BTC/USD."""
    from app.errors import InvalidKeyError
    from app.instruments import parse_key

    try:
        return parse_key(key).ticker
    except InvalidKeyError:
        return key


@dataclass
class RebaseGroup:
    """Curves rebased together in compare mode, by the factor of their base series."""

    base_xs: np.ndarray
    base_ys: np.ndarray
    curves: list[LodCurve] = field(default_factory=list)
    markers: list[tuple[pg.PlotDataItem, np.ndarray, np.ndarray]] = field(default_factory=list)
    factor: float | None = None


@dataclass
class StackContent:
    """What the widget keeps after drawing a result."""

    readouts: list[list[ReadoutSeries]] = field(default_factory=lambda: [[], [], [], []])
    curves: list[list[LodCurve]] = field(default_factory=lambda: [[], [], [], []])
    leader_group: RebaseGroup | None = None
    follower_group: RebaseGroup | None = None
    follower_overlay: pg.PlotDataItem | None = None
    x_bounds: tuple[float, float] | None = None
    leader_label: str = ""
    follower_label: str = ""
    leader_short: str = ""
    follower_short: str = ""
    date_lines: list[pg.InfiniteLine] = field(default_factory=list)


def _swatch(colour, theme: Theme) -> pg.PlotDataItem:
    """A legend-only sample (a filled square) for shaded spans."""
    return pg.PlotDataItem(
        [0], [0], pen=None, symbol="s", symbolSize=theme.px(11), symbolBrush=pg.mkBrush(colour),
        symbolPen=pg.mkPen(None),
    )  # fmt: skip


def _line_sample(colour, theme: Theme, style=Qt.PenStyle.SolidLine) -> pg.PlotDataItem:
    """A legend-only sample for vertical date lines."""
    return pg.PlotDataItem([0], [0], pen=pg.mkPen(colour, width=theme.line_width, style=style))


def build_leader_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Leader close, its running all-time high, consolidation spans and breakout markers."""
    breakouts = result.breakouts
    if len(breakouts):
        starts = index_seconds(_as_dates(breakouts["prior_ath_date"]))
        ends = index_seconds(_as_dates(breakouts["date"]))
        add_spans(plot, starts, ends, theme.consolidation)
    xs, ys = close_xy(result.leader)
    leader = add_curve(plot, xs, ys, theme.leader, theme.line_width, content.leader_label)
    ath_xs, ath_ys = series_xy(result.leader_ath)
    ath = add_curve(
        plot, ath_xs, ath_ys, theme.ath, theme.thin_width, "All-time high", Qt.PenStyle.DashLine, 8
    )
    group = RebaseGroup(xs, ys, [leader, ath])
    if len(breakouts):
        bx = index_seconds(_as_dates(breakouts["date"]))
        by = breakouts["level"].to_numpy(dtype=float)
        markers = add_markers(plot, bx, by, theme, "Breakout")
        group.markers.append((markers, bx, by))
        plot.legend.addItem(_swatch(theme.consolidation, theme), "Consolidation")
    fxs, fys = close_xy(result.follower)
    overlay = add_curve(plot, fxs, fys, theme.follower, theme.line_width, None, z=9)
    overlay.item.setVisible(False)
    content.leader_group = group
    content.follower_group = RebaseGroup(fxs, fys, [overlay])
    content.follower_overlay = overlay.item
    content.curves[0] = [leader, ath, overlay]
    content.readouts[0] = [
        ReadoutSeries(content.leader_short, xs, ys, "price", theme.css(theme.leader)),
        ReadoutSeries("ATH", ath_xs, ath_ys, "price", theme.css(theme.ath)),
    ]


def build_follower_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Follower close, its bull phases, key-date lines and the leader's breakout dates."""
    regimes = result.follower_regimes
    bull_spans = None
    if len(regimes):
        bulls = regimes.loc[regimes["kind"] == "bull"]
        starts = index_seconds(_as_dates(bulls["start"]))
        ends = index_seconds(_as_dates(bulls["end"]))
        bull_spans = add_spans(plot, starts, ends, theme.bull)
    xs, ys = close_xy(result.follower)
    content.curves[1] = [
        add_curve(plot, xs, ys, theme.follower, theme.line_width, content.follower_label)
    ]
    if bull_spans is not None and len(bull_spans):
        plot.legend.addItem(_swatch(theme.bull, theme), "Bull phase")
    _add_key_dates(plot, result, theme, content)
    if len(result.breakouts):
        pen = pg.mkPen(theme.breakout, width=theme.thin_width, style=Qt.PenStyle.DashLine)
        add_vlines(plot, index_seconds(_as_dates(result.breakouts["date"])), pen)
        dashed = _line_sample(theme.breakout, theme, Qt.PenStyle.DashLine)
        plot.legend.addItem(dashed, f"{content.leader_label} breakout")
    content.readouts[1] = [
        ReadoutSeries(content.follower_short, xs, ys, "price", theme.css(theme.follower))
    ]


def _add_key_dates(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    key_dates = sorted(result.key_dates, key=lambda kd: kd.date)
    for kd in key_dates:
        halving = kd.kind == "halving"
        colour = theme.halving if halving else theme.event
        style = Qt.PenStyle.SolidLine if halving else Qt.PenStyle.DotLine
        label = kd.label
        if len(label) > LABEL_MAX_CHARS:
            label = label[: LABEL_MAX_CHARS - 1] + "…"
        width = theme.thin_width * 1.3
        add_vline(plot, to_x(kd.date), colour, width, style, label, theme, content.date_lines)
    if any(kd.kind == "halving" for kd in key_dates):
        plot.legend.addItem(_line_sample(theme.halving, theme), "Halving")


def build_correlation_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> str:
    """Rolling correlation with its zero line; returns a message if there is none."""
    plot.addItem(
        pg.InfiniteLine(
            pos=0.0, angle=0, movable=False, pen=pg.mkPen(theme.muted, width=theme.thin_width)
        ),
        ignoreBounds=True,
    )
    xs, ys = series_xy(result.correlation)
    window = result.params.corr_window
    content.curves[2] = [
        add_curve(plot, xs, ys, theme.correlation, theme.line_width, f"{window}-day correlation")
    ]
    content.readouts[2] = [ReadoutSeries("corr", xs, ys, "number", theme.css(theme.correlation))]
    return "" if xs.size else "No correlation: the two markets share too few dates"


def build_volatility_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> str:
    """Annualised volatility of both markets, in percent; returns a message if there is none."""
    readouts = []
    window = result.params.vol_window
    for series, colour, label, short in (
        (result.follower_vol, theme.follower, content.follower_label, content.follower_short),
        (result.leader_vol, theme.leader, content.leader_label, content.leader_short),
    ):
        xs, ys = series_xy(series)
        name = f"{label} {window}-day vol"
        content.curves[3].append(add_curve(plot, xs, ys * 100.0, colour, theme.line_width, name))
        readouts.append(ReadoutSeries(f"vol {short}", xs, ys, "percent", theme.css(colour)))
    content.readouts[3] = readouts
    if all(r.xs.size == 0 for r in readouts):
        return "No volatility: too few bars for the window"
    return ""


def data_x_bounds(result: AnalysisResult) -> tuple[float, float] | None:
    """The first and last date of either market, as chart X."""
    ends: list[float] = []
    for frame in (result.leader, result.follower):
        if frame is not None and len(frame):
            seconds = index_seconds(frame.index)
            ends.extend((float(seconds.min()), float(seconds.max())))
    return (min(ends), max(ends)) if ends else None


def _as_dates(column):
    """A column of dates as a DatetimeIndex (whatever its datetime unit)."""
    import pandas as pd

    return pd.DatetimeIndex(pd.to_datetime(column))
