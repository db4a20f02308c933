"""What the window shows in each state of the data: one side missing, a new pair, a refresh in
progress, after an import, old data, and no display at all."""

from __future__ import annotations

import datetime as dt
import sys
import threading

import numpy as np
import pandas as pd
import pytest

from app import fetch
from app.cache import Cache
from app.errors import OfflineError
from app.fetch import FetchOutcome
from tests.widgets.gui_helpers import (
    OFFSCREEN_NOISE,
    fast_settings,
    fill_cache_with_breakouts,
    save,
)
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, bars, leader_closes
from widgets.app import display_problem, run_gui
from widgets.jobs import tasks
from widgets.main_window import MainWindow
from widgets.status import fetch_summary

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def open_window(qtbot, paths, **changes) -> MainWindow:
    window = MainWindow(paths, save(paths, fast_settings(**changes)))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def store(paths, key: str, frame: pd.DataFrame) -> None:
    with Cache.open(paths.database) as cache:
        cache.store_bars(key, frame)


def csv_of(frame: pd.DataFrame, path) -> None:
    lines = ["Date,Close"] + [f"{d:%Y-%m-%d},{c}" for d, c in frame["close"].items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def no_fetch(monkeypatch) -> list[tuple[str, ...]]:
    asked: list[tuple[str, ...]] = []

    def fake(db, keys, **_kw):
        asked.append(tuple(keys))
        return [FetchOutcome(k, False, error=OfflineError("No network connection.")) for k in keys]

    monkeypatch.setattr(fetch, "refresh", fake)
    return asked


def test_a_new_leader_clears_a_selection_that_is_no_longer_a_breakout(qtbot, paths):
    fill_cache_with_breakouts(paths)
    other = bars(pd.bdate_range("2012-06-01", periods=2000), leader_closes(2000, seed=3))
    store(paths, "yahoo:^GSPC", other)
    window = open_window(qtbot, paths)
    first = window.session.result.breakouts["date"].iloc[0]
    assert window.signals_tab.select_date(first)
    assert window.charts.highlighted() == first
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.apply_settings(window.settings.with_changes(leader="yahoo:^GSPC"))
    dates = list(window.session.result.breakouts["date"])
    assert first not in dates
    assert window.charts.highlighted() is None
    assert window.signals_tab.selected_date() is None


def test_a_new_result_keeps_a_selection_that_still_is_a_breakout(qtbot, paths):
    fill_cache_with_breakouts(paths)
    window = open_window(qtbot, paths)
    date = window.session.result.breakouts["date"].iloc[2]
    window.signals_tab.select_date(date)
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.apply_settings(window.settings.with_changes(horizons=(30, 90)))
    assert window.charts.highlighted() == date
    assert window.signals_tab.selected_date() == date


def test_applying_settings_fetches_every_instrument_of_the_new_pair_without_bars(
    qtbot, paths, monkeypatch
):
    fill_cache_with_breakouts(paths)
    window = open_window(qtbot, paths, extra_instruments=("yahoo:BTC-USD",))
    asked = no_fetch(monkeypatch)
    with qtbot.waitSignal(window.session.fetchFinished, timeout=10_000):
        window.apply_settings(window.settings.with_changes(follower="yahoo:BTC-USD"))
    assert asked == [("yahoo:BTC-USD",)]
    qtbot.waitUntil(lambda: window.session.result is not None)
    assert window.status.message.text()  # never a blank status line after a change


def test_a_missing_follower_shows_the_leader_and_says_what_is_missing(qtbot, paths):
    fill_cache_with_breakouts(paths)
    with Cache.open(paths.database) as cache:
        cache.delete_instrument(FOLLOWER_KEY)
    window = open_window(qtbot, paths)
    result = window.session.result
    assert result is not None and len(result.breakouts) > 0  # the leader with its breakouts
    assert window.charts.has_result()
    assert window.session.missing == (FOLLOWER_KEY,)
    notice = window.notice.notice()
    assert "No cached bars for Bitcoin (Bitstamp)" in notice
    texts = [b.text() for b in window.notice.buttons]
    assert texts == ["Import CSV", "Refresh"]
    triggered: list[str] = []
    window.menu_actions.refresh.triggered.disconnect()
    window.menu_actions.refresh.triggered.connect(lambda: triggered.append("refresh"))
    window.notice.buttons[1].click()
    assert triggered == ["refresh"]


def test_a_missing_leader_shows_the_follower(qtbot, paths):
    fill_cache_with_breakouts(paths)
    with Cache.open(paths.database) as cache:
        cache.delete_instrument(LEADER_KEY)
    window = open_window(qtbot, paths)
    assert window.charts.has_result()
    assert len(window.session.result.follower) > 0
    assert "No cached bars for Russell 2000 (^RUT)" in window.notice.notice()


def test_offline_over_an_empty_window_never_claims_to_show_cached_data(qtbot, paths, monkeypatch):
    window = open_window(qtbot, paths)
    no_fetch(monkeypatch)
    with qtbot.waitSignal(window.session.fetchFinished, timeout=10_000):
        window.refresh()
    message = window.status.message.text()
    assert message.startswith("Offline") and "showing cached data" not in message
    assert "nothing is cached" in message
    both = "No cached bars for Russell 2000 (^RUT) and Bitcoin (Bitstamp) yet"
    assert both in window.notice.notice()
    offline = [("k", OfflineError("x"))]
    assert "showing cached data" in fetch_summary(0, offline, showing=True)


def test_first_use_buttons_import_and_the_imported_leader_is_drawn(qtbot, paths, tmp_path):
    window = open_window(qtbot, paths)
    assert window.charts.message() == tasks.EMPTY_MESSAGE
    assert [b.text() for b in window.notice.buttons] == ["Import CSV", "Refresh"]
    assert window.menu_actions.import_csv.shortcut().toString() == "Ctrl+O"
    leader = bars(pd.bdate_range("2015-01-02", periods=900), leader_closes(900))
    csv_of(leader, tmp_path / "rut.csv")
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.import_file(tmp_path / "rut.csv", LEADER_KEY)
    assert window.charts.has_result()
    assert len(window.session.result.leader) == 900
    assert "No cached bars for Bitcoin (Bitstamp)" in window.notice.notice()


def test_an_import_clears_the_instruments_old_error(qtbot, paths, tmp_path):
    fill_cache_with_breakouts(paths)
    with Cache.open(paths.database) as cache:
        cache.record_error(LEADER_KEY, OfflineError("Cannot reach Yahoo Finance."))
    window = open_window(qtbot, paths)
    model = window.data_tab.model

    def leader_error() -> str:
        frame = model.frame()
        return str(frame.loc[frame["key"] == LEADER_KEY, "last_error"].iloc[0])

    assert "Cannot reach" in leader_error()
    # The same bars again (every column, exactly): an import that changes nothing goes ahead.
    from app.sources.csv_file import bars_to_csv_text

    (tmp_path / "rut.csv").write_text(bars_to_csv_text(window.session.result.leader.iloc[:50]))
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.import_file(tmp_path / "rut.csv", LEADER_KEY)
    qtbot.waitUntil(lambda: leader_error() == "")
    assert "failed" not in window.data_tab.summary.text()


def test_each_row_updates_as_its_instrument_finishes_and_notes_show(qtbot, paths, monkeypatch):
    fill_cache_with_breakouts(paths)
    with Cache.open(paths.database) as cache:
        cache.record_error(LEADER_KEY, OfflineError("Cannot reach Yahoo Finance."))
    window = open_window(qtbot, paths)
    second_may_finish = threading.Event()

    def scripted(db, keys, *, on_outcome, **_kw):
        assert tuple(keys) == (LEADER_KEY, FOLLOWER_KEY)  # one run, one deadline
        with Cache.open(db) as cache:  # what a successful download stores
            cache.store_bars(LEADER_KEY, window.session.result.leader.iloc[-5:], fetched=True)
        first = FetchOutcome(LEADER_KEY, True, new_bars=0)
        on_outcome(first)
        assert second_may_finish.wait(10)
        notes = ("the exchange repeated candles",)
        second = FetchOutcome(FOLLOWER_KEY, True, new_bars=0, notes=notes)
        on_outcome(second)
        return [first, second]

    monkeypatch.setattr(fetch, "refresh", scripted)
    window.session.refresh((LEADER_KEY, FOLLOWER_KEY))
    frame = lambda: window.data_tab.model.frame()  # noqa: E731 - re-read on every poll
    row = lambda key: frame().loc[frame()["key"] == key].iloc[0]  # noqa: E731
    qtbot.waitUntil(lambda: row(LEADER_KEY)["last_error"] == "", timeout=10_000)
    assert row(FOLLOWER_KEY)["state"] == "downloading…"  # still running: the first row is new
    with qtbot.waitSignal(window.session.fetchFinished, timeout=10_000):
        second_may_finish.set()
    # The Data tab redraws once the burst of signals is handled (show_instruments).
    qtbot.waitUntil(lambda: row(FOLLOWER_KEY)["notes"] == "the exchange repeated candles")
    assert "the exchange repeated candles" in window.status.message.text()


def test_old_data_says_its_age_and_offers_refresh(qtbot, paths):
    fill_cache_with_breakouts(paths)  # the synthetic history ends in 2021
    window = open_window(qtbot, paths)
    last = window.fetch_view.last_days()
    assert set(last) == {LEADER_KEY, FOLLOWER_KEY}
    newest = min(day for day in last.values() if day is not None)  # the staler market's
    days = (dt.datetime.now(dt.UTC).date() - newest).days
    assert window.notice.notice() == (
        f"Data as of {newest.isoformat()}, {days:,} days old — Refresh when online"
    )
    assert "Refresh" in [b.text() for b in window.notice.buttons]


def test_fresh_data_has_no_notice(qtbot, paths):
    today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
    days = pd.bdate_range(end=today, periods=800)
    store(paths, LEADER_KEY, bars(days, leader_closes(800)))
    follower_days = pd.date_range(end=today, periods=1000)
    store(paths, FOLLOWER_KEY, bars(follower_days, np.linspace(10, 20, 1000)))
    window = open_window(qtbot, paths)
    assert window.notice.notice() == ""


def test_a_fresh_leader_does_not_hide_a_stale_follower(qtbot, paths):
    from app.instruments import market_ticker

    # The newest bar of either market was dated: a follower months behind said nothing.
    today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
    days = pd.bdate_range(end=today, periods=800)
    store(paths, LEADER_KEY, bars(days, leader_closes(800)))
    follower_days = pd.date_range(end=today - pd.Timedelta(days=90), periods=1000)
    store(paths, FOLLOWER_KEY, bars(follower_days, np.linspace(10, 20, 1000)))
    window = open_window(qtbot, paths)
    stale = follower_days[-1].date()
    assert window.notice.notice() == (
        f"{market_ticker(FOLLOWER_KEY)} data as of {stale.isoformat()}, 90 days old — "
        "Refresh when online"
    )


def test_a_missing_display_is_found_before_qt_would_abort():
    assert display_problem({}, "linux").startswith("riskcurve: no display")
    assert display_problem({"DISPLAY": ":0"}, "linux") == ""
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ""
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") == ""
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux") != ""
    assert display_problem({}, "win32") == display_problem({}, "darwin") == ""


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="X11/Wayland displays exist only on Linux"
)
def test_without_a_display_the_app_says_so_in_one_line_and_exits_2(paths, capsys, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert run_gui(paths) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no display" in err
