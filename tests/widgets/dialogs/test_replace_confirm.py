"""The window asks before an import replaces cached bars or Delete… removes an instrument.

Cancel leaves the cache exactly as it was; yes replaces (or deletes) and keeps the old bars as a
version. The import dialog never pre-selects a key that holds bars without saying so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app.cache import Cache
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY
from widgets.dialogs.prompts import ImportKeyDialog
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def _window(qtbot, paths) -> MainWindow:
    fill_cache(paths, leader_days=400, follower_days=400)
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def _other_market(tmp_path: Path, paths) -> Path:
    """IWM-like: the same dates as the cached leader's first days, other closes."""
    days = _cached(paths).index[:30]
    path = tmp_path / "RUT_daily.csv"
    path.write_text(
        "Date,Close\n" + "".join(f"{d:%Y-%m-%d},{100 + i}\n" for i, d in enumerate(days))
    )
    return path


def _cached(paths, key=LEADER_KEY) -> pd.DataFrame:
    with Cache.open(paths.database) as cache:
        return cache.load_bars(key)


def _versions(paths, key=LEADER_KEY):
    with Cache.open(paths.database) as cache:
        return cache.versions(key)


def _answer(qtbot, window, button_text: str) -> str:
    qtbot.waitUntil(lambda: window.history.confirmation is not None, timeout=20_000)
    box = window.history.confirmation
    text = box.text()
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
    button.click()
    qtbot.waitUntil(lambda: window.history.confirmation is None)
    return text


def test_replacing_import_asks_and_cancel_changes_nothing(qtbot, paths, tmp_path):
    window = _window(qtbot, paths)
    before = _cached(paths)
    window.import_file(_other_market(tmp_path, paths), LEADER_KEY)
    text = _answer(qtbot, window, "Cancel")
    assert "would replace" in text and "RUT_daily.csv" in text
    pd.testing.assert_frame_equal(_cached(paths), before)
    assert _versions(paths) == []


def test_replace_after_yes_keeps_the_old_bars(qtbot, paths, tmp_path):
    window = _window(qtbot, paths)
    before = _cached(paths)
    with qtbot.waitSignal(window.session.imported, timeout=20_000):
        window.import_file(_other_market(tmp_path, paths), LEADER_KEY)
        _answer(qtbot, window, "Replace")
    assert _cached(paths)["close"].iloc[0] == 100.0
    [kept] = _versions(paths)
    assert kept.action == "replace" and kept.bars == len(before)


def test_delete_in_the_data_tab_asks_and_cancel_keeps_the_instrument(qtbot, paths):
    window = _window(qtbot, paths)
    tab = window.data_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=20_000)
    tab.table.selectRow(1)  # keys are sorted: yahoo:^RUT after ccxt:…
    tab.delete.click()
    text = _answer(qtbot, window, "Cancel")
    assert LEADER_KEY in text and "bars" in text
    assert len(_cached(paths)) > 0
    tab.table.selectRow(0)
    tab.delete.click()
    _answer(qtbot, window, "Delete")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=20_000)
    with Cache.open(paths.database) as cache:
        assert cache.instrument(FOLLOWER_KEY) is None
        assert cache.versions(FOLLOWER_KEY)[0].action == "delete"


def test_import_dialog_does_not_silently_pick_a_key_with_bars(qtbot, paths, tmp_path):
    fill_cache(paths, leader_days=100, follower_days=100)
    with Cache.open(paths.database) as cache:
        cached = cache.instruments()
    dialog = ImportKeyDialog(tmp_path / "RUT_daily.csv", fast_settings(), None, cached)
    qtbot.addWidget(dialog)
    assert dialog.key() == "csv:RUT_daily"  # the leader matches the name, but holds bars
    assert dialog.holds.text() == ""
    assert dialog.combo.findText(LEADER_KEY) >= 0  # still offered, with what it holds
    dialog.combo.setEditText("yahoo:^rut")
    assert "yahoo:^RUT already holds 100 bars" in dialog.holds.text()
    assert "asked first" in dialog.holds.text()
