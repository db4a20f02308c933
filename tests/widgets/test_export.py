"""Exports from the window: PNG at the requested width, never overwriting silently, signals CSV."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets import export
from widgets.charts.image_export import is_blank
from widgets.main_window import MainWindow
from widgets.tables.models import one_line

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
    path = export.write_chart_png(window.export_target(), tmp_path / "stack.png", 900)
    image = QImage(str(path))
    assert image.width() == 900
    assert image.height() > 300
    assert not is_blank(image)
    assert "Leader Russell 2000 (^RUT)" in image.text("Description")


def test_one_pane_exports_alone(window, tmp_path):
    path = export.write_chart_png(window.export_target(), tmp_path / "pane.png", 640, pane=2)
    image = QImage(str(path))
    assert image.width() == 640
    assert not is_blank(image)


def test_an_existing_file_is_kept_unless_the_user_agrees(window, tmp_path, monkeypatch):
    target = tmp_path / "chart.png"
    target.write_bytes(b"keep me")
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    assert export.write_chart_png(window.export_target(), target, 800) is None
    assert target.read_bytes() == b"keep me"
    assert asked and "chart.png already exists" in asked[0]
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    assert export.write_chart_png(window.export_target(), target, 800) == target
    assert QImage(str(target)).width() == 800


def test_the_export_menu_asks_width_and_file_then_writes(window, tmp_path, monkeypatch):
    chosen = tmp_path / "mine"  # no suffix: .png is added, and that name is checked again
    offered: list[str] = []

    def save_name(parent, title, suggested, file_filter):
        offered.append(suggested)
        return str(chosen), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(export.WidthDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(export.WidthDialog, "width_value", lambda self: 700)
    path = export.export_chart_interactive(window.export_target())
    assert path == tmp_path / "mine.png"
    assert QImage(str(path)).width() == 700
    assert offered[0].endswith("riskcurve_yahoo-RUT_vs_ccxt-bitstamp-BTC-USD.png")


def test_signals_csv_has_every_shown_column_rounded_as_shown_plus_raw(
    window, tmp_path, monkeypatch
):
    import csv

    path = export.write_signals_csv(window.export_target(), tmp_path / "signals.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    model, table = window.signals_tab.model, window.signals_tab.table
    titles = [one_line(c.title) for c in model.columns]  # a file's header keeps one line
    assert rows[0][: len(titles)] == titles
    raw = [c.field for c in model.columns if c.kind in ("return", "pct")]
    assert rows[0][len(titles) :] == raw
    assert len(rows) - 1 == table.model().rowCount() > 0
    shown = [table.model().index(0, i).data() or "" for i in range(len(titles))]
    assert rows[1][: len(titles)] == shown  # "+17.3%", dates, as the table shows them
    first = table.model().mapToSource(table.model().index(0, 0)).row()
    fraction = window.session.result.breakouts[raw[0]].iloc[first]
    assert float(rows[1][len(titles)]) == pytest.approx(fraction)
    _answer(monkeypatch, QMessageBox.StandardButton.No)
    path.write_text("old", encoding="utf-8")
    assert export.write_signals_csv(window.export_target(), path) is None
    assert path.read_text(encoding="utf-8") == "old"


def test_width_box_shows_the_range_and_says_when_a_value_is_outside_it(qtbot):
    dialog = export.WidthDialog(1920)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "480–10,000" in dialog.findChild(export.QLabel).text()
    dialog.edit.setText("99999")
    assert dialog.edit.text() == "99999"  # kept as typed, never cut to 9999
    assert "99,999 px is outside the allowed 480–10,000 px" in dialog.message.text()
    assert not ok.isEnabled()
    dialog.edit.setText("abc")
    assert "whole number" in dialog.message.text() and not ok.isEnabled()
    height = dialog.sizeHint().height()
    dialog.edit.setText("2400")
    assert dialog.message.text() == "" and ok.isEnabled() and dialog.width_value() == 2400
    assert dialog.sizeHint().height() == height  # the message line keeps its room


def test_snapshot_writes_a_new_file_at_the_last_width_and_names_it(window, tmp_path):
    import datetime as dt

    target = window.export_target()
    target.store.setValue("export/folder", str(tmp_path))
    target.store.setValue("export/width", 640)
    now = dt.datetime(2026, 3, 1, 12, 30, 5)
    first = export.snapshot(target, now)
    second = export.snapshot(target, now)  # same second: a second file, the first kept
    assert first.parent == tmp_path and first != second and first.exists() and second.exists()
    assert first.name.endswith("_2026-03-01_123005.png")
    assert QImage(str(first)).width() == 640
    said = window.status.message.text()
    assert said.startswith(f"Snapshot saved: {second.name}, 640 px wide, in {second.parent}")


def test_alt_s_takes_a_snapshot(qtbot, window, tmp_path):
    from PySide6.QtCore import Qt

    window.layout_store.setValue("export/folder", str(tmp_path))
    window.layout_store.setValue("export/width", 480)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: any(tmp_path.glob("*.png")), timeout=10_000)
    (shot,) = tmp_path.glob("*.png")
    assert window.status.message.text().startswith(f"Snapshot saved: {shot.name}, 480 px wide")


def test_nothing_to_export_says_so(qtbot, paths):
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    assert export.export_chart_interactive(window.export_target()) is None
    assert "Nothing to export" in window.status.message.text()
