"""ladder.png for `report`: the rung table and the coloured pair matrix, painted headless.

The texts are the ones `scan` prints (app.ladder.output), the colours the Ladder tab's
(widgets.theme.verdict_look): verdicts that conclude nothing are muted, the others tinted. The
page is laid out at its final pixel width (sizes scale with it, as the chart images do) and
its height follows from the content. Written through widgets.charts.image_export.save_png
(app.outputs: whole or absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter, QPalette

from widgets.charts.image_export import REFERENCE_WIDTH, ensure_app, save_png
from widgets.theme import Theme, theme_from_palette, verdict_look

if TYPE_CHECKING:
    from app.ladder.pairs import PairCell
    from app.ladder.scan import LadderScan

MARGIN, GAP, PAD = 24, 18, 6  # px at the reference width
#: A matrix cell's text: centred, wrapping between the parts of its numbers in a narrow cell.
CELL_FLAGS = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)


class _Page:
    """A painter with a cursor that moves down the page, at one scale."""

    def __init__(self, image: QImage, theme: Theme, scale: float) -> None:
        self.image, self.theme, self.scale = image, theme, scale
        self.painter = QPainter(image)
        self.painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.y = self.px(MARGIN)

    def px(self, value: float) -> int:
        return round(value * self.scale)

    def font(self, relative: float = 1.0, bold: bool = False) -> QFont:
        return self.theme.scaled(self.scale).font_of(relative, bold)

    def text(
        self, text: str, relative: float = 1.0, bold: bool = False, muted: bool = False
    ) -> None:
        font = self.font(relative, bold)
        self.painter.setFont(font)
        self.painter.setPen(self.theme.muted if muted else self.theme.foreground)
        width = self.image.width() - 2 * self.px(MARGIN)
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), flags, text)
        self.painter.drawText(QRect(self.px(MARGIN), self.y, width, box.height()), flags, text)
        self.y += box.height() + self.px(4)


def _column_widths(rows: list[list[str]], metrics: QFontMetrics, pad: int) -> list[int]:
    return [
        max(metrics.horizontalAdvance(r[i]) for r in rows) + 2 * pad for i in range(len(rows[0]))
    ]


def _draw_table(page: _Page, rows: list[list[str]]) -> None:
    """The rung table: a bold header, then one line per rung, numbers right-aligned."""
    font, bold = page.font(), page.font(bold=True)
    metrics, pad = QFontMetrics(bold), page.px(PAD)
    widths = _column_widths(rows, metrics, pad)
    height = metrics.height() + 2 * pad
    p = page.painter
    for line, row in enumerate(rows):
        x = page.px(MARGIN)
        if line % 2 == 0 and line:
            p.fillRect(x, page.y, sum(widths), height, page.theme.grid_minor)
        p.setFont(bold if line == 0 else font)
        p.setPen(page.theme.foreground)
        for column, (text, width) in enumerate(zip(row, widths, strict=True)):
            numeric = line > 0 and column in (1, 3, 6, 8, 9, 10)
            align = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
            rect = QRect(x + pad, page.y, width - 2 * pad, height)
            p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)
            x += width
        page.y += height
        if line == 0:
            p.setPen(page.theme.grid)
            p.drawLine(page.px(MARGIN), page.y, page.px(MARGIN) + sum(widths), page.y)


def _draw_matrix(page: _Page, scan: LadderScan) -> None:
    """Leaders down, followers across; each cell tinted by its verdict, with its numbers."""
    names = {r.key: r.name for r in scan.rungs}
    leaders = [k for k in scan.keys if any(c.leader == k for c in scan.cells)]
    followers = [k for k in scan.keys if any(c.follower == k for c in scan.cells)]
    if not leaders:
        page.text("No pair to scan: the ladder needs two markets.", muted=True)
        return
    font, bold = page.font(), page.font(bold=True)
    pad = page.px(PAD)
    head = max(QFontMetrics(bold).horizontalAdvance(names[k]) for k in leaders) + 2 * pad
    room = page.image.width() - 2 * page.px(MARGIN) - head
    width = max(page.px(160), room // max(1, len(followers)))
    line = QFontMetrics(font).height()
    p, x0 = page.painter, page.px(MARGIN)
    p.setFont(bold)
    p.setPen(page.theme.foreground)
    for i, follower in enumerate(followers):
        rect = QRect(x0 + head + i * width, page.y, width, line + 2 * pad)
        p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), names[follower])
    page.y += line + 2 * pad
    palette = _palette(page.theme)
    for leader in leaders:
        height = _row_height(page, [scan.cell(leader, f) for f in followers], width - 4)
        p.setFont(bold)
        p.setPen(page.theme.foreground)
        label = QRect(x0, page.y, head - pad, height)
        p.drawText(
            label, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), names[leader]
        )
        for i, follower in enumerate(followers):
            rect = QRect(x0 + head + i * width, page.y, width, height).adjusted(2, 2, -2, -2)
            _draw_cell(page, rect, scan.cell(leader, follower), palette)
        page.y += height


def _row_height(page: _Page, cells: list[PairCell | None], width: int) -> int:
    """Room for the row's tallest cell: two lines, more where a narrow cell wraps its numbers."""
    metrics, pad = QFontMetrics(page.font(bold=True)), page.px(PAD)
    lines = 2 * metrics.height()
    for cell in (c for c in cells if c is not None):
        box = QRect(0, 0, width, 100 * lines)
        lines = max(lines, metrics.boundingRect(box, CELL_FLAGS, _cell_text(cell)).height())
    return lines + 3 * pad


def _cell_text(cell: PairCell) -> str:
    from app.ladder.output import breaking_between_parts, cell_text

    return breaking_between_parts(cell_text(cell))


def _draw_cell(page: _Page, rect: QRect, cell: PairCell | None, palette: QPalette) -> None:
    """One pair's cell: framed, tinted by its verdict, the verdict word over its numbers."""
    p = page.painter
    p.setPen(page.theme.grid)
    p.drawRect(rect)
    if cell is None:
        return
    look = verdict_look(cell.verdict_kind, palette)
    if look.background is not None:
        p.fillRect(rect.adjusted(1, 1, 0, 0), look.background)
    p.setPen(look.foreground)
    p.setFont(page.font() if look.quiet else page.font(bold=True))
    p.drawText(rect, CELL_FLAGS, _cell_text(cell))


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, theme.background)
    palette.setColor(QPalette.ColorRole.Text, theme.foreground)
    return palette


def _paint(image: QImage, scan: LadderScan, theme: Theme, caption: str) -> int:
    """Paint the page into `image`; returns the height it used."""
    from app.ladder.output import rung_table_rows

    image.fill(theme.background)
    page = _Page(image, theme, image.width() / REFERENCE_WIDTH)
    try:
        page.text("The risk-curve ladder: " + " → ".join(r.name for r in scan.rungs), 1.4, True)
        page.text(caption, 0.9, muted=True)
        page.y += page.px(GAP)
        _draw_table(page, rung_table_rows(scan))
        page.y += page.px(GAP)
        pairs = "every ordered pair" if scan.all_pairs else "each rung leading the rungs below it"
        page.text(
            f"Pair matrix at {scan.horizon} days — leaders down, followers across ({pairs})",
            1.1,
            True,
        )
        _draw_matrix(page, scan)
        page.y += page.px(GAP)
        for cell in scan.cells:
            page.text(f"{cell.leader} → {cell.follower}: {cell.verdict}", 0.9)
        page.text(f"Seed {scan.seed}, {scan.bootstrap_draws:,} bootstrap draws.", 0.9, muted=True)
        return page.y + page.px(MARGIN)
    finally:
        page.painter.end()


def render_ladder_png(scan: LadderScan, path: Path, width: int, caption: str) -> Path:
    """Write ladder.png at `width` pixels (the height follows the content)."""
    ensure_app()
    theme = theme_from_palette()
    # Painted twice: once on a tall page to measure, once at the height it needs.
    probe = QImage(width, width * 3, QImage.Format.Format_RGB32)
    height = _paint(probe, scan, theme, caption)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    _paint(image, scan, theme, caption)
    return save_png(image, Path(path), caption)
