"""A pane's legend as one line above the plot, never a box over the data.

pyqtgraph's LegendItem floats inside the view box and covers whatever is drawn under it (the
first years of a price history, the spikes of a volatility curve). The strip takes a row of the
pane's own layout instead, above the view box, so it cannot cover data by construction. Entries
that do not fit the width are left out, lowest priority first, and listed in the strip's
tooltip; a note (compare mode's base date) sits at the right end.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from widgets.charts.pg import pg
from widgets.theme import Theme

SAMPLES = ("line", "marker", "swatch", "vline", "dot")


@dataclass(frozen=True)
class LegendEntry:
    """One series or mark in a legend strip.

    `sample` is how it is drawn: "line" (a short stroke), "marker" (a triangle), "swatch" (a
    filled square, for shaded spans), "vline" (a short vertical stroke, for date lines) or
    "dot". When the entries do not fit, those with a `short` text use it before any entry is
    left out; then entries with a higher `priority` are the last to go.
    """

    text: str
    colour: QColor
    sample: str = "line"
    width: float = 1.5
    style: Qt.PenStyle = Qt.PenStyle.SolidLine
    priority: int = 0
    short: str = ""

    def shown_text(self, compact: bool) -> str:
        return self.short if compact and self.short else self.text


class LegendStrip(pg.GraphicsObject):
    """One line of legend entries (see the module docstring).

    It is drawn inside the plot's (empty) title label, which holds the row: a new widget in
    the plot's layout would be resized by Qt while the plot is deleted at exit, through a
    Python override that can no longer run there (PySide then crashes).
    """

    def __init__(self, theme: Theme, row: pg.LabelItem) -> None:
        super().__init__()
        self.setParentItem(row)
        # The view repaints every item on every frame of a pan; the strip rarely changes, so
        # Qt keeps it as a pixmap instead of drawing its text each time.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._entries: list[LegendEntry] = []
        self._note = ""
        self._note_yields = False  # True: the note gives its room to the entries first
        self._placed: list[tuple[LegendEntry, QRectF, str]] = []
        self._note_rect = QRectF()
        self._note_text = ""
        self._laid_out_for: float | None = None  # the width the layout above was made for
        self.set_theme(theme)

    # ----- content ------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._font = theme.font_of(0.85)
        self._metrics = QFontMetricsF(self._font)
        self._height = self._metrics.height() + theme.px(4)
        row = self.parentItem()
        row.setMinimumHeight(self._height)
        row.setMaximumHeight(self._height)
        plot = row.parentItem()
        if isinstance(plot, pg.PlotItem):
            plot.layout.setRowFixedHeight(0, self._height)
        self.relayout()

    def height(self) -> float:
        return self._height

    def size(self) -> QSizeF:
        """The strip's size: that of the title row it is drawn in."""
        return QSizeF(self.parentItem().size().width(), self._height)

    def set_entries(
        self, entries: list[LegendEntry], note: str = "", note_yields: bool = False
    ) -> None:
        """Show these entries (in this order) and `note` at the right end. The note takes up
        to half the width; with `note_yields` it is shortened or left out before any entry."""
        if (entries, note, note_yields) == (self._entries, self._note, self._note_yields):
            return  # the stack asks on every frame; most frames change nothing here
        self._entries = list(entries)
        self._note, self._note_yields = note, note_yields
        self.relayout()

    def set_note(self, note: str) -> None:
        if note != self._note:
            self._note = note
            self.relayout()

    def entries(self) -> list[LegendEntry]:
        return list(self._entries)

    def note(self) -> str:
        return self._note

    def shown(self) -> list[str]:
        """The texts on screen, in order (elided texts as shown)."""
        self._ensure_layout()
        return [text for _, _, text in self._placed]

    def hidden(self) -> list[str]:
        """Entries left out for want of room."""
        self._ensure_layout()
        placed = {id(entry) for entry, _, _ in self._placed}
        return [e.text for e in self._entries if id(e) not in placed]

    def item_rects(self) -> list[QRectF]:
        """Scene rectangles of every shown entry and of the note (for layout checks)."""
        self._ensure_layout()
        rects = [self.mapRectToScene(rect) for _, rect, _ in self._placed]
        if self._note_text:
            rects.append(self.mapRectToScene(self._note_rect))
        return rects

    # ----- layout -------------------------------------------------------------------------
    # Laid out lazily, for the width the strip has when it is painted or asked about.

    def relayout(self, *_args) -> None:
        """Lay the entries out again when next needed (call when the strip's width changes)."""
        self.prepareGeometryChange()
        self._laid_out_for = None
        self.update()

    def _ensure_layout(self) -> None:
        width = self.size().width()
        if self._laid_out_for != width:
            self._laid_out_for = width
            self._lay_out(width)

    def _sample_width(self) -> float:
        return self._theme.px(18)

    def _entry_width(self, text: str) -> float:
        return self._sample_width() + self._theme.px(4) + self._metrics.horizontalAdvance(text)

    def _needed(self, entries: list[LegendEntry], compact: bool) -> float:
        widths = sum(self._entry_width(e.shown_text(compact)) for e in entries)
        return widths + self._theme.px(14) * (len(entries) - 1)

    def _fitted_note(self, width: float) -> str:
        room = width / 2
        if self._note_yields and self._entries:
            full = width - 2 * self._theme.px(4)
            room = min(room, full - self._needed(self._entries, True) - self._theme.px(14))
        if room < self._theme.px(40):
            return ""
        return self._metrics.elidedText(self._note, Qt.TextElideMode.ElideRight, room)

    def _lay_out(self, width: float) -> None:
        pad, spacing = self._theme.px(4), self._theme.px(14)
        note = self._fitted_note(width) if self._note else ""
        note_width = self._metrics.horizontalAdvance(note) if note else 0.0
        available = width - 2 * pad - (note_width + spacing if note else 0.0)
        shown = list(self._entries)
        compact = self._needed(shown, False) > available
        while len(shown) > 1 and self._needed(shown, compact) > available:
            shown.remove(min(reversed(shown), key=lambda e: e.priority))
        self._placed = []
        x, height = float(pad), self.size().height()
        for entry in shown:
            room = available - (x - pad)
            text = entry.shown_text(compact)
            if self._entry_width(text) > room:
                text_room = room - self._sample_width() - self._theme.px(4)
                text = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_room)
                if not text.strip("…"):
                    break
            rect = QRectF(x, 0, self._entry_width(text), height)
            self._placed.append((entry, rect, text))
            x += rect.width() + spacing
        self._note_text = note
        self._note_rect = QRectF(width - pad - note_width, 0, note_width, height)
        hidden = self.hidden()
        elided = compact or any(text != entry.text for entry, _, text in self._placed)
        full = [e.text for e in self._entries] + ([self._note] if self._note else [])
        self.setToolTip(" · ".join(full) if hidden or elided or note != self._note else "")

    # ----- painting -----------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.size().width(), self.size().height())

    def paint(self, painter: QPainter, *_args) -> None:
        self._ensure_layout()
        theme = self._theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        middle = self.size().height() / 2
        for entry, rect, text in self._placed:
            sample = QRectF(rect.left(), middle - theme.px(5), self._sample_width(), theme.px(10))
            _draw_sample(painter, entry, sample, theme)
            text_rect = QRectF(sample.right() + theme.px(4), 0, rect.width(), rect.height())
            painter.setPen(theme.foreground)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)
        if self._note_text:
            painter.setPen(theme.muted)
            painter.drawText(self._note_rect, Qt.AlignmentFlag.AlignVCenter, self._note_text)


def _draw_sample(painter: QPainter, entry: LegendEntry, rect: QRectF, theme: Theme) -> None:
    colour = QColor(entry.colour)
    pen = QPen(colour, max(1.0, entry.width))
    pen.setStyle(entry.style)
    centre = rect.center()
    if entry.sample == "swatch":
        side = rect.height()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRect(QRectF(centre.x() - side / 2, rect.top(), side, side))
    elif entry.sample == "marker":
        half = rect.height() / 2
        triangle = QPolygonF(
            [
                QPointF(centre.x(), centre.y() - half),
                QPointF(centre.x() - half, centre.y() + half),
                QPointF(centre.x() + half, centre.y() + half),
            ]
        )
        painter.setPen(QPen(theme.background, 1))
        painter.setBrush(colour)
        painter.drawPolygon(triangle)
    elif entry.sample == "dot":
        radius = rect.height() / 3
        painter.setPen(QPen(theme.background, 1))
        painter.setBrush(colour)
        painter.drawEllipse(centre, radius, radius)
    elif entry.sample == "vline":
        painter.setPen(pen)
        painter.drawLine(QPointF(centre.x(), rect.top()), QPointF(centre.x(), rect.bottom()))
    else:
        painter.setPen(pen)
        painter.drawLine(QPointF(rect.left(), centre.y()), QPointF(rect.right(), centre.y()))


def add_legend_strip(plot: pg.PlotItem, theme: Theme) -> LegendStrip:
    """Put a legend strip in the plot's title row, above its view box, and return it."""
    plot.setTitle("")  # an empty title: the row above the view box, with nothing in it
    strip = LegendStrip(theme, plot.titleLabel)
    plot.vb.sigResized.connect(strip.relayout)  # the title row is as wide as the view box
    return strip
