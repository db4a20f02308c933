"""The main window on a cached pair: drawing, empty state, settings flow, selection, layout."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from app.settings_file import load_settings
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets.charts.coords import to_x
from widgets.dialogs import prompts as dialogs
from widgets.jobs import results, tasks
from widgets.jobs.tasks import EMPTY_MESSAGE
from widgets.main_window import MainWindow
from widgets.tables.models import one_line

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def open_window(qtbot, paths, settings=None) -> MainWindow:
    settings = save(paths, settings or fast_settings())
    window = MainWindow(paths, settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


@pytest.fixture
def window(qtbot, paths):
    fill_cache(paths)
    return open_window(qtbot, paths)


def test_cached_data_is_drawn_with_tables_status_and_title(window):
    result = window.session.result
    assert result is not None
    assert window.charts.has_result()
    assert window.signals_tab.model.rowCount() == len(result.breakouts) > 0
    assert window.statistics_tab.model.rowCount() == len(result.params.horizons)
    assert window.data_tab.model.rowCount() == 2
    # Qt appends the application name itself.
    assert window.windowTitle() == "Russell 2000 (^RUT) vs Bitcoin (Bitstamp)"
    status = window.status.leader.text()
    assert status.startswith("Russell 2000 (^RUT)")
    assert "all-time high" in status
    assert window.cycles_tab.model.rowCount() == len(result.cycles)
    window.tabs.setCurrentWidget(window.cycles_tab)  # its chart is drawn once on screen
    assert window.cycles_tab.chart is not None and window.cycles_tab.chart.isVisible()


def test_a_name_of_your_own_for_a_market_shows_at_once_and_re_analyses(qtbot, window):
    renamed = window.settings.with_instrument(window.settings.leader, label="Small caps")
    before = window.session.result
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        # The verdict sentences name the markets, so a new name re-analyses.
        assert window.apply_settings(renamed) == {"display", "analysis"}
        assert window.windowTitle() == "Small caps vs Bitcoin (Bitstamp)"
        assert window.status.leader.text().startswith("Small caps")
    assert window.session.result is not before  # re-analysed (drawn again) with the new name


def test_first_launch_with_an_empty_cache_shows_a_friendly_empty_state(qtbot, paths):
    window = open_window(qtbot, paths)
    assert window.session.result is None
    assert window.charts.message() == EMPTY_MESSAGE
    for tab in (window.signals_tab, window.statistics_tab, window.cycles_tab):
        assert tab.is_empty
        assert tab.empty.text() == EMPTY_MESSAGE
    assert "cache is empty" in window.data_tab.summary.text()
    assert window.status.leader.text() == ""


def test_an_analysis_setting_change_reanalyses_without_loading_or_fetching(
    qtbot, window, paths, monkeypatch
):
    def forbidden(*args, **kwargs):
        raise AssertionError("a settings change must not reload or fetch")

    monkeypatch.setattr(tasks, "load_and_analyse", forbidden)
    monkeypatch.setattr(tasks, "refresh", forbidden)
    before = window.session.result
    new = window.settings.with_changes(min_gap_days=120, horizons=(10, 60), headline_horizon=60)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        parts = window.apply_settings(new)
    assert parts == {"analysis"}
    result = window.session.result
    assert result is not before
    assert result.params.min_gap_days == 120
    assert result.leader is before.leader  # the same bars, not reloaded
    columns = window.signals_tab.model.columns
    assert [one_line(c.title) for c in columns if c.kind == "return"] == [
        "Follower 10 d",
        "Follower 60 d",
    ]
    assert load_settings(paths.config).settings.min_gap_days == 120


def test_adding_an_instrument_fetches_only_the_new_one(qtbot, window, monkeypatch):
    fetched: list[tuple[str, ...]] = []

    def fake_refresh(db, keys, timeout, progress, should_cancel):
        fetched.append(tuple(keys))
        return results.FetchReport([], tasks.list_instruments(db))

    monkeypatch.setattr(tasks, "refresh", fake_refresh)
    new = window.settings.with_changes(extra_instruments=("yahoo:^IXIC",))
    with qtbot.waitSignal(window.session.fetchFinished, timeout=10_000):
        parts = window.apply_settings(new)
    assert parts == {"instruments"}
    assert fetched == [("yahoo:^IXIC",)]


def test_selecting_a_signal_centres_every_chart_on_it(qtbot, window):
    result = window.session.result
    x0, _ = window.charts.x_range()
    window.charts.set_x_range((x0, x0 + 120 * 86_400))  # zoom in first
    proxy = window.signals_tab.table.model()
    row = proxy.rowCount() - 1
    window.signals_tab.select_row(row)
    date = result.breakouts["date"].iloc[proxy.mapToSource(proxy.index(row, 0)).row()]
    qtbot.waitUntil(lambda: abs(sum(window.charts.x_range()) / 2 - to_x(date)) < 86_400 * 2)
    for plot in window.charts.plots():
        x0, x1 = plot.vb.viewRange()[0]
        assert x0 < to_x(date) < x1
    assert window.charts.highlighted() == date


def test_layout_tab_and_log_mode_persist_between_windows(qtbot, window, paths):
    window.tabs.setCurrentIndex(2)
    window.splitter.setSizes([500, 300])
    sizes = window.splitter.sizes()
    window.menu_actions.log_scale.setChecked(False)
    window.close()
    again = MainWindow(paths, fast_settings())
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 2
    assert not again.menu_actions.log_scale.isChecked()
    again.show()
    qtbot.waitExposed(again)
    # The offscreen screen is smaller than the window, so the height is clamped: the split
    # keeps its proportions.
    share = again.splitter.sizes()[0] / sum(again.splitter.sizes())
    assert share == pytest.approx(sizes[0] / sum(sizes), abs=0.02)
    assert (paths.config / "window.ini").is_file()


def test_shortcuts_and_tooltips_on_every_action(window):
    a = window.menu_actions
    expected = {
        a.refresh: "F5",
        a.cancel: "Esc",
        a.export_chart: "Ctrl+E",
        a.settings: "Ctrl+,",
        a.quit: "Ctrl+Q",
        a.import_csv: "Ctrl+O",
        a.snapshot: "Alt+S",
        a.pan_left: "Left",
        a.pan_right: "Right",
        a.zoom_in: "+",
        a.zoom_out: "-",
        a.show_all: "Home",
    }
    for action, keys in expected.items():
        assert action.shortcut() == QKeySequence(keys)
        shown = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
        assert shown in action.toolTip()
    for action in a.all():
        assert len(action.toolTip()) > 10, action.text()
        # A status tip would stay in the status bar when its button opens a dialog.
        assert action.statusTip() == "", action.text()


def test_log_and_compare_toggles_reach_the_charts(window):
    window.menu_actions.log_scale.setChecked(False)
    assert not window.charts.is_log()
    window.menu_actions.compare.setChecked(True)
    assert window.charts.is_compare()


def test_about_names_the_sources_and_says_it_is_not_advice():
    text = dialogs.about_text()
    for fragment in ("Yahoo Finance", "yfinance", "ccxt", "Bitstamp", "not financial advice"):
        assert fragment in text


def test_export_names_are_built_from_sanitised_keys():
    stem = dialogs.export_stem(fast_settings(follower="ccxt:bitstamp:BTC/USD"))
    assert stem == "riskcurve_yahoo-RUT_vs_ccxt-bitstamp-BTC-USD"
    assert not set("/\\:^ ") & set(stem)


def test_the_first_load_paints_cached_prices_before_the_analysis(qtbot, paths):
    fill_cache(paths)
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    events: list[str] = []
    window.session.previewReady.connect(lambda _p: events.append("preview"))
    window.drawn.connect(lambda: events.append("drawn"))
    with qtbot.waitSignal(window.session.previewReady, timeout=20_000) as preview:
        window.start(refresh=False)
    cached = preview.args[0]
    qtbot.waitUntil(lambda: "drawn" in events, timeout=20_000)
    assert events == ["preview", "drawn"]
    result = window.session.result
    assert (cached.leader_close == result.leader["close"].to_numpy()).all()
    assert (cached.follower_close == result.follower["close"].to_numpy()).all()
    assert window.chart_area.preview is not None
    assert window.chart_area.currentWidget() is window.charts


def test_a_hidden_window_does_not_hold_the_analysis_back(qtbot, paths, monkeypatch):
    monkeypatch.setattr(tasks, "PREVIEW_WAIT_S", 60.0)  # a missed hand-shake would time out
    fill_cache(paths, leader_days=600, follower_days=900)
    window = MainWindow(paths, save(paths, fast_settings()))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.drawn, timeout=15_000):
        window.start(refresh=False)
    assert window.charts.has_result()


def test_load_task_sends_the_preview_then_waits_for_it_to_be_shown(paths):
    import threading

    fill_cache(paths, leader_days=600, follower_days=900)
    shown = threading.Event()
    sent: list[object] = []

    def progress(event: object) -> None:
        sent.append(event)
        if isinstance(event, tasks.Preview):
            shown.set()

    loaded = tasks.load_and_analyse(paths.database, fast_settings(), progress, lambda: False, shown)
    assert isinstance(sent[0], tasks.Preview)
    assert len(sent[0].leader_days) == 600
    assert loaded.result is not None and loaded.empty_message == ""


def test_import_dialog_suggests_keys_from_the_file_name(qtbot, tmp_path):
    from pathlib import Path

    from app.config import Settings

    settings = Settings()
    assert dialogs.suggest_keys(Path("RUT_daily.csv"), settings)[0] == "yahoo:^RUT"
    assert dialogs.suggest_keys(Path("BTC_USD_daily.csv"), settings)[:2] == [
        "ccxt:bitstamp:BTC/USD",
        "yahoo:BTC-USD",
    ]
    assert dialogs.suggest_keys(Path("my prices.csv"), settings)[0] == "csv:my-prices"
    dialog = dialogs.ImportKeyDialog(tmp_path / "<odd>.csv", settings)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialogs.QDialogButtonBox.StandardButton.Ok)
    dialog.combo.setEditText("not a key")
    assert not ok.isEnabled() and "must start with" in dialog.message.text()
    dialog.combo.setEditText("csv:series-1")
    assert ok.isEnabled() and dialog.key() == "csv:series-1"
