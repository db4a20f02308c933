"""The crosshair readout: the date and every value under the cursor, as plain text and HTML,
and the strip above the charts that shows it.

Values are looked up in the data (last point at or before the cursor's date), so they are real
prices whatever the axis scale; only the cursor's own height comes from view coordinates, and
`real_y` turns log10 back into a price.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from widgets.charts.coords import (
    ReadoutSeries,
    date_text,
    format_price,
    real_y,
    value_at,
)
from widgets.charts.pane_spec import Pane
from widgets.theme import Theme

SEPARATOR = "  ·  "


@dataclass(frozen=True)
class ReadoutContext:
    """The series and display state the readout depends on."""

    readouts: list[list[ReadoutSeries]] = field(default_factory=list)
    log: bool = True
    compare: bool = False
    leader_factor: float | None = None
    follower_factor: float | None = None


def readout_items(
    context: ReadoutContext, x: float, pane: Pane | None = None, view_y: float | None = None
) -> list[tuple[str, str, str]]:
    """(label, value text, colour) for the date, every series with a value, and the cursor."""
    items = [("", date_text(x), "")]
    factors = {Pane.LEADER: context.leader_factor, Pane.FOLLOWER: context.follower_factor}
    for pane_of, series_list in zip(Pane, context.readouts, strict=False):
        for position, series in enumerate(series_list):
            text = series.text_at(x)
            if text is None:
                continue
            factor = factors.get(pane_of) if position == 0 else None
            value = value_at(series.xs, series.ys, x)
            if context.compare and factor is not None and value is not None:
                text += f" (index {value * factor:,.1f})"
            items.append((series.label, text, series.colour))
    cursor = cursor_text(context, pane, view_y)
    if cursor:
        items.append(("cursor", cursor, ""))
    return items


def cursor_text(context: ReadoutContext, pane: Pane | None, view_y: float | None) -> str:
    """The value at the cursor's height in `pane`, in that pane's units."""
    if pane is None or view_y is None:
        return ""
    pane = Pane(pane)
    if pane is Pane.LEADER and context.compare:
        return f"{real_y(view_y, context.log):,.1f}"
    if pane.spec.prices:
        return format_price(real_y(view_y, context.log))
    if pane is Pane.CORRELATION:
        return f"{view_y:+.2f}"
    return f"{view_y:.1f}%"


def readout_text(
    context: ReadoutContext, x: float, pane: Pane | None = None, view_y: float | None = None
) -> str:
    """The readout as one plain line, e.g. '2020-12-16  ·  ^RUT 1,955.12  ·  …'."""
    parts = [
        f"{label} {value}" if label else value
        for label, value, _ in readout_items(context, x, pane, view_y)
    ]
    return SEPARATOR.join(parts)


def readout_html(
    context: ReadoutContext, x: float, pane: Pane | None = None, view_y: float | None = None
) -> str:
    """The readout as rich text, each label in its series colour."""
    parts = []
    for label, value, colour in readout_items(context, x, pane, view_y):
        value_html = html.escape(value)
        if not label:
            parts.append(f"<b>{value_html}</b>")
        elif colour:
            parts.append(
                f'<span style="color:{colour}">■</span> {html.escape(label)} <b>{value_html}</b>'
            )
        else:
            parts.append(f"{html.escape(label)} {value_html}")
    return "&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts)


class ReadoutStrip(QLabel):
    """The line above the charts: the values under the mouse, or the dates shown."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setToolTip("Date and values under the mouse pointer")
        self.setContentsMargins(6, 2, 6, 2)
        self.setMinimumHeight(self.fontMetrics().height() + 6)
        self._theme = theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme

    def show_values(self, context: ReadoutContext, x: float, pane: Pane, view_y: float) -> str:
        """Show the values at chart X; returns them as plain text."""
        self.setText(readout_html(context, x, pane, view_y))
        return readout_text(context, x, pane, view_y)

    def show_range(self, x0: float, x1: float) -> str:
        """Show which dates are in view (the mouse is elsewhere); returns the plain text."""
        text = f"{date_text(x0)} – {date_text(x1)} shown · point at a chart to read its values"
        self.setText(f'<span style="color:{self._theme.css(self._theme.muted)}">{text}</span>')
        return text
