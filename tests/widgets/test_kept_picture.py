"""The picture of the charts kept at close and shown at the next start before the charts are
built (widgets.kept_picture): only when it shows these very bars, settings, size and theme,
pixel for pixel what the live charts then draw over it."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QWidget

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets import kept_picture
from widgets.charts.items import PanePlots
from widgets.kept_picture import PictureKey, fits, load_picture, picture_path, save_picture
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]

KEY = PictureKey("chart-key", "colours=#ffffff font=Sans/10 log=True compare=False both=None")
SIZE = (1000, 640)  # wider than the window's least width, so the offscreen screen keeps it


def _image(width: int = 40, height: int = 30, ratio: float = 1.0) -> QImage:
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_ARGB32)
    image.fill(QColor("#204080"))
    image.setPixelColor(3, 2, QColor("#ff0000"))
    image.setDevicePixelRatio(ratio)
    return image


# -- the file -----------------------------------------------------------------------------------


def test_a_saved_picture_loads_with_its_key_size_and_pixels(qapp, tmp_path):
    path = tmp_path / "charts.png"
    assert save_picture(path, _image(ratio=2.0), KEY)
    loaded = load_picture(path, KEY)
    assert loaded is not None
    assert loaded.devicePixelRatio() == 2.0
    assert loaded.deviceIndependentSize().toSize() == QSize(40, 30)
    assert loaded.pixelColor(3, 2) == QColor("#ff0000")
    assert [p.name for p in tmp_path.iterdir()] == ["charts.png"]  # no temporary file left


@pytest.mark.parametrize(
    "other",
    [PictureKey("other bars or settings", KEY.view), PictureKey(KEY.chart, "another theme")],
)
def test_a_picture_of_other_charts_or_another_view_is_not_used(qapp, tmp_path, other):
    path = tmp_path / "charts.png"
    save_picture(path, _image(), KEY)
    assert load_picture(path, other) is None


def test_a_picture_without_a_key_is_never_used(qapp, tmp_path):
    path = tmp_path / "charts.png"
    save_picture(path, _image(), PictureKey("", KEY.view))
    assert load_picture(path, PictureKey("", KEY.view)) is None


def test_a_damaged_or_foreign_picture_is_ignored_and_logged(qapp, tmp_path, caplog):
    path = tmp_path / "charts.png"
    save_picture(path, _image(), KEY)
    path.write_bytes(path.read_bytes()[:60])  # cut short
    with caplog.at_level(logging.WARNING):
        assert load_picture(path, KEY) is None
    assert "not a readable PNG" in caplog.text
    _image().save(str(path), "PNG")  # a PNG without the fields
    assert load_picture(path, KEY) is None
    assert load_picture(tmp_path / "absent.png", KEY) is None


def test_a_picture_whose_size_field_lies_is_ignored(qapp, tmp_path, caplog):
    path = tmp_path / "charts.png"
    image = QImage(_image())
    image.setText("riskcurve-chart", KEY.chart)
    image.setText("riskcurve-view", KEY.view)
    image.setText("riskcurve-size", "80x60@1")  # the pixels are 40×30
    image.save(str(path), "PNG")
    with caplog.at_level(logging.WARNING):
        assert load_picture(path, KEY) is None
    assert "size field" in caplog.text


def test_an_unwritable_place_keeps_no_picture_and_says_why(qapp, tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING):
        assert not save_picture(blocker / "charts.png", _image(), KEY)
    assert "cannot keep the chart picture" in caplog.text
    assert blocker.read_text() == "a file where the folder should be"


def test_the_picture_lives_beside_the_kept_drawing(tmp_path):
    assert picture_path(tmp_path / "charts.npz") == tmp_path / "charts.png"


def test_a_picture_fits_only_a_widget_of_its_size(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(40, 30)
    assert fits(_image(40, 30, widget.devicePixelRatioF()), widget)
    assert not fits(_image(41, 30, widget.devicePixelRatioF()), widget)


def test_the_view_text_tells_light_from_dark_and_the_chart_modes(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    light = kept_picture.view_text(widget, True, False, None)
    dark = QPalette(widget.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    widget.setPalette(dark)
    assert kept_picture.view_text(widget, True, False, None) != light
    texts = {
        kept_picture.view_text(widget, *modes)
        for modes in [
            (True, False, None),
            (False, False, None),
            (True, True, None),
            (True, False, True),
        ]
    }
    assert len(texts) == 4  # fmt: skip


# -- the window ---------------------------------------------------------------------------------


def _open(qtbot, paths, size=SIZE, remember=True) -> MainWindow:
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=remember)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _start(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.start(refresh=False, warm_up=False)


def _picture_file(window: MainWindow):
    return picture_path(window.session.snapshot_file())


def _close_after_first_start(qtbot, paths) -> None:
    """A first start that draws the charts and closes the window, as a user does."""
    window = _open(qtbot, paths)
    _start(qtbot, window)
    window.charts.highlight(window.charts.chart().breakouts.xs[0])  # undone for the picture
    window.charts.zoom(4.0)
    window.close()


def test_closing_the_window_keeps_the_picture_of_the_start_view(qtbot, paths):
    fill_cache(paths)
    _close_after_first_start(qtbot, paths)
    window = _open(qtbot, paths)
    assert _picture_file(window).is_file()
    area = window.chart_area
    before_build: list[bool] = []  # a paint of the picture while the stack was not yet built
    paint = area.loading.paintEvent

    def noted(event):
        paint(event)
        before_build.append(area.loading.painted_picture and area._charts is None)

    area.loading.paintEvent = noted
    _start(qtbot, window)
    assert any(before_build), "the picture was not painted before the charts were built"
    shown = window.first_picture._start_picture[1]
    live = window.charts.grab().toImage().convertToFormat(shown.format())
    assert live.size() == shown.size()
    assert live == shown  # the live charts draw the very pixels the picture showed
    assert window.chart_area.loading.shown_picture() is None  # dropped once the charts are drawn


def test_a_picture_of_another_window_size_is_not_shown(qtbot, paths):
    fill_cache(paths)
    _close_after_first_start(qtbot, paths)
    window = _open(qtbot, paths, size=(SIZE[0] + 120, SIZE[1]))
    painted: list[bool] = []
    paint = window.chart_area.loading.paintEvent
    window.chart_area.loading.paintEvent = lambda event: (
        paint(event),
        painted.append(window.chart_area.loading.painted_picture),
    )
    _start(qtbot, window)
    assert painted and not any(painted)
    assert window.charts.plotted("leader")[0].size  # the live charts came all the same
    window.close()  # and the picture is kept anew, at this size
    assert (
        load_picture(
            _picture_file(window), window.first_picture._picture_key(window.charts.chart().key)
        )
        .deviceIndependentSize()
        .toSize()
        == window.charts.size()
    )


def test_screenshots_and_tests_with_a_fixed_layout_keep_no_picture(qtbot, paths):
    fill_cache(paths)
    window = _open(qtbot, paths, remember=False)
    _start(qtbot, window)
    window.close()
    assert not _picture_file(window).exists()


def test_the_panes_plots_are_made_ahead_in_passes_of_their_own(qtbot, paths, monkeypatch):
    """Four PlotItems in one pass stalled the window for ~100 ms at start-up."""
    fill_cache(paths)
    _close_after_first_start(qtbot, paths)
    made_by: list[str] = []
    make_next, take = PanePlots.make_next, PanePlots.take

    def noted_next(plots):
        made_by.append("ahead")
        return make_next(plots)

    def noted_take(plots, pane):
        if pane not in plots._made:
            made_by.append("with the stack")
        return take(plots, pane)

    monkeypatch.setattr(PanePlots, "make_next", noted_next)
    monkeypatch.setattr(PanePlots, "take", noted_take)
    window = _open(qtbot, paths)
    _start(qtbot, window)
    assert made_by.count("ahead") >= 4 and "with the stack" not in made_by


def test_the_notice_above_the_charts_is_up_before_the_picture_is_shown(qtbot, paths):
    """The notice takes room from the charts: up only after the picture, it would leave the
    picture a size that no longer fits, and the live charts would jump down."""
    fill_cache(paths)  # bars from years ago: the notice says how old they are
    _close_after_first_start(qtbot, paths)
    window = _open(qtbot, paths)
    seen: list[str] = []
    window.session.chartReady.connect(lambda _chart: seen.append(window.notice.text.text()))
    _start(qtbot, window)
    assert seen and "old" in seen[0]
