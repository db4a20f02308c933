"""The picture of the charts kept for the next start: shown the moment the window knows it is
still true, until the live charts are built and drawn over it.

Building the four linked panes and drawing them takes a few hundred milliseconds after the
window appears. The user's charts are usually the same as when the window last closed: the
same bars, settings, window size and theme. So at close the chart stack is put back into the
view a start shows (all dates, nothing selected, no crosshair) and its image is written next to
the kept drawing (app.chart_snapshot), as a PNG whose text fields say what it shows:

- the kept drawing's exact key (the bars, their sources and every analysis setting),
- the view: theme colours and font, log and compare modes, the "both markets" choice,
- its size in device-independent pixels and the screen's pixel ratio.

At the next start the load worker finds the kept drawing for these bars and settings; only
then, and only when every field matches, is the picture shown (the chart area paints it while
its size is the picture's). The live charts replace it as soon as they are drawn, with the
same pixels. A picture that does not match, cannot be read or is damaged is ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger("riskcurve.gui.picture")

PICTURE_FILE = "charts.png"
_CHART, _VIEW, _SIZE = "riskcurve-chart", "riskcurve-view", "riskcurve-size"


def picture_path(snapshot: Path) -> Path:
    """Where the picture lives: beside the kept drawing `snapshot` (charts.npz)."""
    return snapshot.with_name(PICTURE_FILE)


@dataclass(frozen=True)
class PictureKey:
    """What a picture shows (see the module docstring)."""

    chart: str
    view: str


def view_text(widget: QWidget, log_on: bool, compare: bool, both_saved: bool | None) -> str:
    """The view a picture was taken in: colours and font of `widget`, the chart modes and the
    remembered "both markets" choice (None: not chosen, the data's default applies)."""
    palette, font = widget.palette(), widget.font()
    roles = (QPalette.ColorRole.Base, QPalette.ColorRole.Text, QPalette.ColorRole.Highlight)
    colours = ",".join(palette.color(role).name() for role in roles)
    return (
        f"colours={colours} font={font.family()}/{font.pointSizeF():g} "
        f"log={log_on} compare={compare} both={both_saved}"
    )


def size_text(size: QSize, ratio: float) -> str:
    return f"{size.width()}x{size.height()}@{ratio:g}"


def encode_picture(image: QImage, key: PictureKey) -> bytes:
    """`image` as PNG bytes carrying `key` and its size."""
    from widgets.charts.image_export import png_bytes

    image = QImage(image)  # the texts go on a copy
    image.setText(_CHART, key.chart)
    image.setText(_VIEW, key.view)
    logical = image.deviceIndependentSize().toSize()
    image.setText(_SIZE, size_text(logical, image.devicePixelRatio()))
    return png_bytes(image)


def save_picture(path: Path, image: QImage, key: PictureKey) -> bool:
    """Write the picture whole or not at all; False, and a log line, when it cannot."""
    from app.errors import RiskcurveError
    from app.outputs import write_bytes

    try:
        write_bytes(path, encode_picture(image, key), replace=True)
    except (RiskcurveError, OSError, RuntimeError) as exc:
        log.warning("cannot keep the chart picture %s: %s", path, exc)
        return False
    return True


def load_picture(path: Path, key: PictureKey) -> QImage | None:
    """The picture at `path` if it shows `key`; else None (a damaged file is logged)."""
    from app.outputs import read_regular_file

    try:
        data = read_regular_file(path)  # a FIFO in its place would block the start for ever
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("chart picture %s not used: %s", path, exc)
        return None
    # PySide6's stubs say bytes for the format, the binding itself takes only str.
    image = QImage.fromData(data, "PNG")  # type: ignore[arg-type]
    if image.isNull():
        log.warning("chart picture %s not used: not a readable PNG", path)
        return None
    if (image.text(_CHART), image.text(_VIEW)) != (key.chart, key.view) or not key.chart:
        return None
    ratio = _ratio_of(image.text(_SIZE), image.size())
    if ratio is None:
        log.warning("chart picture %s not used: its size field does not match it", path)
        return None
    image.setDevicePixelRatio(ratio)
    return image


def _ratio_of(text: str, pixels: QSize) -> float | None:
    """The pixel ratio `text` ("1280x560@2") gives, if it agrees with the image's pixels."""
    size, _, ratio_text = text.partition("@")
    width, _, height = size.partition("x")
    try:
        ratio, logical = float(ratio_text), QSize(int(width), int(height))
        if not 0 < ratio <= 16:  # NaN and infinity too: no screen has such a ratio
            return None
        if round(logical.width() * ratio) != pixels.width():
            return None
        if round(logical.height() * ratio) != pixels.height():
            return None
    except (ValueError, OverflowError):  # not numbers, or too large for a QSize
        return None
    return ratio


def fits(image: QImage, widget: QWidget) -> bool:
    """True when `image` covers `widget` pixel for pixel (same size, same screen ratio)."""
    same_ratio = abs(image.devicePixelRatio() - widget.devicePixelRatioF()) < 1e-6
    return same_ratio and image.deviceIndependentSize().toSize() == widget.size()


class PictureLabel(QLabel):
    """The chart area's note ("Loading cached data…"), or the kept picture while it fits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._picture: QImage | None = None
        self.painted_picture = False  # the latest paint showed the picture (benchmarks, tests)

    def show_picture(self, image: QImage | None) -> None:
        """Paint `image` instead of the text whenever it fits; None: the text again."""
        self._picture = image
        self.update()

    def shown_picture(self) -> QImage | None:
        return self._picture

    def paintEvent(self, event: QPaintEvent) -> None:
        picture = self._picture
        self.painted_picture = picture is not None and fits(picture, self)
        if picture is not None and self.painted_picture:
            QPainter(self).drawImage(0, 0, picture)  # at its own pixel ratio: pixel for pixel
        else:
            super().paintEvent(event)
