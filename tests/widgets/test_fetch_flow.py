"""The window around a download: progress, cancel, errors in plain words, retry, clean close.

`app.fetch.refresh` is replaced by a scripted stand-in here, so these tests pin the window's
side; the real sources against loopback fakes are exercised in test_fetch_loopback.py.
"""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from app import fetch
from app.analysis import LeaderState
from app.errors import CancelledError, OfflineError, RateLimitedError
from app.fetch import FetchOutcome, ProgressEvent
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets.main_window import MainWindow
from widgets.status import error_text, fetch_summary, leader_state_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture
def window(qtbot, paths):
    fill_cache(paths, leader_days=900, follower_days=1300)
    window = MainWindow(paths, save(paths, fast_settings(extra_instruments=("yahoo:^GSPC",))))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


class SlowProvider:
    """Pages forever until cancelled, like a long download that honours should_cancel."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()

    def __call__(
        self, db, keys, *, timeout_s, progress, should_cancel, full=False, on_outcome=None
    ):
        page = 0
        while not should_cancel():
            page += 1
            progress(ProgressEvent(keys[0], 0, len(keys), page, 1000, f"page {page}"))
            self.started.set()
            threading.Event().wait(0.01)
        self.stopped.set()
        return [FetchOutcome(keys[0], False, error=CancelledError("cancelled; nothing stored"))]


def test_progress_shows_and_cancel_stops_the_download(qtbot, window, monkeypatch):
    provider = SlowProvider()
    monkeypatch.setattr(fetch, "refresh", provider)
    window.menu_actions.refresh.trigger()
    assert provider.started.wait(5)
    qtbot.waitUntil(
        lambda: window.status.progress.isVisible() and window.status.progress.value() > 0
    )
    assert window.menu_actions.cancel.isEnabled() and not window.menu_actions.refresh.isEnabled()
    assert "(0/3 done)" in window.status.progress_text.toolTip()
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5000) as finished:
        window.menu_actions.cancel.trigger()
    assert finished.args[0].cancelled
    assert provider.stopped.is_set()
    qtbot.waitUntil(lambda: not window.status.progress.isVisible())
    assert "cancelled" in window.status.message.text()
    assert window.menu_actions.refresh.isEnabled() and not window.menu_actions.cancel.isEnabled()


def test_closing_the_window_mid_download_stops_it_cleanly(qtbot, window, monkeypatch):
    provider = SlowProvider()
    monkeypatch.setattr(fetch, "refresh", provider)
    window.refresh()
    assert provider.started.wait(5)
    began = time.monotonic()
    window.close()
    assert time.monotonic() - began < 3
    assert window.stopped_cleanly
    assert provider.stopped.is_set()
    assert not window.session.pool.is_running()


def _failing(errors: dict[str, Exception]):
    def refresh(db, keys, *, timeout_s, progress, should_cancel, full=False, on_outcome=None):
        return [
            FetchOutcome(k, False, error=errors[k]) if k in errors else FetchOutcome(k, True, 0)
            for k in keys
        ]

    return refresh


def test_offline_is_shown_in_plain_words_with_an_indicator(qtbot, window, monkeypatch):
    settings = window.settings
    offline = {k: OfflineError("No network connection.") for k in settings.instruments}
    monkeypatch.setattr(fetch, "refresh", _failing(offline))
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5000):
        window.refresh()
    assert window.status.offline.isVisible()
    assert window.status.message.text().startswith("Offline: ")
    assert "No network connection." in window.statusBar().toolTip()
    assert window.charts.has_result()  # cached data stays on screen


def test_rate_limit_says_when_to_retry_and_retry_fetches_the_failed_one(qtbot, window, monkeypatch):
    errors = {"yahoo:^GSPC": RateLimitedError("Yahoo asked us to slow down.", retry_after=120)}
    monkeypatch.setattr(fetch, "refresh", _failing(errors))
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5000):
        window.refresh()
    message = window.status.message.text()
    assert "yahoo:^GSPC: Yahoo asked us to slow down. Try again in 2 min." in message
    assert not window.status.offline.isVisible()
    retried: list[tuple[str, ...]] = []
    monkeypatch.setattr(fetch, "refresh", lambda db, keys, **kw: retried.append(tuple(keys)) or [])
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5000):
        window.fetch_view.retry(("yahoo:^GSPC",))
    assert retried == [("yahoo:^GSPC",)]


def test_new_bars_for_the_pair_redraw_the_charts(qtbot, window, monkeypatch):
    leader = window.settings.leader
    monkeypatch.setattr(
        fetch, "refresh", lambda db, keys, **kw: [FetchOutcome(leader, True, new_bars=3)]
    )
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.refresh()


def test_error_wording():
    assert error_text("k", RateLimitedError("Slow down.", retry_after=30)) == (
        "k: Slow down. Try again in 30 s."
    )
    assert error_text("k", OfflineError("No network.")) == "k: No network."
    assert fetch_summary(1, []) == "Up to date: 1 new bar."
    two = [("a", OfflineError("x")), ("b", RateLimitedError("Slow down."))]
    assert fetch_summary(0, two).startswith("2 downloads failed (see the Data tab). First: a: x")
    assert "unexpected problem (KeyError" in error_text("k", KeyError("x"))
    assert leader_state_text("^RUT", None) == ""
    day = pd.Timestamp("2026-02-20")
    below = LeaderState(day, 2400.0, False, day - pd.Timedelta(days=120), 120, -0.085)
    assert leader_state_text("^RUT", below) == (
        "^RUT: 120 days since its all-time high, 8.5% below (as of 2026-02-20)"
    )
    at_high = LeaderState(day, 2500.0, True, day, 0, 0.0)
    assert leader_state_text("^RUT", at_high) == "^RUT is at an all-time high (2026-02-20)"


def test_a_window_freed_without_closing_still_stops_its_download(qtbot, paths, monkeypatch):
    import shiboken6

    provider = SlowProvider()
    monkeypatch.setattr(fetch, "refresh", provider)
    window = MainWindow(paths, save(paths, fast_settings()))
    window.refresh()
    assert provider.started.wait(5)
    shiboken6.delete(window)
    assert provider.stopped.wait(5)
