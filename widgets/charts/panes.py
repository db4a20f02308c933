"""What each of the four linked panes draws from an AnalysisResult.

One builder per pane (`BUILDERS`, by `Pane`) fills a cleared PlotItem and records in the
stack's content what the pane's items are: curves and marks that report their own Y range, the
series the readout reads, the legend entries of its strip, and a message when it is empty.
Kept apart from the canvas so that one only deals with layout, interaction and state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.bars import EPOCH_DAY_SECONDS
from widgets.charts.content import BreakoutDates, RebaseGroup, StackContent
from widgets.charts.coords import (
    ReadoutSeries,
    close_xy,
    date_text,
    format_change,
    format_price,
    index_seconds,
    series_xy,
    to_x,
)
from widgets.charts.date_labels import BandLabel
from widgets.charts.items import LodCurve, add_curve, add_spans, add_vline, add_vlines
from widgets.charts.legend_strip import LegendEntry
from widgets.charts.markers import BreakoutMarkers
from widgets.charts.pane_spec import Markets, Pane
from widgets.theme import Theme

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

LABEL_MAX_CHARS = 34
#: The overlap-only view is the natural default when one market starts this much later.
OVERLAP_DEFAULT_YEARS = 10


def market_name(key: str) -> str:
    """How the charts name a market in legends and captions ("Bitcoin (Bitstamp)")."""
    from app.instruments import market_name as known_name

    return known_name(key)


def market_ticker(key: str) -> str:
    """The ticker alone, for axis titles and the compact readout: ^RUT, BTC/USD."""
    from app.errors import InvalidKeyError
    from app.instruments import parse_key

    try:
        return parse_key(key).ticker
    except InvalidKeyError:
        return key


def markets_of(result: AnalysisResult) -> Markets:
    return Markets(
        leader=market_name(result.leader_key),
        follower=market_name(result.follower_key),
        leader_ticker=market_ticker(result.leader_key),
        follower_ticker=market_ticker(result.follower_key),
    )


def build_leader_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Leader close, its running all-time high, consolidation spans and breakout markers."""
    pane, markets = content.panes[Pane.LEADER], content.markets
    breakouts = result.breakouts
    if len(breakouts):
        starts = index_seconds(_as_dates(breakouts["prior_ath_date"]))
        add_spans(plot, starts, content.breakouts.xs, theme.consolidation)
    xs, ys = close_xy(result.leader)
    leader = add_curve(plot, xs, ys, theme.leader, theme.line_width, markets.leader)
    ath_xs, ath_ys = series_xy(result.leader_ath)
    dash = Qt.PenStyle.DashLine
    ath = add_curve(plot, ath_xs, ath_ys, theme.ath, theme.thin_width, "All-time high", dash, 8)
    group = RebaseGroup(xs, ys, [leader, ath])
    pane.legend = [
        LegendEntry(markets.leader, theme.leader, width=theme.line_width, priority=3),
        LegendEntry("All-time high", theme.ath, style=dash, width=theme.thin_width, priority=1),
    ]
    if len(breakouts):
        markers = _breakout_markers(plot, result, theme, content)
        group.marks.append(markers)
        pane.marks.append(markers)
        pane.legend.append(LegendEntry("Breakout", theme.breakout, "marker", priority=2))
        if _dimmed(content).any():
            text = f"Breakout before {markets.follower_ticker} data"
            pane.legend.append(LegendEntry(text, theme.breakout_dim, "marker"))
        pane.legend.append(LegendEntry("Consolidation", theme.consolidation, "swatch"))
    content.leader_group = group
    pane.curves = [leader, ath, _add_follower_overlay(plot, result, theme, content)]
    pane.readouts = [
        ReadoutSeries(markets.leader_ticker, xs, ys, "price", theme.css(theme.leader)),
        ReadoutSeries("ATH", ath_xs, ath_ys, "price", theme.css(theme.ath)),
    ]
    pane.message = "" if xs.size else "No leader prices"


def _add_follower_overlay(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> LodCurve:
    """The follower's close on the leader's pane, hidden until Compare rebases both."""
    follower = content.markets.follower
    fxs, fys = close_xy(result.follower)
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
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> BreakoutMarkers:
    dimmed = _dimmed(content)
    bright = pg.mkBrush(theme.breakout)
    dim = pg.mkBrush(theme.breakout_dim)
    markers = BreakoutMarkers(
        content.breakouts.xs,
        result.breakouts["level"].to_numpy(dtype=float),
        size=theme.marker_size,
        brushes=[dim if d else bright for d in dimmed],
        pen=pg.mkPen(theme.background, width=theme.thin_width),
        tip=lambda row: breakout_tip(result, row, content.markets, bool(dimmed[row])),
    )
    markers.setZValue(30)
    plot.addItem(markers)
    return markers


def breakout_tip(result: AnalysisResult, row: int, markets: Markets, before_data: bool) -> str:
    """The tooltip of a breakout marker: date, level, gap and the follower's returns."""
    breakout = result.breakouts.iloc[row]
    lines = [
        f"Breakout {date_text(to_x(breakout['date']))}",
        f"{markets.leader_ticker} {format_price(breakout['level'])}, "
        f"{format_change(breakout['pct_above'])} above the old high of "
        f"{date_text(to_x(breakout['prior_ath_date']))}",
        f"{int(breakout['gap_days']):,} days without a new high before it",
    ]
    if before_data:
        lines.append(f"{markets.follower} had no data yet: nothing to measure")
        return "\n".join(lines)
    returns = [
        f"{format_change(breakout[f'fwd_{h}d'])} ({h} d)"
        for h in result.params.horizons
        if f"fwd_{h}d" in breakout and np.isfinite(breakout[f"fwd_{h}d"])
    ]
    lines.append(f"{markets.follower} after it: " + (" · ".join(returns) or "not measured yet"))
    lines.append("Click to select it in the Signals table")
    return "\n".join(lines)


def build_follower_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Follower close, its bull phases, key-date lines and the leader's breakout dates."""
    pane, markets = content.panes[Pane.FOLLOWER], content.markets
    regimes = result.follower_regimes
    pane.legend = [
        LegendEntry(markets.follower, theme.follower, width=theme.line_width, priority=3)
    ]
    if len(regimes):
        bulls = regimes.loc[regimes["kind"] == "bull"]
        starts = index_seconds(_as_dates(bulls["start"]))
        ends = index_seconds(_as_dates(bulls["end"]))
        if len(add_spans(plot, starts, ends, theme.bull)):
            pane.legend.append(LegendEntry("Bull phase", theme.bull, "swatch", priority=1))
    xs, ys = close_xy(result.follower)
    pane.curves = [add_curve(plot, xs, ys, theme.follower, theme.line_width, markets.follower)]
    pane.legend += _add_key_dates(plot, result, theme, content)
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
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> list[LegendEntry]:
    """Halving and event lines, their band labels and their legend entries."""
    entries: dict[str, LegendEntry] = {}
    for kd in sorted(result.key_dates, key=lambda kd: kd.date):
        halving = kd.kind == "halving"
        colour = theme.halving if halving else theme.event
        style = Qt.PenStyle.SolidLine if halving else Qt.PenStyle.DotLine
        width = theme.thin_width * 1.3
        label = kd.label
        if len(label) > LABEL_MAX_CHARS:
            label = label[: LABEL_MAX_CHARS - 1] + "…"
        x = to_x(kd.date)
        pen = pg.mkPen(colour, width=width, style=style)
        add_vline(plot, x, pen, f"{kd.label} · {date_text(x)}")
        content.key_dates.append(BandLabel(x, label, colour))
        name = "Halving" if halving else "Event"
        entries.setdefault(name, LegendEntry(name, colour, "vline", width, style))
    return list(entries.values())


def build_correlation_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Rolling correlation with its zero line; a message if there is none."""
    pane = content.panes[Pane.CORRELATION]
    zero = pg.InfiniteLine(
        pos=0.0, angle=0, movable=False, pen=pg.mkPen(theme.muted, width=theme.thin_width)
    )
    plot.addItem(zero, ignoreBounds=True)
    xs, ys = series_xy(result.correlation)
    window = result.params.corr_window
    text = f"{window}-day correlation of daily returns"
    pane.curves = [add_curve(plot, xs, ys, theme.correlation, theme.line_width, text)]
    pane.legend = [LegendEntry(text, theme.correlation, width=theme.line_width)]
    pane.readouts = [ReadoutSeries("corr", xs, ys, "number", theme.css(theme.correlation))]
    pane.message = "" if xs.size else "No correlation: the two markets share too few dates"


def build_volatility_pane(
    plot: pg.PlotItem, result: AnalysisResult, theme: Theme, content: StackContent
) -> None:
    """Annualised volatility of both markets, in percent; a message if there is none."""
    pane, markets = content.panes[Pane.VOLATILITY], content.markets
    window = result.params.vol_window
    for series, colour, name, ticker in (
        (result.follower_vol, theme.follower, markets.follower, markets.follower_ticker),
        (result.leader_vol, theme.leader, markets.leader, markets.leader_ticker),
    ):
        xs, ys = series_xy(series)
        text = f"{name} {window}-day volatility"
        pane.curves.append(add_curve(plot, xs, ys * 100.0, colour, theme.line_width, text))
        pane.legend.append(LegendEntry(text, colour, width=theme.line_width))
        pane.readouts.append(ReadoutSeries(f"vol {ticker}", xs, ys, "percent", theme.css(colour)))
    if all(r.xs.size == 0 for r in pane.readouts):
        pane.message = "No volatility: too few bars for the window"


BUILDERS: dict[Pane, Callable[[pg.PlotItem, AnalysisResult, Theme, StackContent], None]] = {
    Pane.LEADER: build_leader_pane,
    Pane.FOLLOWER: build_follower_pane,
    Pane.CORRELATION: build_correlation_pane,
    Pane.VOLATILITY: build_volatility_pane,
}


def new_content(result: AnalysisResult) -> StackContent:
    """The content of a result before any pane is built: names, date bounds, breakout dates."""
    follower_xs, _ = close_xy(result.follower)
    breakout_xs = (
        index_seconds(_as_dates(result.breakouts["date"])) if len(result.breakouts) else np.empty(0)
    )
    return StackContent(
        x_bounds=data_x_bounds(result),
        overlap_bounds=overlap_x_bounds(result),
        markets=markets_of(result),
        breakouts=BreakoutDates(breakout_xs, float(follower_xs[0]) if follower_xs.size else None),
    )


def data_x_bounds(result: AnalysisResult) -> tuple[float, float] | None:
    """The first and last date of either market, as chart X."""
    found = [_ends(frame) for frame in (result.leader, result.follower)]
    ends = [e for e in found if e is not None]
    if not ends:
        return None
    return min(e[0] for e in ends), max(e[1] for e in ends)


def overlap_x_bounds(result: AnalysisResult) -> tuple[float, float] | None:
    """The first and last date on which both markets have data, or None if they never do."""
    leader, follower = _ends(result.leader), _ends(result.follower)
    if leader is None or follower is None:
        return None
    first, last = max(leader[0], follower[0]), min(leader[1], follower[1])
    return (first, last) if first < last else None


def default_overlap_only(result: AnalysisResult) -> bool:
    """True when one market's history starts a decade or more after the other's.

    Then most of the all-dates view would show one market alone (^RUT since 1987, Bitcoin
    since 2010): the window starts in the overlap-only view unless the user chose otherwise.
    """
    overlap, bounds = overlap_x_bounds(result), data_x_bounds(result)
    if overlap is None or bounds is None:
        return False
    years = (overlap[0] - bounds[0]) / (365.25 * EPOCH_DAY_SECONDS)
    return years >= OVERLAP_DEFAULT_YEARS


def _ends(frame) -> tuple[float, float] | None:
    if frame is None or not len(frame):
        return None
    seconds = index_seconds(frame.index)
    return float(seconds.min()), float(seconds.max())


def _as_dates(column):
    """A column of dates as a DatetimeIndex (whatever its datetime unit)."""
    import pandas as pd

    return pd.DatetimeIndex(pd.to_datetime(column))
