"""The main window: linked charts on top, tabs below, toolbar, menus and the status line.

The window only displays: the Session (widgets.jobs.session) owns the data and runs every job in a
worker thread; downloads are shown by widgets.fetch_view. Layout (geometry, splitter sizes, tab,
view toggles, theme) persists in an INI file in the config folder: one per data folder (and test).

Signals:
    drawn(): the latest result or the empty state is on screen (screenshots, tests, benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from app.chart_input import ChartInput, chart_input
from app.config import Settings
from app.errors import RiskcurveError
from app.instruments import market_name
from app.paths import AppPaths
from widgets import window_layout
from widgets.actions import create_actions
from widgets.alerts_view import AlertsView
from widgets.charts.area import ChartArea
from widgets.dialogs.error_dialog import ErrorReporter
from widgets.fetch_view import FetchView
from widgets.first_picture import FirstPicture
from widgets.headline import HeadlineBar
from widgets.history_flow import HistoryFlow
from widgets.jobs.results import Imported
from widgets.jobs.session import FETCH, JobFailure, Session
from widgets.jobs.tasks import EMPTY_MESSAGE
from widgets.ladder_view import LadderView
from widgets.notice import AlertBanner, NoticeBar, above_charts, notice_text, notify
from widgets.result_tabs import ResultTabs
from widgets.splitter import GripSplitter
from widgets.status import StatusLine, leader_state_text
from widgets.tables.alerts_tab import AlertsTab
from widgets.tables.cycles_tab import CyclesTab
from widgets.tables.data_tab import DataTab
from widgets.tables.ladder_tab import LadderTab
from widgets.tables.statistics_tab import StatisticsTab
from widgets.tables.tabs import SignalsTab
from widgets.tray import DesktopNotifier
from widgets.view_controls import ViewControls

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from widgets.charts.stack import ChartStack
    from widgets.export import ExportTarget
    from widgets.jobs.results import Loaded


LOADING_MESSAGE = "Loading cached data…"
DEFAULT_SIZE = (1280, 860)
SHUTDOWN_TIMEOUT_S = 5.0
#: The least height of the chart stack: four panes, each with its legend line and some plot.
CHARTS_MIN_PX = 240


class MainWindow(QMainWindow):
    """Riskcurve's window (see the module docstring)."""

    drawn = Signal()

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        reporter: ErrorReporter | None = None,
        parent: QWidget | None = None,
        *,
        remember_layout: bool = True,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.reporter = reporter or ErrorReporter(paths.log_file, self)
        self.session = Session(paths, settings, self)
        self.layout_store = window_layout.store(paths)
        self.stopped_cleanly = True
        self._after_first_draw: list[Callable[[], object]] = []
        self._build()
        self._create_views()
        self._connect()
        self._update_title()
        self.remember_layout = remember_layout
        if remember_layout:
            window_layout.fit_to_screen(self, DEFAULT_SIZE)
            window_layout.restore(self.layout_store, self._layout_parts())
        else:  # a screenshot or a test: the same size on every machine
            self.resize(*DEFAULT_SIZE)
            self.splitter.setSizes(window_layout.DEFAULT_SPLIT)
        self.view.restore()
        self.chart_area.show_loading(LOADING_MESSAGE)
        self.result_tabs.clear(LOADING_MESSAGE)

    # -- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.menu_actions = a = create_actions(self)
        self._build_tabs()
        self.splitter = GripSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("main-splitter")
        top = QWidget(self.splitter)
        self.headline = HeadlineBar(self.session.choose_headline, top)
        self.notice = NoticeBar([a.import_csv, a.refresh], top)
        self.alert_banner = AlertBanner(top)
        self.chart_area = ChartArea(top)
        # Dragging the splitter up stops where the four panes still have room for their axes
        # and legends (at 800×560 they were crushed to 8 px each, legends over the lines).
        self.chart_area.setMinimumHeight(CHARTS_MIN_PX)
        above_charts(top, [self.headline, self.notice, self.alert_banner], [self.chart_area])
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.status = StatusLine(self.statusBar(), self)
        self.status.cancel.setDefaultAction(a.cancel)

    def _build_tabs(self) -> None:
        """The tabs below the charts, in the order the user meets them."""
        self.tabs = QTabWidget(self)
        self.tabs.setToolTip("Signals, statistics, halving cycles and the local cache")
        self.signals_tab = SignalsTab(self.tabs)
        self.statistics_tab = StatisticsTab(self.tabs)
        self.cycles_tab = CyclesTab(self.tabs)
        self.data_tab = DataTab(self.tabs)
        self.ladder_tab = LadderTab(self.tabs)
        self.alerts_tab = AlertsTab(self.tabs)
        self.result_tabs = ResultTabs(
            self.tabs, self.signals_tab, self.statistics_tab, self.cycles_tab
        )
        for tab, title, tip in (
            (self.signals_tab, "Signals", "The leader's breakouts and the follower's returns"),
            (self.statistics_tab, "Statistics", "Event study against the base rate, per horizon"),
            (self.ladder_tab, "Ladder", "Every rung of the ladder, and every pair's verdict"),
            (self.alerts_tab, "Alerts", "Breakouts, new highs and regime turns refreshes found"),
            (self.cycles_tab, "Cycles", "Bitcoin halving cycles side by side"),
            (self.data_tab, "Data", "Cached instruments, freshness and download errors"),
        ):
            self.tabs.setTabToolTip(self.tabs.addTab(tab, title), tip)

    def _create_views(self) -> None:
        """The objects that keep each part of the window in step with the session."""
        s, status = self.session, self.status
        self.view = ViewControls(
            self.menu_actions, self.chart_area, s, self.layout_store, self.signals_tab,
            say=lambda text: status.show_message(text, 8000),
        )  # fmt: skip
        self.fetch_view = FetchView(s, status, self.data_tab, self.menu_actions, self.chart_area)
        self.ladder_view = LadderView(s, self.ladder_tab, self.apply_settings, self.drawn)
        self.notifier = DesktopNotifier(self.windowIcon(), self)
        self.alerts_view = AlertsView(
            s, self.alerts_tab, self.tabs, self.alert_banner, status, self.notifier
        )
        self.history = HistoryFlow(s, status, self.data_tab, self)
        s.chartReady.connect(self.update_notice)  # before the picture: the charts' final height
        self.first_picture = FirstPicture(s, self.chart_area, self.view, self)

    def _connect(self) -> None:
        a, s = self.menu_actions, self.session
        a.refresh.triggered.connect(self.refresh)
        a.cancel.triggered.connect(self.cancel)
        a.log_scale.toggled.connect(self.chart_area.set_log)
        a.compare.toggled.connect(self.chart_area.set_compare)
        a.export_chart.triggered.connect(lambda: self.export("export_chart_interactive"))
        a.snapshot.triggered.connect(lambda: self.export("snapshot"))
        a.export_signals.triggered.connect(lambda: self.export("export_signals_interactive"))
        a.import_csv.triggered.connect(lambda: self.history.ask_and_import(self.settings))
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.show_about)
        self.chart_area.exportPaneRequested.connect(
            lambda pane: self.export("export_chart_interactive", pane)
        )
        self.chart_area.exportAllRequested.connect(lambda: self.export("export_chart_interactive"))
        self.chart_area.breakoutClicked.connect(self.signals_tab.select_date)
        self.signals_tab.breakoutSelected.connect(self.focus_date)
        self.signals_tab.exportRequested.connect(lambda: self.export("export_signals_interactive"))
        self.status.offlineClicked.connect(self.show_data_tab)
        self.alert_banner.shownChanged.connect(self.update_notice)
        self.drawn.connect(self._on_first_draw)
        s.loaded.connect(self.show_loaded)
        s.imported.connect(self._on_imported)
        s.importProgress.connect(lambda p: self.status.set_progress(p.fraction, p.text))
        s.failed.connect(self._on_failed)
        s.settingsChanged.connect(self._on_settings_changed)
        s.instrumentsChanged.connect(lambda _contents: self.update_notice())

    def _layout_parts(self) -> window_layout.LayoutParts:
        toggles = {"log": self.menu_actions.log_scale}
        return window_layout.LayoutParts(self, self.splitter, self.tabs, toggles)

    @property
    def charts(self) -> ChartStack:
        """The linked chart stack (built on first use, see widgets.charts.area)."""
        return self.chart_area.charts

    @property
    def settings(self) -> Settings:
        return self.session.settings

    def _name(self, key: str) -> str:
        """A market's name in words, or the user's own for it (Settings → Markets)."""
        return market_name(key, self.settings.instrument(key).label)

    def _update_title(self) -> None:
        leader, follower = (self._name(k) for k in (self.settings.leader, self.settings.follower))
        # Qt appends the application's display name (" — Riskcurve") itself.
        self.setWindowTitle(f"{leader} vs {follower}")
        self.menu_actions.range_follower.setText(f"Since {follower}")

    # -- start-up -------------------------------------------------------------------------------

    def start(self, refresh: bool | None = None, warm_up: bool = True) -> None:
        """Show cached data at once; then refresh in the background if the settings say so.

        The download waits for the first drawing, so it does not compete with it for the CPU;
        without one, the download libraries are imported then instead (`Session.warm_up`).
        """
        if refresh is None:
            refresh = self.settings.refresh_on_start
        then = self.session.refresh if refresh else self.session.warm_up if warm_up else None
        first = [self.ladder_view.rescan, self.alerts_view.load]
        self._after_first_draw = [*first, *([then] if then else [])]
        self.session.load()
        self.first_picture.prepare()

    @Slot()
    def _on_first_draw(self) -> None:
        after, self._after_first_draw = self._after_first_draw, []
        for step in after:
            step()

    # -- showing results ------------------------------------------------------------------------

    @Slot(object)
    def show_loaded(self, loaded: Loaded) -> None:
        if loaded.cache_notice:
            notify(self, "Cache replaced", loaded.cache_notice)
        result = loaded.result
        if result is None:
            self.show_empty(loaded.empty_message or EMPTY_MESSAGE)
            QTimer.singleShot(0, self, self.drawn.emit)
        else:  # `drawn` follows once the tabs are filled too
            self._show_result(result, loaded.chart or chart_input(result))
        self.update_notice()

    def _show_result(self, result: AnalysisResult, chart: ChartInput) -> None:
        """The charts and the headline now; the tabs once the charts are on screen."""
        selected = self.charts.highlighted()
        first = not self.chart_area.has_result()
        self.chart_area.show_result(chart)
        self.headline.show_result(result, self.settings.headline_horizon)
        name = self._name(result.leader_key)
        self.status.leader.setText(leader_state_text(name, result.leader_state))
        self.view.new_chart(chart, first)
        self.result_tabs.fill(
            result, self.chart_area.after_charts_painted, lambda: self._tabs_filled(selected)
        )

    def _tabs_filled(self, selected: object) -> None:
        # The selection belongs to a breakout: keep it only while that date still is one.
        if selected is None or not self.signals_tab.select_date(selected):
            self.charts.highlight(None)
            self.signals_tab.clear_selection()
        self.drawn.emit()

    def show_empty(self, message: str) -> None:
        """The friendly empty state in the charts area and every result tab."""
        self.chart_area.show_empty(message)
        self.result_tabs.clear(message)
        self.headline.clear()
        self.status.leader.clear()

    def update_notice(self, kept: ChartInput | None = None) -> None:
        """Say what is missing, or how old the data is, above the charts (with the buttons).

        `kept`: the drawing kept from the last start, shown before the result; it tells both
        already, so the charts get their final height before they are drawn."""
        if kept is not None:
            missing, last_days = kept.missing(), kept.last_days()
        else:
            pair = (self.settings.leader, self.settings.follower)
            missing = pair if self.session.result is None else self.session.missing
            last_days = self.fetch_view.last_days()
        text = notice_text(missing, last_days, self._name)
        self.notice.show_notice("" if self.alert_banner.is_up() else text)  # one line

    @Slot(object)
    def focus_date(self, date: object) -> None:
        """Centre every chart on `date` and highlight it (a Signals row became current)."""
        self.view.reveal(date)
        self.charts.center_on(date)
        self.charts.highlight(date)

    @Slot()
    def show_data_tab(self) -> None:
        self.tabs.setCurrentWidget(self.data_tab)

    # -- fetching -------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        self.fetch_view.refresh()

    @Slot()
    def cancel(self) -> None:
        self.fetch_view.cancel()

    @Slot(object)
    def _on_failed(self, failure: JobFailure) -> None:
        error = failure.error
        if not isinstance(error, RiskcurveError):
            self.reporter.show_error(error)
            return
        if self.history.handles(failure):  # imports and deletes say their own
            return
        if failure.kind != FETCH:  # the fetch view reports its own
            self.show_empty(f"Could not show the data: {error}")
            self.status.show_message(str(error))
            QTimer.singleShot(0, self, self.drawn.emit)

    # -- import, settings, about ----------------------------------------------------------------

    def import_file(self, path: Path, key: str | None = None) -> None:
        """Import `path`; asks for the key unless given, and before replacing cached bars."""
        self.history.import_file(path, key, self.settings)

    @Slot(object)
    def _on_imported(self, imported: Imported) -> None:
        self.fetch_view.forget_notes(imported.key)
        self.status.show_message(f"Imported {imported.count:,} bars into {imported.key}.", 8000)

    @Slot()
    def open_settings(self) -> None:
        from widgets.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self.session.pool, self.paths, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def apply_settings(self, settings: Settings) -> set[str]:
        """Save and apply new settings (re-analyse, or fetch what the new pair lacks)."""
        try:
            return self.session.apply_settings(settings)
        except RiskcurveError as exc:
            QMessageBox.warning(self, "Settings not saved", str(exc))
            return set()

    @Slot(object)
    def _on_settings_changed(self, _settings: Settings) -> None:
        """Title, names and staleness follow at once; new instruments appear when fetched."""
        self._update_title()
        result = self.session.result
        if result is not None:
            name = self._name(result.leader_key)
            self.status.leader.setText(leader_state_text(name, result.leader_state))
        self.fetch_view.show_instruments()

    @Slot()
    def show_about(self) -> None:
        from widgets.dialogs.prompts import show_about

        show_about(self)

    # -- export ---------------------------------------------------------------------------------

    def export_target(self) -> ExportTarget:
        """What the export functions need (widgets.export), without the window itself."""
        from widgets.export import ExportTarget

        return ExportTarget.of(self)

    def export(self, name: str, *args: object) -> object:
        """Run an export of widgets.export by name ("export_chart_interactive", "snapshot", …)."""
        from widgets import export

        return getattr(export, name)(self.export_target(), *args)

    # -- layout persistence and closing ---------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, stop downloads (bounded wait) and close."""
        if self.remember_layout:
            window_layout.save(self.layout_store, self._layout_parts())
            self.first_picture.keep_for_next_start()
        self.notifier.close()
        self.fetch_view.schedule.stop()
        self.stopped_cleanly = self.session.shutdown(SHUTDOWN_TIMEOUT_S)
        event.accept()
