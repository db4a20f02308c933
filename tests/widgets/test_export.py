"""Exports from the window: PNG at the requested width, never overwriting silently, signals CSV."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.report import breakouts_csv_text
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets import export
from widgets.charts.image_export import is_blank
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture
def window(qtbot, paths):
    fill_cache(paths, leader_days=900, follower_days=1300)
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def _answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_chart_png_has_the_requested_width_and_is_not_blank(window, tmp_path):
    path = export.write_chart_png(window, tmp_path / "stack.png", 900)
    image = QImage(str(path))
    assert image.width() == 900
    assert image.height() > 300
    assert not is_blank(image)
    assert "Leader ^RUT" in image.text("Description")


def test_one_pane_exports_alone(window, tmp_path):
    path = export.write_chart_png(window, tmp_path / "pane.png", 640, pane=2)
    image = QImage(str(path))
    assert image.width() == 640
    assert not is_blank(image)


def test_an_existing_file_is_kept_unless_the_user_agrees(window, tmp_path, monkeypatch):
    target = tmp_path / "chart.png"
    target.write_bytes(b"keep me")
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    assert export.write_chart_png(window, target, 800) is None
    assert target.read_bytes() == b"keep me"
    assert asked and "chart.png already exists" in asked[0]
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    assert export.write_chart_png(window, target, 800) == target
    assert QImage(str(target)).width() == 800


def test_the_export_menu_asks_width_and_file_then_writes(window, tmp_path, monkeypatch):
    chosen = tmp_path / "mine"  # no suffix: .png is added, and that name is checked again
    offered: list[str] = []

    def save_name(parent, title, suggested, file_filter):
        offered.append(suggested)
        return str(chosen), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (700, True)))
    path = export.export_chart_interactive(window)
    assert path == tmp_path / "mine.png"
    assert QImage(str(path)).width() == 700
    assert offered[0].endswith("riskcurve_yahoo-RUT_vs_ccxt-bitstamp-BTC-USD.png")


def test_signals_csv_matches_the_analyze_command(window, tmp_path, monkeypatch):
    path = export.write_signals_csv(window, tmp_path / "signals.csv")
    assert path.read_text(encoding="utf-8") == breakouts_csv_text(window.session.result)
    _answer(monkeypatch, QMessageBox.StandardButton.No)
    path.write_text("old", encoding="utf-8")
    assert export.write_signals_csv(window, path) is None
    assert path.read_text(encoding="utf-8") == "old"


def test_nothing_to_export_says_so(qtbot, paths):
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    assert export.export_chart_interactive(window) is None
    assert "Nothing to export" in window.statusBar().currentMessage()
