"""PNG images of the charts: the linked stack, one pane, or the cycles chart, with a caption.

An image is not a screenshot of the on-screen widget: a fresh copy of the chart is laid out,
off screen, at the exact pixel size asked for, with the theme scaled to that size, and its scene
is painted into a QImage. That gives the requested width whatever the window size or screen
scaling, never exports a widget that was not laid out yet (pyqtgraph's ImageExporter would),
and keeps lines, legends and markers in proportion (a scaling painter would leave them thin).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from widgets.theme import Theme, theme_from_palette

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from widgets.charts.cycles import CyclesChart
    from widgets.charts.stack import ChartStack, ChartState

REFERENCE_WIDTH = 1280  # px; the width the theme's sizes are designed for (scale 1)
MIN_WIDTH, MAX_WIDTH = 320, 10_000
# Height as a share of the width: the stack, each pane alone, and the cycles chart.
STACK_ASPECT = 0.62
PANE_ASPECT = (0.36, 0.36, 0.24, 0.26)
CYCLES_ASPECT = 0.5
SOURCE_NAMES = {"yahoo": "Yahoo Finance", "csv": "imported CSV"}


def check_width(width: int) -> int:
    """The width as an int, or ValueError naming the allowed range."""
    if isinstance(width, bool) or not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(
            f"image width must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH} "
            f"(got {width!r})"
        )
    return width


def ensure_app() -> QApplication:
    """The running QApplication, or a new offscreen one for headless rendering."""
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["riskcurve-report"])
    return app


def export_stack_png(
    stack: ChartStack, path: Path, width: int, caption: str, panes: tuple[int, ...]
) -> Path:
    """Render what `stack` shows (all panes, or one) to a PNG; see ChartStack.export_png."""
    state = stack.state()
    if state is None:
        raise ValueError("there is no chart to export yet")
    return render_state_png(state, path, width, caption, panes, stack.theme())


def render_state_png(
    state: ChartState,
    path: Path,
    width: int,
    caption: str,
    panes: tuple[int, ...],
    theme: Theme | None = None,
) -> Path:
    """Lay out a copy of the stack at `width` pixels, draw `state` into it and save a PNG."""
    from widgets.charts.stack import ChartStack

    width = check_width(width)
    ensure_app()
    scaled = (theme or theme_from_palette()).scaled(width / REFERENCE_WIDTH)
    aspect = STACK_ASPECT if len(panes) > 1 else PANE_ASPECT[panes[0]]
    copy = ChartStack(theme=scaled, panes=panes, interactive=False)
    try:
        copy.set_readout_visible(False)
        _lay_out(copy, width, round(width * aspect))
        copy.apply_state(state)
        image = _render(copy, copy.graphics_view(), width, round(width * aspect))
    finally:
        _dispose(copy)
    return save_png(with_caption(image, caption, scaled), path, caption)


def export_cycles_png(chart: CyclesChart, path: Path, width: int, caption: str) -> Path:
    """Render the cycles chart (same visible days) to a PNG; see CyclesChart.export_png."""
    from widgets.charts.cycles import CyclesChart

    width = check_width(width)
    ensure_app()
    scaled = chart.theme().scaled(width / REFERENCE_WIDTH)
    height = round(width * CYCLES_ASPECT)
    copy = CyclesChart(theme=scaled)
    try:
        copy.set_readout_visible(False)
        _lay_out(copy, width, height)
        result = chart.result()
        if result is None:
            copy.clear(chart.message())
        else:
            copy.set_result(result)
            copy.set_x_range(chart.x_range())
        image = _render(copy, copy.graphics_view(), width, height)
    finally:
        _dispose(copy)
    return save_png(with_caption(image, caption, scaled), path, caption)


def _lay_out(widget: QWidget, width: int, height: int) -> None:
    """Give a never-shown widget real geometry without putting it on any screen."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    # The copy is only ever rendered through its scene; painting the widget itself would
    # draw every curve one more time for nothing.
    widget.setUpdatesEnabled(False)
    widget.resize(width, height)
    widget.show()
    _settle()


def _settle() -> None:
    """Deliver pending layout and resize events (not user input: no re-entrancy)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents()


def _render(widget: QWidget, view, width: int, height: int) -> QImage:
    _settle()
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(view.backgroundBrush().color())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        view.scene().render(painter, QRectF(0, 0, width, height), view.sceneRect())
    finally:
        painter.end()
    return image


def _dispose(widget: QWidget) -> None:
    """Delete an off-screen copy now, not in an event loop that may never run."""
    from PySide6.QtCore import QEvent

    widget.hide()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def with_caption(image: QImage, caption: str, theme: Theme) -> QImage:
    """`image` with `caption` set below it in small type (wrapped to the image width)."""
    if not caption:
        return image
    margin = theme.px(14)
    font = theme.font_of(0.9)
    measure = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(measure)
    painter.setFont(font)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    box = painter.boundingRect(QRect(0, 0, image.width() - 2 * margin, 10_000), flags, caption)
    painter.end()
    out = QImage(image.width(), image.height() + box.height() + 2 * margin, image.format())
    out.fill(theme.background)
    painter = QPainter(out)
    try:
        painter.drawImage(0, 0, image)
        painter.setPen(QPen(theme.muted, max(1, theme.px(1))))
        painter.drawLine(margin, image.height() + 1, image.width() - margin, image.height() + 1)
        painter.setFont(font)
        painter.setPen(theme.foreground)
        target = QRect(margin, image.height() + margin, image.width() - 2 * margin, box.height())
        painter.drawText(target, flags, caption)
    finally:
        painter.end()
    return out


def save_png(image: QImage, path: Path, caption: str = "") -> Path:
    """Save `image` as PNG (the caption also goes into the file's Description field).

    The image is encoded in memory and written through app.outputs (temporary file, fsync,
    rename), so the target is whole or untouched, and a link or a device is never written.
    The caller has made sure the user wants `path` replaced if it exists.

    Raises:
        OutputError, WriteError: the file could not be written (missing folder, a link, no
            permission, disk full), with a message for the user.
        RuntimeError: the image is blank, which would be a drawing bug, not the user's doing.
    """
    from app.outputs import write_bytes

    if is_blank(image):
        raise RuntimeError(f"the chart image for {path.name} came out blank")
    return write_bytes(Path(path), png_bytes(image, caption), replace=True)


def png_bytes(image: QImage, caption: str = "") -> bytes:
    """The PNG encoding of `image`, made in memory (a QBuffer), never written to a file."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image.setText("Software", "Riskcurve")
    if caption:
        image.setText("Description", caption)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("the chart image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def is_blank(image: QImage, samples: int = 64) -> bool:
    """True if a grid of sample pixels is a single colour (nothing was drawn)."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return True
    colours = {
        image.pixel(x * (image.width() - 1) // samples, y * (image.height() - 1) // samples)
        for x in range(samples + 1)
        for y in range(samples + 1)
    }
    return len(colours) < 2


def source_text(key: str, sources: Mapping[str, str] | None = None) -> str:
    """Where an instrument's data came from: the caller's description, else from its key."""
    from app.errors import InvalidKeyError
    from app.instruments import parse_key

    if sources and sources.get(key):
        return sources[key]
    try:
        spec = parse_key(key)
    except InvalidKeyError:
        return key
    if spec.source == "ccxt":
        return f"{spec.exchange.capitalize()} via ccxt"
    return SOURCE_NAMES.get(spec.source, spec.source)


def caption_text(
    result: AnalysisResult,
    first: pd.Timestamp,
    last: pd.Timestamp,
    sources: Mapping[str, str] | None = None,
    generated: dt.date | None = None,
) -> str:
    """The caption line: leader and follower, the dates shown, data sources, generated date."""
    from widgets.charts.panes import instrument_label

    leader, follower = instrument_label(result.leader_key), instrument_label(result.follower_key)
    generated = generated or dt.datetime.now(dt.UTC).date()
    data = "; ".join(
        f"{instrument_label(key)}: {source_text(key, sources)}"
        for key in dict.fromkeys((result.leader_key, result.follower_key))
    )
    return (
        f"Leader {leader}, follower {follower} · {first:%Y-%m-%d} – {last:%Y-%m-%d} · "
        f"Data: {data} · Generated {generated:%Y-%m-%d} with Riskcurve · not financial advice"
    )


def render_report_pngs(
    result: AnalysisResult, out_dir: Path, sources: Mapping[str, str], width: int = 1920
) -> list[Path]:
    """Write charts.png (the whole stack, all dates) and cycles.png for the `report` command.

    Works headless: creates an offscreen QApplication if none is running.
    """
    from widgets.charts.cycles import CyclesChart
    from widgets.charts.panes import data_x_bounds
    from widgets.charts.stack import ALL_PANES, ChartState

    ensure_app()
    out_dir = Path(out_dir)
    bounds = data_x_bounds(result)
    if bounds is None:
        raise ValueError("the analysis has no prices to draw")
    state = ChartState(result, True, False, _padded(bounds), None)
    first, last = result_range(result)
    caption = caption_text(result, first, last, sources)
    theme = theme_from_palette()
    charts = render_state_png(state, out_dir / "charts.png", width, caption, ALL_PANES, theme)
    chart = CyclesChart(theme=theme)
    try:
        chart.set_result(result)
        cycles_caption = f"{_follower_cycles_title(result)} · {caption}"
        cycles = export_cycles_png(chart, out_dir / "cycles.png", width, cycles_caption)
    finally:
        _dispose(chart)
    return [charts, cycles]


def _padded(bounds: tuple[float, float]) -> tuple[float, float]:
    span = bounds[1] - bounds[0]
    return bounds[0] - span * 0.01, bounds[1] + span * 0.01 + 86_400


def result_range(result: AnalysisResult) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last date of either market in the result."""
    from widgets.charts.coords import to_timestamp
    from widgets.charts.panes import data_x_bounds

    lo, hi = data_x_bounds(result)
    return to_timestamp(lo), to_timestamp(hi)


def _follower_cycles_title(result: AnalysisResult) -> str:
    from widgets.charts.panes import instrument_label

    return f"{instrument_label(result.follower_key)} halving cycles, price ÷ halving-day price"
