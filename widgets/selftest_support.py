"""What the self-test's checks use: built-in data, image and certificate checks, a loopback
HTTP server. Kept apart from widgets.selftest so that module reads as the list of checks.

Heavy modules (numpy, pandas, Qt) are imported inside the functions: the self-test reports a
missing one as a failed check instead of failing to start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from PySide6.QtGui import QImage

PEM_MARKER = b"-----BEGIN CERTIFICATE-----"


def synthetic_bars() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A leader that rises, moves sideways below its high for ~2 years, then breaks out; and a
    follower that trades every day. Deterministic, so a failure is reproducible."""
    import numpy as np
    import pandas as pd

    from app.bars import epoch_days

    rng = np.random.default_rng(20_240_420)
    days = epoch_days(pd.bdate_range("2012-01-02", periods=1600))
    step = np.arange(len(days))
    rise = np.log(100) + np.log(2) * np.minimum(step, 500) / 500
    dip = np.log(0.85) * np.sin(np.pi * (step - 500) / 600)
    sideways = np.where((step > 500) & (step <= 1100), dip, 0.0)
    rally = np.log(1.5) * np.clip(step - 1100, 0, None) / 500
    leader = np.exp(rise + sideways + rally + rng.normal(0, 0.002, len(days)))
    follower_days = np.arange(days[0], days[-1] + 1)
    follower = 200 * np.exp(np.cumsum(rng.normal(0.001, 0.03, len(follower_days))))
    return ohlc(days, leader), ohlc(follower_days, follower)


def ohlc(days, close) -> pd.DataFrame:
    import numpy as np

    from app.bars import bars_from_arrays

    opening = np.concatenate([[close[0]], close[:-1]])
    values = {
        "open": opening,
        "high": np.maximum(opening, close) * 1.004,
        "low": np.minimum(opening, close) * 0.996,
        "close": close,
        "volume": np.full(len(close), 1000.0),
    }
    return bars_from_arrays(days, values)


def is_drawn(image: QImage) -> bool:
    """True when the image is more than one flat colour (see image_export.is_blank)."""
    from widgets.charts.image_export import is_blank

    return not is_blank(image)


def count_pem_certificates(path: Path, name: str) -> int:
    """Number of certificates in a PEM bundle; raises with the reason when it is unusable."""
    import ssl

    if not path.is_file():
        raise RuntimeError(f"{name} CA bundle {path} does not exist")
    data = path.read_bytes()
    if PEM_MARKER not in data:
        raise RuntimeError(f"{name} CA bundle {path} is empty or not PEM")
    context = ssl.create_default_context(cafile=str(path))
    count = context.cert_store_stats()["x509_ca"]
    if count == 0:
        raise RuntimeError(f"{name} CA bundle {path} holds no CA certificate")
    return count


def text_image(text: str) -> QImage:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(160, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    painter.setFont(QFont(QFont().defaultFamily(), 20))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return image


@contextmanager
def loopback_server(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 from a thread; yields the base URL."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args) -> None:  # keep the report to one line per check
            return

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
