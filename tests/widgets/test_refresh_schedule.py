"""The scheduled refresh, with hours of a few milliseconds and a fixed clock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from widgets.jobs import results, tasks
from widgets.main_window import MainWindow
from widgets.refresh_schedule import RefreshSchedule, next_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
NOW = dt.datetime(2026, 3, 2, 9, 30)
HOUR_MS = 40  # an "hour" of the schedule in these tests


class FakeRefresh:
    """Stands in for tasks.refresh: counts calls; `hold` keeps a refresh running until set."""

    def __init__(self) -> None:
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.hold = threading.Event()
        self.hold.set()

    def __call__(self, db, keys, timeout, progress, should_cancel):
        self.calls += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.hold.wait(10)
        self.running -= 1
        return results.FetchReport((), tasks.list_instruments(db))


@pytest.fixture
def fake(monkeypatch):
    fake = FakeRefresh()
    monkeypatch.setattr(tasks, "refresh", fake)
    return fake


def open_window(qtbot, paths, hours: int) -> tuple[MainWindow, RefreshSchedule]:
    fill_cache(paths)
    settings = save(paths, fast_settings(refresh_hours=hours))
    window = MainWindow(paths, settings, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False, warm_up=False)
    schedule = RefreshSchedule(window.session, window.status, HOUR_MS, lambda: NOW)
    window.fetch_view.schedule.stop()  # the window's own runs in real hours
    window.fetch_view.schedule = schedule
    return window, schedule


def test_next_refresh_time_reads_as_a_time_of_day_or_a_weekday():
    assert next_text(None, NOW) == ""
    assert next_text(NOW + dt.timedelta(hours=2), NOW) == "Next refresh 11:30"
    assert next_text(NOW + dt.timedelta(hours=20), NOW) == "Next refresh Tue 05:30"


def test_off_by_default_and_nothing_in_the_status_line(qtbot, paths, fake):
    window, schedule = open_window(qtbot, paths, hours=0)
    assert schedule.next is None and not schedule.timer.isActive()
    assert window.fetch_view.schedule.label.isHidden()
    assert fake.calls == 0


def test_refreshes_every_n_hours_and_shows_the_next_time(qtbot, paths, fake):
    window, schedule = open_window(qtbot, paths, hours=2)
    assert schedule.next == NOW + dt.timedelta(hours=2)
    assert schedule.label.text() == "Next refresh 11:30" and not schedule.label.isHidden()
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5_000):
        pass
    qtbot.waitUntil(lambda: fake.calls >= 2, timeout=5_000)  # and again after that
    assert schedule.timer.interval() == 2 * HOUR_MS


def test_a_running_refresh_pauses_the_schedule_and_it_resumes_after(qtbot, paths, fake):
    window, schedule = open_window(qtbot, paths, hours=1)
    fake.hold.clear()
    with qtbot.waitSignal(window.session.fetchStarted, timeout=5_000):
        window.refresh()  # a manual refresh that takes many "hours"
    assert not schedule.timer.isActive() and schedule.next is None
    assert schedule.label.isHidden()
    qtbot.wait(5 * HOUR_MS)  # long enough for several scheduled refreshes: none starts
    assert fake.calls == 1 and fake.most_at_once == 1
    with qtbot.waitSignal(window.session.fetchFinished, timeout=5_000):
        fake.hold.set()
    assert schedule.timer.isActive() and schedule.next == NOW + dt.timedelta(hours=1)
    qtbot.waitUntil(lambda: fake.calls >= 2, timeout=5_000)
    assert fake.most_at_once == 1


def test_closing_the_window_stops_the_schedule(qtbot, paths, fake):
    window, schedule = open_window(qtbot, paths, hours=1)
    window.close()
    assert schedule.stopped and not schedule.timer.isActive()
    qtbot.wait(4 * HOUR_MS)
    assert fake.calls == 0


def test_a_settings_change_turns_it_on_and_off(qtbot, paths, fake):
    window, schedule = open_window(qtbot, paths, hours=0)
    window.apply_settings(window.settings.with_changes(refresh_hours=3))
    assert schedule.timer.isActive() and schedule.timer.interval() == 3 * HOUR_MS
    window.apply_settings(window.settings.with_changes(refresh_hours=0))
    assert not schedule.timer.isActive() and schedule.label.isHidden()
