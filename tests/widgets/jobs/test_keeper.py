"""The latest drawing is kept once the window is idle, and at the latest when it closes."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QObject

from app.chart_input import chart_input
from app.chart_snapshot import load_snapshot, snapshot_path
from tests.widgets.result_factory import make_result
from widgets.jobs import keeper as keeper_module
from widgets.jobs.keeper import ChartKeeper
from widgets.jobs.workers import WorkerPool

pytestmark = pytest.mark.gui


@pytest.fixture
def keeper(tmp_path, monkeypatch):
    monkeypatch.setattr(keeper_module, "KEEP_DELAY_MS", 50)
    owner = QObject()
    pool = WorkerPool(owner)
    made = ChartKeeper(pool, snapshot_path(tmp_path), owner)
    yield made
    pool.shutdown(5.0)


def test_of_quick_successive_drawings_only_the_last_is_written(qtbot, keeper, monkeypatch):
    written: list[str] = []
    real = keeper_module.tasks.keep_chart
    monkeypatch.setattr(
        keeper_module.tasks, "keep_chart", lambda p, c: (written.append(c.key), real(p, c))[1]
    )
    chart = chart_input(make_result(), key="first", quick="first")
    keeper.keep(chart)
    keeper.keep(dataclasses.replace(chart, key="second", quick="second"))
    qtbot.waitUntil(lambda: load_snapshot(keeper.path, "second") is not None, timeout=5_000)
    assert written == ["second"]
    keeper.keep(dataclasses.replace(chart, key=""))  # names no input: nothing to keep
    qtbot.wait(200)
    assert written == ["second"]


def test_a_drawing_still_waiting_is_written_when_the_window_closes(keeper):
    keeper.keep(chart_input(make_result(), key="late", quick="late"))
    assert not keeper.path.exists()  # still waiting for the window to be idle
    keeper.flush()
    assert load_snapshot(keeper.path, "late") is not None
