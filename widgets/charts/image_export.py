"""PNG images of the charts: laying out an off-screen copy, painting it, captioning, saving.

An image is not a screenshot of the on-screen widget: a fresh copy of the chart is laid out,
off screen, at the exact pixel size asked for, with the theme scaled to that size, and its scene
is painted into a QImage. The charts make their copies themselves (ChartStack, CyclesChart) and
use these helpers; this module imports neither, so the dependency runs one way. That gives
the requested width whatever the window size or screen scaling, never exports a widget that
was not laid out yet (pyqtgraph's ImageExporter would), and keeps lines, legends and markers
in proportion (a scaling painter would leave them thin).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from app.chart_input import pair_names
from app.provenance import Sources, source_of
from widgets.charts.coords import to_timestamp
from widgets.theme import Theme

if TYPE_CHECKING:
    import pandas as pd

    from app.analysis import AnalysisResult
    from app.chart_input import ChartInput

REFERENCE_WIDTH = 1280  # px; the width the theme's sizes are designed for (scale 1)
MIN_WIDTH, MAX_WIDTH = 480, 10_000  # below 480 px the panes have no room for their labels
# Height as a share of the width: the stack and the cycles chart (a pane: its PaneSpec).
STACK_ASPECT = 0.62
CYCLES_ASPECT = 0.5
#: An image counts as drawn when at least this share of its pixels differs from the most common
#: colour (the background).
MIN_INK_SHARE = 0.005


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
    if isinstance(app, QApplication):
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication(["riskcurve-report"])


def lay_out(widget: QWidget, width: int, height: int) -> None:
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


def render(view, width: int, height: int) -> QImage:
    """Paint the scene of `view` into a new image of exactly `width` × `height` pixels."""
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


def dispose(widget: QWidget) -> None:
    """Delete an off-screen copy now, not in an event loop that may never run."""
    from PySide6.QtCore import QEvent

    widget.hide()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def render_copy(
    copy: QWidget,
    show: Callable[[], None],
    view: Callable[[], QGraphicsView],
    size: tuple[int, int],
    caption: str,
    theme: Theme,
    path: Path,
) -> Path:
    """Lay out `copy` off screen at `size`, `show()` the content in it, paint `view()` and
    save it with `caption` as `path`; the copy is deleted afterwards, whatever happens."""
    width, height = size
    try:
        lay_out(copy, width, height)
        show()
        image = render(view(), width, height)
    finally:
        dispose(copy)
    return save_png(with_caption(image, caption, theme), path, caption)


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
    # PySide6's stubs say bytes for the format, the binding itself takes only str.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError("the chart image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def is_blank(image: QImage) -> bool:
    """True when almost every pixel is the most common colour (nothing, or next to nothing,
    was drawn): a failed render is one flat colour, a chart or a line of text is not."""
    import numpy as np

    if image.isNull() or image.width() == 0 or image.height() == 0:
        return True
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = rgb.width(), rgb.height()
    rows = np.frombuffer(rgb.constBits(), dtype=np.uint32, count=rgb.bytesPerLine() // 4 * height)
    pixels = rows.reshape(height, -1)[:, :width].ravel()
    _, counts = np.unique(pixels, return_counts=True)
    return 1.0 - counts.max() / pixels.size < MIN_INK_SHARE


def caption_text(
    result: AnalysisResult | ChartInput,
    first: pd.Timestamp,
    last: pd.Timestamp,
    sources: Sources | None = None,
    generated: dt.date | None = None,
) -> str:
    """The caption line: leader and follower, the dates shown, where the data came from (as
    recorded per bar, see app.provenance), generated date."""
    leader, follower = pair_names(result)
    generated = generated or dt.datetime.now(dt.UTC).date()
    names = {result.follower_key: follower, result.leader_key: leader}
    data = "; ".join(
        f"{names[key]}: {source_of(key, sources)}"
        for key in dict.fromkeys((result.leader_key, result.follower_key))
    )
    return (
        f"Leader {leader}, follower {follower} · {first:%Y-%m-%d} – {last:%Y-%m-%d} · "
        f"Data: {data} · Generated {generated:%Y-%m-%d} with Riskcurve · not financial advice"
    )


def result_range(chart: ChartInput) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last date of either market in the drawing."""
    bounds = chart.x_bounds()
    if bounds is None:
        raise ValueError("the analysis has no prices")
    return to_timestamp(bounds[0]), to_timestamp(bounds[1])
