"""How alerts show in the window: the Alerts tab, the banner after a refresh that raised some,
and a desktop notification where the system has a tray.

Every refresh of the window is watched (widgets.jobs.tasks.refresh_with_alerts): the alerts
it raised for the first time arrive with its FetchReport, already stored in the cache. The
Alerts tab lists every stored alert (read in a worker), unread ones in bold; opening the tab
marks them read in the cache (in a worker), and they turn plain when the user leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QTabWidget

from widgets.jobs.results import FetchReport
from widgets.jobs.session import Session
from widgets.notice import AlertBanner
from widgets.status import StatusLine
from widgets.tray import DesktopNotifier

if TYPE_CHECKING:
    from app.ladder.alerts import Alert
    from widgets.tables.alerts_tab import AlertsTab

ALERTS_TITLE = "Alerts"
#: Alerts named one by one in a banner's tooltip or a notification; the rest are counted.
SHOWN = 4


def alert_summary(alerts: Sequence[Alert]) -> tuple[str, str]:
    """(headline, details) of a refresh's new alerts, for the banner and a notification."""
    if len(alerts) == 1:
        return f"New alert: {alerts[0].text}", alerts[0].text
    details = [a.text for a in alerts[:SHOWN]]
    if len(alerts) > SHOWN:
        details.append(f"… and {len(alerts) - SHOWN} more in the Alerts tab.")
    more = f"(and {len(alerts) - 1} more in the Alerts tab)"
    return f"{len(alerts)} new alerts: {alerts[0].text} {more}", "\n".join(details)


class AlertsView(QObject):
    """Keeps the Alerts tab, the banner and the tray in step with the cache's alerts."""

    def __init__(
        self,
        session: Session,
        tab: AlertsTab,
        tabs: QTabWidget,
        banner: AlertBanner,
        status: StatusLine,
        notifier: DesktopNotifier,
    ) -> None:
        super().__init__(session)
        self.session, self.tab, self.tabs = session, tab, tabs
        self.banner, self.status, self.notifier = banner, status, notifier
        self._marked = False  # the unread shown were marked read while the tab was open
        session.fetchFinished.connect(self._on_fetched)
        tabs.currentChanged.connect(self._on_tab_changed)
        banner.show_button.clicked.connect(self.show_tab)
        notifier.clicked.connect(self.show_tab)

    def load(self) -> None:
        """Read the stored alerts (in a worker) into the tab."""
        db = self.session.paths.database

        def work(_progress: object, _cancel: object) -> list[Alert]:
            from app.ladder.watch import stored_alerts

            return stored_alerts(db)

        self.session.pool.run("alerts", work, on_result=self._show, on_error=self._on_error)

    @Slot()
    def show_tab(self) -> None:
        self.tabs.setCurrentWidget(self.tab)
        window = self.tabs.window()
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()

    # -- signals --------------------------------------------------------------------------------

    @Slot(object)
    def _on_fetched(self, report: FetchReport) -> None:
        if report.alert_error:
            self.status.show_message(f"Alerts could not be stored: {report.alert_error}")
        if not report.alerts:
            return
        headline, details = alert_summary(report.alerts)
        self.banner.show_text(headline, details)
        count = len(report.alerts)
        self.notifier.notify(
            "Riskcurve alert" if count == 1 else f"Riskcurve: {count} alerts", details
        )
        self.load()

    @Slot(int)
    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.tab:
            self._mark_read()
        elif self._marked:
            self._marked = False
            self.load()  # what was read turns plain

    def _show(self, alerts: list[Alert]) -> None:
        self.tab.show_alerts(alerts)
        unread = self.tab.unread_count()
        index = self.tabs.indexOf(self.tab)
        self.tabs.setTabText(index, f"{ALERTS_TITLE} ({unread})" if unread else ALERTS_TITLE)
        if self.tabs.currentWidget() is self.tab and self.tabs.isVisible():
            self._mark_read()

    def _mark_read(self) -> None:
        unread = self.tab.model.unread()
        if not unread:
            return
        db = self.session.paths.database

        def work(_progress: object, _cancel: object) -> int:
            from app.ladder.watch import mark_read

            mark_read(db, unread)
            return len(unread)

        self._marked = True
        self.banner.hide_banner()
        self.session.pool.run(
            "mark alerts read", work, on_result=self._on_marked, on_error=self._on_error
        )

    def _on_marked(self, _count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.tab), ALERTS_TITLE)

    def _on_error(self, error: BaseException) -> None:
        self.status.show_message(f"Alerts could not be read: {error}")
