"""Halving-aligned cycles: each cycle's price divided by its price on the halving day.

Aligning on the halving and dividing by the halving-day price puts every cycle on one scale,
so the current cycle can be read against the earlier ones day for day. The current cycle is
drawn thicker and in the strongest colour; the Y axis is logarithmic because the early cycles
multiplied by a hundred and the later ones by a few.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from widgets.charts import image_export
from widgets.charts.axes import LEFT_AXIS_WIDTH, ValueAxisItem, set_axis_titles, style_axis
from widgets.charts.coords import value_at, view_y
from widgets.charts.crosshair import Crosshair
from widgets.charts.fast_curve import FastCurve
from widgets.charts.items import PaneMessage, TimeViewBox, add_curve, add_grid
from widgets.charts.legend_strip import LegendEntry, add_legend_strip
from widgets.charts.pg import pg
from widgets.theme import Theme, blend, theme_from_palette, with_alpha

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

NO_CYCLES_MESSAGE = "No halving cycles in the follower's history"
READOUT_GAP_DAYS = 4.0
Y_TITLES = ("Multiple of the halving-day price (log)", "Multiple of halving-day price", "Multiple")
X_TITLES = ("Days since the halving",)
#: The "now" label goes right of the current cycle's end while that end is within this share of
#: the longest cycle (room for the label there), else left of and above it.
NOW_LABEL_RIGHT_UNTIL = 0.75


def format_multiple(ratio: float) -> str:
    """A price multiple: ×0.85, ×3.42, ×12.5, ×120."""
    if ratio >= 100:
        return f"×{ratio:,.0f}"
    if ratio >= 10:
        return f"×{ratio:.1f}"
    return f"×{ratio:.2f}"


@dataclass(frozen=True)
class CycleCurve:
    """One cycle as arrays: days since its halving and price ÷ halving-day price."""

    halving: str
    days: np.ndarray
    ratios: np.ndarray
    current: bool
    colour: str


def legend_name(curve: CycleCurve) -> str:
    """ "2020 halving", "2024 halving (current cycle)": the year names a cycle (halvings are
    four years apart) and keeps the legend short enough for every cycle's entry to fit; the
    full date is in the readout and the table."""
    return f"{curve.halving[:4]} halving" + (" (current cycle)" if curve.current else "")


def short_legend_name(curve: CycleCurve) -> str:
    """ "2020", "2024 (current)": the names a narrow Cycles chart (1024 px) has room for."""
    return curve.halving[:4] + (" (current)" if curve.current else "")


def cycle_curves(result: AnalysisResult, theme: Theme) -> list[CycleCurve]:
    """The result's aligned curves in date order, coloured, the current one marked."""
    curves = []
    older = iter(theme.cycle_colours * 4)
    for halving in sorted(result.cycle_curves):
        series = result.cycle_curves[halving]
        days = np.asarray(series.index, dtype=np.float64)
        ratios = series.to_numpy(dtype=np.float64, na_value=np.nan)
        keep = np.isfinite(ratios) & (ratios > 0)
        current = halving == result.current_cycle
        colour = theme.current_cycle if current else next(older)
        curves.append(CycleCurve(halving, days[keep], ratios[keep], current, theme.css(colour)))
    return curves


class CyclesChart(QWidget):
    """Halving-aligned curves, one per cycle, with a crosshair readout strip.

    Signals:
        readoutChanged(str): plain-text readout of the day and each cycle's multiple.
        exportRequested(): the context menu asked to export this chart.
    """

    readoutChanged = Signal(str)
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self._fixed_theme = theme is not None
        self._theme = theme or theme_from_palette(self.palette(), self.font())
        self._result: AnalysisResult | None = None
        self._curves: list[CycleCurve] = []
        self._items: list[FastCurve] = []
        self._readout = QLabel(self)
        self._readout.setTextFormat(Qt.TextFormat.RichText)
        self._readout.setContentsMargins(6, 2, 6, 2)
        self._view = pg.GraphicsLayoutWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Never push a minimum size onto a top-level window (an exported copy, or a test):
        # the offscreen platform warns about every such change.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setSpacing(2)
        layout.addWidget(self._readout)
        layout.addWidget(self._view, 1)
        view_box = self._build_plot()
        self._message = PaneMessage(view_box, self._theme)
        self._now_label: pg.TextItem | None = None
        self._crosshair = Crosshair([self._plot], self._theme)
        self._crosshair.moved.connect(self._on_moved)
        self._crosshair.left.connect(self._idle_readout)
        self._crosshair.connect_scene(self._view.scene(), lambda: bool(self._curves))
        self._view.viewport().installEventFilter(self)
        self._apply_theme()
        self.clear(NO_CYCLES_MESSAGE)

    def _build_plot(self) -> TimeViewBox:
        """The one plot (days since halving against multiples) with its legend strip."""
        view_box = TimeViewBox(show_all_text="Show whole cycles", export_all=False)
        view_box.exportRequested.connect(self.exportRequested.emit)
        view_box.showAllRequested.connect(self.show_all)
        bottom = pg.AxisItem("bottom")
        bottom.enableAutoSIPrefix(False)
        self._plot = pg.PlotItem(
            viewBox=view_box, axisItems={"left": ValueAxisItem(), "bottom": bottom}
        )
        self._plot.setMenuEnabled(False, None)
        self._plot.hideButtons()
        self._strip = add_legend_strip(self._plot, self._theme)
        self._view.addItem(self._plot)
        return view_box

    def _apply_theme(self) -> None:
        theme = self._theme
        plot = self._plot
        self._view.setBackground(theme.background)
        self._view.ci.setContentsMargins(theme.px(4), theme.px(2), theme.px(12), theme.px(2))
        for name in ("left", "bottom"):
            style_axis(plot.getAxis(name), theme)
        set_axis_titles(plot.getAxis("left"), theme, Y_TITLES)
        set_axis_titles(plot.getAxis("bottom"), theme, X_TITLES)
        plot.getAxis("left").setWidth(theme.px(LEFT_AXIS_WIDTH))
        plot.setLogMode(x=False, y=True)
        self._strip.set_theme(theme)
        self._message.setFont(theme.font_of(1.1))
        plot.vb.setAutoVisible(y=True)
        plot.vb.enableAutoRange(axis=pg.ViewBox.YAxis)

    # ----- public API ---------------------------------------------------------------------

    def set_result(self, result: AnalysisResult) -> None:
        """Draw the result's halving-aligned curves (or the empty message if there are none)."""
        curves = cycle_curves(result, self._theme)
        if not curves:
            self.clear(NO_CYCLES_MESSAGE)
            return
        self._result = result
        self._curves = curves
        self._draw()
        self._message.show_message("")
        self.show_all()
        self._idle_readout()

    def clear(self, message: str = NO_CYCLES_MESSAGE) -> None:
        """Remove the curves and show `message` in the chart."""
        self._result = None
        self._curves = []
        self._items = []
        self._plot.clear()
        self._strip.set_entries([])
        self._now_label = None
        self._crosshair.attach()
        self._message.show_message(message)
        self._readout.setText("")
        self.readoutChanged.emit("")

    def message(self) -> str:
        """The message shown instead of curves, or ""."""
        return self._message.toPlainText() if self._message.isVisible() else ""

    def curves(self) -> list[CycleCurve]:
        """The drawn cycles in date order (the current one has `current` set)."""
        return list(self._curves)

    def curve_items(self) -> list[FastCurve]:
        """The plotted curve items, in the order of `curves()`."""
        return list(self._items)

    def show_all(self) -> None:
        """Zoom to every day of every cycle."""
        last = max((float(c.days[-1]) for c in self._curves if c.days.size), default=1460.0)
        self._plot.vb.setXRange(0.0, last, padding=0.02)

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self._plot.vb.viewRange()[0]
        return float(x0), float(x1)

    def set_x_range(self, x_range: tuple[float, float]) -> None:
        self._plot.vb.setXRange(*x_range, padding=0.0)

    def plot(self) -> pg.PlotItem:
        return self._plot

    def graphics_view(self) -> pg.GraphicsLayoutWidget:
        return self._view

    def result(self) -> AnalysisResult | None:
        return self._result

    def set_readout_visible(self, visible: bool) -> None:
        """Show or hide the readout strip above the chart (hidden in exported copies)."""
        self._readout.setVisible(visible)

    def theme(self) -> Theme:
        return self._theme

    def readout_at(self, day: float) -> str:
        """Plain-text readout at `day` days since the halvings."""
        parts = [f"day {round(day):,}"]
        for curve in self._curves:
            ratio = value_at(curve.days, curve.ratios, day, READOUT_GAP_DAYS)
            if ratio is not None:
                parts.append(f"{curve.halving} {format_multiple(ratio)}")
        return "  ·  ".join(parts)

    def legend_strip(self):
        """The legend strip above the plot (for layout checks)."""
        return self._strip

    def now_label(self) -> pg.TextItem | None:
        """The label at the end of the current cycle, if one is drawn."""
        return self._now_label

    def export_png(self, path: str | Path, width: int = 1920, caption: str = "") -> Path:
        """Write the chart (the same days in view) as a PNG `width` pixels wide, captioned."""
        width = image_export.check_width(width)
        image_export.ensure_app()
        scaled = self._theme.scaled(width / image_export.REFERENCE_WIDTH)
        copy = CyclesChart(theme=scaled)
        copy.set_readout_visible(False)

        def show() -> None:
            if self._result is None:
                copy.clear(self.message())
            else:
                copy.set_result(self._result)
                copy.set_x_range(self.x_range())

        size = (width, round(width * image_export.CYCLES_ASPECT))
        return image_export.render_copy(
            copy, show, copy.graphics_view, size, caption, scaled, Path(path)
        )

    # ----- drawing and interaction --------------------------------------------------------

    def _draw(self) -> None:
        theme = self._theme
        plot = self._plot
        plot.clear()
        one = pg.InfiniteLine(pos=view_y(1.0, True), angle=0, movable=False)
        one.setPen(pg.mkPen(theme.muted, width=theme.thin_width))
        plot.addItem(one, ignoreBounds=True)
        add_grid(plot, theme)
        self._items = []
        entries = []
        for index, curve in enumerate(self._curves):
            width = theme.line_width * (2.2 if curve.current else 1.0)
            name = legend_name(curve)
            # Older cycles a little faded towards the background (opaque: crisp and fast).
            colour = QColor(curve.colour)
            if not curve.current:
                colour = blend(colour, theme.background, 0.8)
            line = add_curve(
                plot, curve.days, curve.ratios, colour, width, name, z=20 if curve.current else 10
            )
            self._items.append(line.item)
            # The current cycle is the one the reader compares: it is the last entry to go; of
            # the older ones the oldest goes first, the latest complete cycle last.
            priority = len(self._curves) if curve.current else index
            short = short_legend_name(curve)
            entries.append(LegendEntry(name, colour, width=width, priority=priority, short=short))
        self._strip.set_entries(entries, "halving day = ×1", note_yields=True)
        self._label_current()
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        self._crosshair.attach()

    def _label_current(self) -> None:
        current = next((c for c in self._curves if c.current and c.days.size), None)
        if current is None:
            return
        day, ratio = float(current.days[-1]), float(current.ratios[-1])
        last_day = max(float(c.days[-1]) for c in self._curves if c.days.size)
        # Right of its point while the older cycles leave room there (the label's box must not
        # cover the very curve it names); left of and above it once the current cycle is the
        # longest and its end is at the right edge of the view.
        room = day <= NOW_LABEL_RIGHT_UNTIL * last_day
        text = pg.TextItem(
            f"last bar {format_multiple(ratio)} · day {round(day):,}",
            color=current.colour,
            anchor=(-0.04, 0.5) if room else (1, 1),
            fill=pg.mkBrush(with_alpha(self._theme.background, 200)),
        )
        text.setFont(self._theme.font_of(0.9, bold=True))
        text.setPos(day, view_y(ratio, True))
        text.setZValue(40)
        self._plot.addItem(text, ignoreBounds=True)
        self._now_label = text

    def _on_moved(self, x: float, _pane: int, _y: float) -> None:
        text = self.readout_at(x)
        self._readout.setText(_readout_html(text, self._curves))
        self.readoutChanged.emit(text)

    def _idle_readout(self) -> None:
        if not self._curves:
            return
        from app.chart_input import cycles_market

        muted = self._theme.css(self._theme.muted)
        name = cycles_market(self._result)[0] if self._result is not None else ""
        hint = "point at the chart to compare them day for day"
        text = f"{name} cycles: {hint}" if name else hint.capitalize()
        self._readout.setText(f'<span style="color:{muted}">{text}</span>')
        self.readoutChanged.emit(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Leave:
            self._crosshair.hide()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between light and dark system themes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._fixed_theme:
            self._theme = theme_from_palette(self.palette(), self.font())
            self._apply_theme()
            if self._result is not None:
                self.set_result(self._result)


def _readout_html(text: str, curves: list[CycleCurve]) -> str:
    """Colour each cycle's date in the readout like its curve."""
    import html

    parts = text.split("  ·  ")
    colours = {c.halving: c.colour for c in curves}
    out = [f"<b>{html.escape(parts[0])}</b>"]
    for part in parts[1:]:
        halving, _, value = part.partition(" ")
        colour = colours.get(halving, "")
        out.append(f'<span style="color:{colour}">■</span> {halving} <b>{html.escape(value)}</b>')
    return "&nbsp;&nbsp;·&nbsp;&nbsp;".join(out)
