"""The files a start reads before the user does anything: the kept drawing (charts.npz), the kept
picture (charts.png) and the layout file (window.ini), made hostile or broken.

Found by attacking the landed app: a 3 MB charts.npz whose metadata unpacked to 3 GB took 6 GB
of memory at every start; metadata nested 5,000 deep, or dates of +inf, left the window
"Loading…" for ever behind a bug report; a FIFO in place of any of the three hung the start; a
layout file with `tab=²` stopped the app from starting at all. Each is now not used (logged),
and a layout file that is not a file is moved aside.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QImage

from app import chart_snapshot
from app.chart_input import chart_input
from app.chart_snapshot import load_snapshot, save_snapshot, snapshot_path
from tests.widgets.result_factory import make_result
from widgets import kept_picture, window_layout

POSIX_FIFO = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[dict[str, np.ndarray], dict]:
    """The members of a real kept drawing, and its metadata."""
    path = snapshot_path(tmp_path_factory.mktemp("kept"))
    save_snapshot(path, chart_input(make_result(), key="k1", quick="q1"))
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return arrays, json.loads(bytes(arrays["meta"]).decode("utf-8"))


def _write(path: Path, arrays: dict[str, np.ndarray], meta_text: str | None = None) -> None:
    members = dict(arrays)
    if meta_text is not None:
        members["meta"] = np.frombuffer(meta_text.encode("utf-8"), dtype=np.uint8)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, values in members.items():
            buffer = io.BytesIO()
            np.save(buffer, values, allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def _changed(good, **replace) -> tuple[dict[str, np.ndarray], str]:
    arrays, meta = good
    arrays = {name: np.array(values) for name, values in arrays.items()}
    meta = dict(meta)
    for name, value in replace.items():
        if name in meta:
            meta[name] = value
        else:
            arrays[name.replace("__", ".")] = value
    return arrays, json.dumps(meta)


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        ({"leader__xs": "inf dates"}, "not between 1800 and 2200"),
        ({"follower__ys": "nan price"}, "not a finite price"),
        ({"key_dates": [[float("nan"), "x", "halving"]]}, "not between 1800 and 2200"),
        ({"key_dates": [[1e300, "x", "halving"]]}, "not between 1800 and 2200"),
        ({"corr_window": 2**70}, "not a whole number of days"),
        ({"key_dates_on": "elsewhere"}, "neither leader nor follower"),
        ({"leader__xs": "reversed"}, "dates out of order"),
    ],
)
def test_a_drawing_with_values_that_cannot_be_drawn_is_not_used(
    tmp_path, good, damage, says, caplog
):
    arrays = good[0]
    values = {
        "inf dates": np.full(arrays["leader.xs"].shape, np.inf),
        "nan price": np.where(np.arange(arrays["follower.ys"].size) == 3, np.nan, 1.0),
        "reversed": arrays["leader.xs"][::-1].copy(),
    }
    damage = {k: values.get(v, v) if isinstance(v, str) else v for k, v in damage.items()}
    path = snapshot_path(tmp_path)
    _write(path, *_changed(good, **damage))
    with caplog.at_level(logging.WARNING, logger="riskcurve.snapshot"):
        assert load_snapshot(path, "q1") is None
    assert says in caplog.text


def test_metadata_nested_too_deep_is_not_used(tmp_path, good, caplog):
    path = snapshot_path(tmp_path)
    _write(path, good[0], "[" * 5_000 + "]" * 5_000)
    with caplog.at_level(logging.WARNING, logger="riskcurve.snapshot"):
        assert load_snapshot(path, "q1") is None
    assert "nested too deep" in caplog.text


def test_a_small_file_that_unpacks_to_more_than_a_drawing_is_refused_unread(
    tmp_path, good, caplog, monkeypatch
):
    # A real bomb (3 GB of zeros in a 3 MB file) would cost the test gigabytes; the limits are
    # lowered instead, and the zeros compress the same way.
    monkeypatch.setattr(chart_snapshot, "MEMBER_BYTES", 1 << 20)
    arrays = good[0]
    bomb = {**arrays, "leader.xs": np.zeros(1 << 18)}  # 2 MiB unpacked, a few KiB packed
    path = snapshot_path(tmp_path)
    _write(path, bomb)
    assert path.stat().st_size < (1 << 20) // 4  # smaller than the member it unpacks
    read = []
    monkeypatch.setattr(np, "load", lambda *a, **k: read.append(1) or pytest.fail("read"))
    with caplog.at_level(logging.WARNING, logger="riskcurve.snapshot"):
        assert load_snapshot(path, "q1") is None
    assert "leader.xs.npy unpacks to 2,097,280 bytes" in caplog.text and not read


def _within(call, seconds: float, fifo: Path):
    """call(), or pytest.fail when it blocks (the pipe is then opened for writing to free it)."""
    answer: list[object] = []
    worker = threading.Thread(target=lambda: answer.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(10)
        pytest.fail(f"reading {fifo.name} waited on the pipe")
    return answer[0]


@POSIX_FIFO
def test_a_fifo_in_place_of_the_kept_drawing_or_picture_is_not_waited_on(tmp_path, caplog):
    drawing, picture = tmp_path / "charts.npz", tmp_path / "charts.png"
    os.mkfifo(drawing)
    os.mkfifo(picture)
    with caplog.at_level(logging.WARNING):
        assert _within(lambda: load_snapshot(drawing, "q1"), 5, drawing) is None
        key = kept_picture.PictureKey("k", "v")
        assert _within(lambda: kept_picture.load_picture(picture, key), 5, picture) is None
    assert caplog.text.count("named pipe") == 2


@pytest.mark.parametrize("size", ["1280x560@nan", "1280x560@inf", "1280x560@1e308", "0x0@inf"])
def test_a_picture_whose_size_field_is_not_a_size_is_not_used(qapp, tmp_path, size, caplog):
    key = kept_picture.PictureKey("k", "v")
    image = QImage(QSize(64, 32), QImage.Format.Format_RGB32)
    image.fill(0x336699)
    path = tmp_path / "charts.png"
    assert kept_picture.save_picture(path, image, key)
    tampered = QImage(str(path))
    tampered.setText("riskcurve-size", size)
    assert tampered.save(str(path), "PNG")
    with caplog.at_level(logging.WARNING, logger="riskcurve.gui.picture"):
        assert kept_picture.load_picture(path, key) is None
    assert "size field" in caplog.text


@pytest.mark.parametrize("text", ["²", "-1", "99", " 3 ", "x"])
def test_a_layout_file_number_that_is_not_one_is_ignored(tmp_path, text):
    saved = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    saved.setValue("window/tab", text)
    expected = 3 if text.strip() == "3" else None
    assert window_layout.saved_int(saved, "window/tab", 0, 5) == expected


@POSIX_FIFO
def test_a_layout_file_that_is_not_a_file_is_moved_aside(qapp, paths, caplog):
    fifo = paths.config / window_layout.LAYOUT_FILE
    os.mkfifo(fifo)
    with caplog.at_level(logging.WARNING, logger="riskcurve.layout"):
        store = _within(lambda: window_layout.store(paths), 5, fifo)
    assert "moved aside" in caplog.text and not fifo.exists()
    (aside,) = paths.config.glob("window.ini.unusable-*")
    assert os.path.exists(aside)
    store.setValue("window/tab", 2)
    store.sync()
    assert fifo.is_file()  # the layout starts afresh in a file of its own
