"""Alerts in the window: a refresh from the loopback fakes raises one, the banner says so, the
Alerts tab lists it in bold and marks it read when viewed, the tray is used where there is one."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from app.ladder.alerts import Alert
from app.ladder.watch import stored_alerts
from tests.app.ladder.test_alerts import btc_closes, rows, rut_closes
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, save
from widgets import tray
from widgets.alerts_view import alert_summary
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
RUT, BTC = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"


def serve(upstreams, rut, btc) -> None:
    upstreams.yahoo.add_symbol("^RUT", rows(rut))
    upstreams.exchange.add_market("bitstamp", "BTC/USD", rows(btc))


def refresh(qtbot, window):
    with qtbot.waitSignal(window.session.fetchFinished, timeout=60_000) as finished:
        window.refresh()
    return finished.args[0]


@pytest.fixture
def window(qtbot, paths, fake_upstreams):
    serve(fake_upstreams, rut_closes(), btc_closes())
    settings = save(paths, fast_settings(fetch_timeout_s=20.0, alert_kinds=("breakout",)))
    window = MainWindow(paths, settings, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False, warm_up=False)
    assert refresh(qtbot, window).alerts == ()  # the first download is history, not news
    return window


def test_a_breakout_raises_one_alert_with_banner_bold_row_and_tab_count(
    qtbot, window, paths, fake_upstreams
):
    rut, btc = [*rut_closes(), 205.0], btc_closes()
    serve(fake_upstreams, rut, [*btc, btc[-1] * 0.999])
    report = refresh(qtbot, window)
    assert [(a.kind, a.key) for a in report.alerts] == [("breakout", RUT)]
    assert window.alert_banner.banner().startswith("New alert: Russell 2000 (^RUT) broke out")
    qtbot.waitUntil(lambda: window.alerts_tab.model.rowCount() == 1)
    index = window.alerts_tab.model.index(0, 3)
    assert index.data().startswith("Russell 2000 (^RUT) broke out")
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    tab_title = window.tabs.tabText(window.tabs.indexOf(window.alerts_tab))
    assert tab_title == "Alerts (1)"
    # Viewing the list marks the alert read in the cache; the banner goes.
    window.tabs.setCurrentWidget(window.alerts_tab)
    qtbot.waitUntil(lambda: not stored_alerts(paths.database, unread_only=True), timeout=10_000)
    assert window.alert_banner.banner() == ""
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.indexOf(window.alerts_tab)) == "Alerts")
    window.tabs.setCurrentWidget(window.ladder_tab)  # leaving the list: the row turns plain
    qtbot.waitUntil(lambda: window.alerts_tab.model.unread() == ())
    # The next refresh raises nothing again.
    assert refresh(qtbot, window).alerts == ()
    assert len(stored_alerts(paths.database)) == 1


def test_only_the_alert_kinds_chosen_are_raised(qtbot, window, fake_upstreams):
    # With a consolidation longer than the data, a new high is not a breakout: not wanted.
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.apply_settings(window.settings.with_changes(min_gap_days=5_000))
    rut, btc = [*rut_closes(), 205.0], btc_closes()
    serve(fake_upstreams, rut, [*btc, btc[-1]])
    assert refresh(qtbot, window).alerts == ()
    assert window.alert_banner.banner() == ""
    window.apply_settings(window.settings.with_changes(alert_kinds=("breakout", "new_high")))
    serve(fake_upstreams, [*rut, 210.0], [*btc, btc[-1], btc[-1]])
    assert [a.kind for a in refresh(qtbot, window).alerts] == ["new_high"]


def alert(text: str, name: str = "Russell 2000 (^RUT)") -> Alert:
    day = dt.date(2026, 1, 5)
    return Alert(
        None, dt.datetime(2026, 1, 5, tzinfo=dt.UTC), day, RUT, name, "new_high", text, (), day, 1.0
    )


def test_alert_summary_names_one_alert_or_counts_several():
    assert alert_summary([alert("A.")]) == ("New alert: A.", "A.")
    many = [alert(f"{i}.", name) for i, name in enumerate(["R", "B", "R", "B", "R", "B"])]
    headline, details = alert_summary(many)
    assert headline == "6 new alerts: 0. (and 5 more in the Alerts tab)"
    assert details.splitlines()[-1] == "… and 2 more in the Alerts tab."


def test_the_tray_shows_a_notification_only_where_there_is_one(qtbot, monkeypatch):
    shown = []

    class FakeTray:
        class MessageIcon:
            Information = 1

        def __init__(self, icon, parent):
            self.messageClicked = self.activated = _NoSignal()

        def setToolTip(self, text):
            pass

        def show(self):
            pass

        def hide(self):
            pass

        def showMessage(self, title, text, icon, ms):
            shown.append((title, text))

    notifier = tray.DesktopNotifier(QIcon())
    assert not notifier.available  # offscreen has no tray
    assert notifier.notify("Riskcurve alert", "text") is False
    monkeypatch.setattr(tray, "QSystemTrayIcon", FakeTray)
    notifier.available = True
    assert notifier.notify("Riskcurve alert", "Russell 2000 broke out.") is True
    assert shown == [("Riskcurve alert", "Russell 2000 broke out.")]


class _NoSignal:
    def connect(self, _slot):
        pass
