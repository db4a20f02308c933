"""What each of the four linked panes draws from a ChartInput (app.chart_input, numpy only).

One builder per pane (`BUILDERS`, by `Pane`) fills a cleared PlotItem and records in the
stack's content what the pane's items are: curves and marks that report their own Y range, the
series the readout reads, the legend entries of its strip, and a message when it is empty.
Kept apart from the canvas so that one only deals with layout, interaction and state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt

from app.bars import EPOCH_DAY_SECONDS
from app.chart_input import pair_names
from app.instruments import market_ticker
from widgets.charts.content import BreakoutDates, RebaseGroup, StackContent
from widgets.charts.coords import ReadoutSeries, date_text, format_change, format_price
from widgets.charts.date_labels import BandLabel
from widgets.charts.items import LodCurve, add_curve, add_spans, add_vline, add_vlines
from widgets.charts.legend_strip import LegendEntry
from widgets.charts.markers import BreakoutMarkers
from widgets.charts.pane_spec import Markets, Pane
from widgets.charts.pg import pg
from widgets.theme import Theme

if TYPE_CHECKING:
    from app.chart_input import ChartInput

LABEL_MAX_CHARS = 34
#: The overlap-only view is the natural default when one market starts this much later.
OVERLAP_DEFAULT_YEARS = 10


def markets_of(chart: ChartInput) -> Markets:
    leader, follower = pair_names(chart)
    return Markets(
        leader=leader,
        follower=follower,
        leader_ticker=market_ticker(chart.leader_key),
        follower_ticker=market_ticker(chart.follower_key),
    )


def build_leader_pane(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> None:
    """Leader close, its running all-time high, consolidation spans and breakout markers."""
    pane, markets = content.panes[Pane.LEADER], content.markets
    breakouts = chart.breakouts
    if len(breakouts):
        add_spans(plot, breakouts.prior_ath_xs, breakouts.xs, theme.consolidation)
    xs, ys = chart.leader.xs, chart.leader.ys
    leader = add_curve(plot, xs, ys, theme.leader, theme.line_width, markets.leader)
    ath_xs, ath_ys = chart.leader_ath.xs, chart.leader_ath.ys
    dash = Qt.PenStyle.DashLine
    ath = add_curve(plot, ath_xs, ath_ys, theme.ath, theme.thin_width, "All-time high", dash, 8)
    group = RebaseGroup(xs, ys, [leader, ath])
    pane.legend = [
        LegendEntry(markets.leader, theme.leader, width=theme.line_width, priority=3),
        LegendEntry("All-time high", theme.ath, style=dash, width=theme.thin_width, priority=1),
    ]
    if len(breakouts):
        markers = _breakout_markers(plot, chart, theme, content)
        group.marks.append(markers)
        pane.marks.append(markers)
        pane.legend.append(LegendEntry("Breakout", theme.breakout, "marker", priority=2))
        if _dimmed(content).any():
            text = f"Breakout before {markets.follower_ticker} data"
            pane.legend.append(LegendEntry(text, theme.breakout_dim, "marker"))
        pane.legend.append(LegendEntry("Consolidation", theme.consolidation, "swatch"))
    if content.key_dates_pane is Pane.LEADER:  # Bitcoin leads: its halvings on its pane
        pane.legend += _add_key_dates(plot, chart, theme, content)
    content.leader_group = group
    pane.curves = [leader, ath, _add_follower_overlay(plot, chart, theme, content)]
    pane.readouts = [
        ReadoutSeries(markets.leader_ticker, xs, ys, "price", theme.css(theme.leader)),
        ReadoutSeries("ATH", ath_xs, ath_ys, "price", theme.css(theme.ath)),
    ]
    pane.message = "" if xs.size else "No leader prices"


def _add_follower_overlay(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> LodCurve:
    """The follower's close on the leader's pane, hidden until Compare rebases both."""
    follower = content.markets.follower
    fxs, fys = chart.follower.xs, chart.follower.ys
    overlay = add_curve(plot, fxs, fys, theme.follower, theme.line_width, follower, z=9)
    overlay.item.setVisible(False)
    content.follower_group = RebaseGroup(fxs, fys, [overlay])
    content.follower_overlay = overlay
    content.overlay_entry = LegendEntry(
        follower, theme.follower, width=theme.line_width, priority=3
    )
    return overlay


def _dimmed(content: StackContent) -> np.ndarray:
    """True for breakouts before the follower's first bar (nothing to measure after them)."""
    dates = content.breakouts
    if dates.follower_first_x is None:
        return np.ones(dates.xs.size, dtype=bool)
    return dates.xs < dates.follower_first_x


def _breakout_markers(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> BreakoutMarkers:
    dimmed = _dimmed(content)
    bright = pg.mkBrush(theme.breakout)
    dim = pg.mkBrush(theme.breakout_dim)
    markers = BreakoutMarkers(
        content.breakouts.xs,
        chart.breakouts.level,
        size=theme.marker_size,
        brushes=[dim if d else bright for d in dimmed],
        pen=pg.mkPen(theme.background, width=theme.thin_width),
        tip=lambda row: breakout_tip(chart, row, content.markets, bool(dimmed[row])),
    )
    markers.setZValue(30)
    plot.addItem(markers)
    return markers


def breakout_tip(chart: ChartInput, row: int, markets: Markets, before_data: bool) -> str:
    """The tooltip of a breakout marker: date, level, gap and the follower's returns."""
    breakouts = chart.breakouts
    lines = [
        f"Breakout {date_text(breakouts.xs[row])}",
        f"{markets.leader_ticker} {format_price(breakouts.level[row])}, "
        f"{format_change(breakouts.pct_above[row])} above the old high of "
        f"{date_text(breakouts.prior_ath_xs[row])}",
        f"{int(breakouts.gap_days[row]):,} days without a new high before it",
    ]
    if before_data:
        lines.append(f"{markets.follower} had no data yet: nothing to measure")
        return "\n".join(lines)
    returns = [
        f"{format_change(change)} ({h} d)"
        for h, change in zip(chart.horizons, breakouts.returns[row], strict=True)
        if np.isfinite(change)
    ]
    lines.append(f"{markets.follower} after it: " + (" · ".join(returns) or "not measured yet"))
    lines.append("Click to select it in the Signals table")
    return "\n".join(lines)


def build_follower_pane(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> None:
    """Follower close, its bull phases, key-date lines and the leader's breakout dates."""
    pane, markets = content.panes[Pane.FOLLOWER], content.markets
    pane.legend = [
        LegendEntry(markets.follower, theme.follower, width=theme.line_width, priority=3)
    ]
    if chart.bull_starts.size and len(
        add_spans(plot, chart.bull_starts, chart.bull_ends, theme.bull)
    ):
        pane.legend.append(LegendEntry("Bull phase", theme.bull, "swatch", priority=1))
    xs, ys = chart.follower.xs, chart.follower.ys
    pane.curves = [add_curve(plot, xs, ys, theme.follower, theme.line_width, markets.follower)]
    if content.key_dates_pane is Pane.FOLLOWER:
        pane.legend += _add_key_dates(plot, chart, theme, content)
    if content.breakouts.xs.size:
        pane.legend.append(_add_breakout_lines(plot, theme, content))
    pane.readouts = [
        ReadoutSeries(markets.follower_ticker, xs, ys, "price", theme.css(theme.follower))
    ]
    pane.message = "" if xs.size else "No follower prices"


def _add_breakout_lines(plot: pg.PlotItem, theme: Theme, content: StackContent) -> LegendEntry:
    dimmed = _dimmed(content)
    xs = content.breakouts.xs
    dash = Qt.PenStyle.DashLine
    for keep, colour in (
        (~dimmed, theme.breakout),
        (dimmed, theme.breakout_dim),
    ):
        if keep.any():
            add_vlines(plot, xs[keep], pg.mkPen(colour, width=theme.thin_width, style=dash))
    text = f"{content.markets.leader_ticker} breakout"
    return LegendEntry(text, theme.breakout, "vline", theme.thin_width, dash, priority=2)


def _add_key_dates(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> list[LegendEntry]:
    """Halving and event lines, their band labels and their legend entries."""
    entries: dict[str, LegendEntry] = {}
    for kd in chart.key_dates:  # oldest first
        halving = kd.kind == "halving"
        colour = theme.halving if halving else theme.event
        style = Qt.PenStyle.SolidLine if halving else Qt.PenStyle.DotLine
        width = theme.thin_width * 1.3
        label = kd.label
        if len(label) > LABEL_MAX_CHARS:
            label = label[: LABEL_MAX_CHARS - 1] + "…"
        x = kd.x
        pen = pg.mkPen(colour, width=width, style=style)
        add_vline(plot, x, pen, f"{kd.label} · {date_text(x)}")
        content.key_dates.append(BandLabel(x, label, colour))
        name = "Halving" if halving else "Event"
        entries.setdefault(name, LegendEntry(name, colour, "vline", width, style))
    return list(entries.values())


def build_correlation_pane(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> None:
    """Rolling correlation with its zero line; a message if there is none."""
    pane = content.panes[Pane.CORRELATION]
    zero = pg.InfiniteLine(
        pos=0.0, angle=0, movable=False, pen=pg.mkPen(theme.muted, width=theme.thin_width)
    )
    plot.addItem(zero, ignoreBounds=True)
    xs, ys = chart.correlation.xs, chart.correlation.ys
    window = chart.corr_window
    text = f"{window}-day correlation of daily returns"
    pane.curves = [add_curve(plot, xs, ys, theme.correlation, theme.line_width, text)]
    pane.legend = [LegendEntry(text, theme.correlation, width=theme.line_width)]
    pane.readouts = [ReadoutSeries("corr", xs, ys, "number", theme.css(theme.correlation))]
    pane.message = "" if xs.size else "No correlation: the two markets share too few dates"


def build_volatility_pane(
    plot: pg.PlotItem, chart: ChartInput, theme: Theme, content: StackContent
) -> None:
    """Annualised volatility of both markets, in percent; a message if there is none."""
    pane, markets = content.panes[Pane.VOLATILITY], content.markets
    window = chart.vol_window
    for series, colour, name, ticker in (
        (chart.follower_vol, theme.follower, markets.follower, markets.follower_ticker),
        (chart.leader_vol, theme.leader, markets.leader, markets.leader_ticker),
    ):
        xs, ys = series.xs, series.ys
        text = f"{name} {window}-day volatility"
        pane.curves.append(add_curve(plot, xs, ys * 100.0, colour, theme.line_width, text))
        pane.legend.append(LegendEntry(text, colour, width=theme.line_width))
        pane.readouts.append(ReadoutSeries(f"vol {ticker}", xs, ys, "percent", theme.css(colour)))
    if all(r.xs.size == 0 for r in pane.readouts):
        pane.message = "No volatility: too few bars for the window"


BUILDERS: dict[Pane, Callable[[pg.PlotItem, ChartInput, Theme, StackContent], None]] = {
    Pane.LEADER: build_leader_pane,
    Pane.FOLLOWER: build_follower_pane,
    Pane.CORRELATION: build_correlation_pane,
    Pane.VOLATILITY: build_volatility_pane,
}


def new_content(chart: ChartInput) -> StackContent:
    """The content of a drawing before any pane is built: names, date bounds, breakout dates."""
    follower_xs = chart.follower.xs
    return StackContent(
        x_bounds=chart.x_bounds(),
        both_markets_bounds=chart.both_markets_bounds(),
        key_dates_pane=Pane.LEADER if chart.key_dates_on == "leader" else Pane.FOLLOWER,
        markets=markets_of(chart),
        breakouts=BreakoutDates(
            chart.breakouts.xs, float(follower_xs[0]) if follower_xs.size else None
        ),
    )


def default_overlap_only(chart: ChartInput) -> bool:
    """True when one market's history starts a decade or more after the other's.

    Then most of the all-dates view would show one market alone (^RUT since 1987, Bitcoin
    since 2010): the window starts in the overlap-only view unless the user chose otherwise.
    """
    overlap, bounds = chart.both_markets_bounds(), chart.x_bounds()
    if overlap is None or bounds is None:
        return False
    years = (overlap[0] - bounds[0]) / (365.25 * EPOCH_DAY_SECONDS)
    return years >= OVERLAP_DEFAULT_YEARS
