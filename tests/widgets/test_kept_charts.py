"""The next start draws the analysed charts kept from the last one, before pandas is imported,
and the fresh analysis redraws them only when it differs (app.chart_snapshot)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.chart_input import ChartInput
from app.chart_snapshot import load_snapshot, save_snapshot
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, PaintOrder, fast_settings, fill_cache, save
from widgets.charts.stack import ChartStack
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]

ROOT = Path(__file__).resolve().parents[2]


def _run_window(qtbot, paths, settings, events: list[str]) -> MainWindow:
    """Open a window on the cache, start it and wait until everything is drawn."""
    window = MainWindow(paths, save(paths, settings), remember_layout=False)
    qtbot.addWidget(window)
    window.session.chartReady.connect(lambda _chart: events.append("kept charts"))
    window.session.previewReady.connect(lambda _preview: events.append("prices"))
    window.session.loaded.connect(lambda _loaded: events.append("analysis"))
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.start(refresh=False, warm_up=False)
    return window


def _first_start(qtbot, paths, settings) -> ChartInput:
    """A start without a kept drawing; returns the drawing it keeps."""
    window = _run_window(qtbot, paths, settings, [])
    chart = window.charts.chart()
    _wait_until_kept(qtbot, window, chart)
    window.close()
    return chart


def _wait_until_kept(qtbot, window: MainWindow, chart: ChartInput) -> None:
    snapshot = window.session.snapshot_file()
    qtbot.waitUntil(lambda: load_snapshot(snapshot, chart.quick) is not None, timeout=10_000)


def _record_draws(monkeypatch) -> list[str]:
    """The keys of the drawings the chart stack draws from now on."""
    draws: list[str] = []
    show_chart = ChartStack.show_chart

    def recorded(stack, chart):
        draws.append(chart.key)
        show_chart(stack, chart)

    monkeypatch.setattr(ChartStack, "show_chart", recorded)
    return draws


def test_the_next_start_draws_the_kept_charts_first_and_does_not_redraw_them(
    qtbot, paths, monkeypatch
):
    fill_cache(paths)
    key = _first_start(qtbot, paths, fast_settings()).key
    draws = _record_draws(monkeypatch)
    events: list[str] = []
    window = _run_window(qtbot, paths, fast_settings(), events)
    assert events == ["kept charts", "analysis"]  # no price preview on the way
    assert draws == [key]  # the fresh analysis found the same drawing on screen
    assert window.chart_area.preview is None
    assert window.charts.plotted("leader")[0].size and window.signals_tab.model.rowCount()


def test_a_drawing_kept_for_other_settings_is_not_shown_and_is_replaced(qtbot, paths):
    fill_cache(paths)
    old = _first_start(qtbot, paths, fast_settings())
    events: list[str] = []
    window = _run_window(qtbot, paths, fast_settings(min_gap_days=200), events)
    assert events == ["prices", "analysis"]
    new = window.charts.chart()
    assert new.key and new.key != old.key and new.quick != old.quick
    _wait_until_kept(qtbot, window, new)
    assert load_snapshot(window.session.snapshot_file(), old.quick) is None


def test_a_kept_drawing_found_by_its_quick_key_but_made_from_other_bars_is_redrawn(
    qtbot, paths, monkeypatch
):
    """The quick key only finds the drawing; the exact key decides whether it may stay."""
    fill_cache(paths)
    kept = _first_start(qtbot, paths, fast_settings())
    snapshot = MainWindow(paths, fast_settings(), remember_layout=False).session.snapshot_file()
    save_snapshot(snapshot, dataclasses.replace(kept, key="made from other bars"))
    draws = _record_draws(monkeypatch)
    events: list[str] = []
    window = _run_window(qtbot, paths, fast_settings(), events)
    assert events == ["kept charts", "analysis"]
    assert draws == ["made from other bars", kept.key]
    qtbot.waitUntil(lambda: load_snapshot(snapshot, kept.quick).key == kept.key, timeout=10_000)
    assert window.charts.chart().key == kept.key


def test_a_settings_change_keeps_the_new_drawing_for_the_next_start(qtbot, paths):
    fill_cache(paths)
    window = _run_window(qtbot, paths, fast_settings(), [])
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.apply_settings(window.settings.with_changes(min_gap_days=250))
    _wait_until_kept(qtbot, window, window.charts.chart())
    window.close()
    events: list[str] = []
    _run_window(qtbot, paths, window.settings, events)
    assert events == ["kept charts", "analysis"]


CHILD = """
import importlib.abc, sys
sys.path.insert(0, {root!r})
tried = []

class NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            tried.append(name)
            raise ImportError("pandas is not allowed here")

sys.meta_path.insert(0, NoPandas())
from PySide6.QtWidgets import QApplication
from app.paths import resolve_paths
from app.settings_file import load_settings
from widgets.app import create_application
from widgets.main_window import MainWindow

app = create_application()
paths = resolve_paths({data!r})
window = MainWindow(paths, load_settings(paths.config).settings, remember_layout=False)
window.show()

def painted():
    xs, _ = window.charts.plotted("leader")
    print("DRAWN", window.chart_area.has_result(), xs.size > 0, tried, flush=True)
    QApplication.exit(0)

window.session.preview_shown = painted  # what the window calls once its picture is painted
window.start(refresh=False, warm_up=False)
app.exec()
import os
os._exit(0)  # the worker, stopped before the analysis, would now fail to import pandas
"""


def test_the_kept_charts_are_drawn_without_pandas(qtbot, paths, data_dir):
    fill_cache(paths)
    _first_start(qtbot, paths, fast_settings())
    code = CHILD.format(root=str(ROOT), data=str(data_dir))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("DRAWN")]
    assert lines == ["DRAWN True True []"], done.stdout + done.stderr[-3000:]


@pytest.mark.parametrize("kept", [True, False])
def test_the_window_is_painted_before_the_charts_are_built(qtbot, paths, kept):
    """Importing pyqtgraph for them takes longer than opening the window: the window first."""
    fill_cache(paths)
    if kept:
        _first_start(qtbot, paths, fast_settings())
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    order: list[str] = []
    area = window.chart_area
    for name in ("prepare_charts", "prepare_preview"):
        build = getattr(area, name)
        setattr(area, name, lambda *then, b=build, n=name: (order.append(n), b(*then)))
    watch = PaintOrder(order, "window painted")
    area.loading.installEventFilter(watch)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.start(refresh=False, warm_up=False)
    assert order[:2] == ["window painted", "prepare_charts" if kept else "prepare_preview"]


def test_the_chart_modules_are_imported_in_a_worker_and_a_picture_waits_for_them(qtbot, paths):
    """Importing pyqtgraph and the chart modules is the longest step of a start (~300 ms): on
    the GUI thread it froze the window that long. A picture that arrives first waits."""
    fill_cache(paths)
    _first_start(qtbot, paths, fast_settings())
    window = MainWindow(paths, save(paths, fast_settings()), remember_layout=False)
    qtbot.addWidget(window)
    order: list[str] = []
    run = window.session.pool.run
    window.session.pool.run = lambda name, *a, **k: (order.append(name), run(name, *a, **k))[1]
    draw = window.first_picture._draw_kept
    window.first_picture._draw_kept = lambda chart: (order.append("kept charts"), draw(chart))
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        window.start(refresh=False, warm_up=False)
    assert order.index("chart modules") < order.index("kept charts")
