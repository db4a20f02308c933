"""The main window: linked charts on top, tabs below, toolbar, menus and the status line.

The window only displays: the Session (widgets.jobs.session) owns the data and runs every job in a
worker thread. Layout (geometry, splitter sizes, current tab) persists in an INI file inside
the config folder, so each data folder (and each test) has its own.

Signals:
    drawn(): the latest result or the empty state is on screen (screenshots, tests, benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from app.config import Settings
from app.errors import CsvFormatError, RiskcurveError
from app.instruments import InstrumentKey, market_name
from app.paths import AppPaths
from widgets import window_layout
from widgets.actions import create_actions
from widgets.charts.area import ChartArea
from widgets.dialogs.error_dialog import ErrorReporter
from widgets.jobs.session import FETCH, IMPORT, Session
from widgets.jobs.tasks import EMPTY_MESSAGE
from widgets.status import (
    StatusLine,
    error_text,
    fetch_summary,
    leader_state_text,
    progress_fraction,
)
from widgets.tables.tabs import CyclesTab, DataTab, SignalsTab, StatisticsTab

if TYPE_CHECKING:
    from widgets.charts.stack import ChartStack
    from widgets.jobs.tasks import FetchReport, Loaded, Preview


LOADING_MESSAGE = "Loading cached data…"
SHUTDOWN_TIMEOUT_S = 5.0


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
        self._after_first_draw: Callable[[], object] | None = None
        self._failed_keys: tuple[str, ...] = ()
        self._instruments: list = []
        self._fetching: tuple[str, ...] = ()
        self._build()
        self._connect()
        self._update_title()
        self.remember_layout = remember_layout
        if remember_layout:
            window_layout.restore(self)
        else:
            self.splitter.setSizes(window_layout.DEFAULT_SPLIT)
        self.chart_area.show_loading(LOADING_MESSAGE)
        for tab in (self.signals_tab, self.statistics_tab, self.cycles_tab):
            tab.clear(LOADING_MESSAGE)

    # -- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.window_actions = create_actions(self)
        self.tabs = QTabWidget(self)
        self.tabs.setToolTip("Signals, statistics, halving cycles and the local cache")
        self.signals_tab = SignalsTab(self.tabs)
        self.statistics_tab = StatisticsTab(self.tabs)
        self.cycles_tab = CyclesTab(self.tabs)
        self.data_tab = DataTab(self.tabs)
        for tab, title, tip in (
            (self.signals_tab, "Signals", "The leader's breakouts and the follower's returns"),
            (self.statistics_tab, "Statistics", "Event study against the base rate, per horizon"),
            (self.cycles_tab, "Cycles", "Bitcoin halving cycles side by side"),
            (self.data_tab, "Data", "Cached instruments, freshness and download errors"),
        ):
            self.tabs.setTabToolTip(self.tabs.addTab(tab, title), tip)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("main-splitter")
        self.chart_area = ChartArea(self.splitter)
        self.splitter.addWidget(self.chart_area)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.status = StatusLine(self.statusBar(), self)
        self.status.cancel.setDefaultAction(self.window_actions.cancel)
        self.resize(1280, 860)

    def _connect(self) -> None:
        a, s = self.window_actions, self.session
        a.refresh.triggered.connect(self.refresh)
        a.cancel.triggered.connect(self.cancel)
        a.log_scale.toggled.connect(self.chart_area.set_log)
        a.compare.toggled.connect(self.chart_area.set_compare)
        a.export_chart.triggered.connect(self.export_chart)
        a.export_signals.triggered.connect(self.export_signals)
        a.import_csv.triggered.connect(self.import_csv)
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.show_about)
        self.chart_area.exportPaneRequested.connect(self.export_pane)
        self.chart_area.exportAllRequested.connect(self.export_chart)
        self.signals_tab.breakoutSelected.connect(self.focus_date)
        self.signals_tab.exportRequested.connect(self.export_signals)
        self.data_tab.retryRequested.connect(self.retry)
        self.status.retry.clicked.connect(self.retry_failed)
        self.drawn.connect(self._on_first_draw)
        s.loaded.connect(self.show_loaded)
        s.previewReady.connect(self.show_preview)
        s.instrumentsChanged.connect(self.show_instruments)
        s.fetchStarted.connect(self._on_fetch_started)
        s.fetchProgress.connect(self._on_fetch_progress)
        s.fetchFinished.connect(self._on_fetch_finished)
        s.imported.connect(self._on_imported)
        s.failed.connect(self._on_failed)
        s.busyChanged.connect(self._on_busy_changed)
        s.settingsChanged.connect(self._on_settings_changed)

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
        self.setWindowTitle(f"Riskcurve — {leader} vs {follower}")

    # -- start-up -------------------------------------------------------------------------------

    def start(self, refresh: bool | None = None, warm_up: bool = True) -> None:
        """Show cached data at once; then refresh in the background if the settings say so.

        The download waits for the first drawing, so it does not compete with it for the CPU;
        without one, the download libraries are imported then instead (`Session.warm_up`).
        """
        if refresh is None:
            refresh = self.settings.refresh_on_start
        self._after_first_draw = self.session.refresh if refresh else None
        if self._after_first_draw is None and warm_up:
            self._after_first_draw = self.session.warm_up
        self.session.load()
        QTimer.singleShot(0, self, self.chart_area.prepare_preview)

    @Slot()
    def _on_first_draw(self) -> None:
        if self._after_first_draw is not None:
            self._after_first_draw()
            self._after_first_draw = None

    # -- showing results ------------------------------------------------------------------------

    @Slot(object)
    def show_loaded(self, loaded: Loaded) -> None:
        if loaded.cache_notice:
            self._notify("Cache replaced", loaded.cache_notice)
        result = loaded.result
        if result is None:
            self.show_empty(loaded.empty_message or EMPTY_MESSAGE)
        else:
            self.chart_area.show_result(result)
            self.signals_tab.show_result(result)
            self.statistics_tab.show_result(result)
            self.cycles_tab.show_result(result)
            label = self._name(result.leader_key)
            self.status.leader.setText(leader_state_text(label, result.leader_state))
        QTimer.singleShot(0, self, self.drawn.emit)

    @Slot(object)
    def show_preview(self, preview: Preview) -> None:
        """The cached prices while the first analysis runs (it resumes once they are painted)."""
        self.chart_area.show_preview(preview, self.session.preview_shown)

    def show_empty(self, message: str) -> None:
        """The friendly empty state in the charts area and every result tab."""
        self.chart_area.show_empty(message)
        for tab in (self.signals_tab, self.statistics_tab, self.cycles_tab):
            tab.clear(message)
        self.status.leader.clear()

    @Slot(object)
    def show_instruments(self, infos: list) -> None:
        self._instruments = list(infos)
        self.data_tab.show_instruments(infos, self.settings.stale_after_days)

    @Slot(object)
    def focus_date(self, date: object) -> None:
        """Centre every chart on `date` and highlight it (a Signals row was selected)."""
        self.charts.center_on(date)
        self.charts.highlight(date)

    # -- fetching -------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if not self.session.refresh():
            self.status.show_message("A download is already running.", 4000)

    @Slot(object)
    def retry(self, keys: tuple[str, ...]) -> None:
        if not self.session.refresh(tuple(keys)):
            self.status.show_message("A download is already running.", 4000)

    @Slot()
    def retry_failed(self) -> None:
        """The status bar's Retry: fetch again what failed last time."""
        if self._failed_keys:
            self.retry(self._failed_keys)

    @Slot()
    def cancel(self) -> None:
        if self.session.cancel():
            self.status.show_message("Cancelling…")

    def _set_failed(self, keys: tuple[str, ...]) -> None:
        self._failed_keys = keys
        self.status.retry.setVisible(bool(keys))

    @Slot(object)
    def _on_fetch_started(self, keys: tuple[str, ...]) -> None:
        self._fetching = tuple(keys)
        self._set_failed(())
        self.status.start_progress(f"Downloading {len(keys)} instrument(s)…")

    @Slot(object)
    def _on_fetch_progress(self, event: object) -> None:
        fraction, text = progress_fraction(event)
        self.status.set_progress(fraction, text)

    @Slot(object)
    def _on_fetch_finished(self, report: FetchReport) -> None:
        self.status.set_offline(self.session.offline)
        failures = report.failures
        self._set_failed(tuple(o.key for o in failures))
        if report.cancelled:
            text = "Download cancelled; instruments that finished were kept."
        else:
            text = fetch_summary(report.new_bars, [(o.key, o.error) for o in failures])
        self.status.show_message(text, 0 if failures else 8000)
        details = "\n".join(error_text(o.key, o.error) for o in failures)
        self.statusBar().setToolTip(details or "Messages about downloads and exports")

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.window_actions.cancel.setEnabled(busy)
        self.window_actions.refresh.setEnabled(not busy)
        self.window_actions.import_csv.setEnabled(not busy)
        if not busy:
            self.status.stop_progress()

    @Slot(str, object)
    def _on_failed(self, kind: str, error: BaseException) -> None:
        if not isinstance(error, RiskcurveError):
            self.reporter.show_error(error)
            return
        if kind == FETCH:
            self._set_failed(self._fetching)
            self.status.set_offline(self.session.offline)
            self.status.show_message(error_text("Download", error))
        elif kind == IMPORT:
            self.status.show_message(f"Import failed: {error}")
            title = "CSV file rejected" if isinstance(error, CsvFormatError) else "Import failed"
            self._notify(title, str(error))
        else:
            self.show_empty(f"Could not show the data: {error}")
            self.status.show_message(str(error))
            QTimer.singleShot(0, self, self.drawn.emit)

    def _notify(self, title: str, text: str) -> None:
        """A non-blocking message box (never stalls workers, screenshots or tests)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- import, settings, about ----------------------------------------------------------------

    @Slot()
    def import_csv(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import CSV", str(Path.home()), "CSV files (*.csv *.txt);;All files (*)"
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path, key: str | None = None) -> None:
        """Import `path`; asks for the instrument key unless given."""
        if key is None:
            from widgets.dialogs.prompts import ImportKeyDialog

            dialog = ImportKeyDialog(path, self.settings, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            key = dialog.key()
        self.status.start_progress(f"Importing {path.name}…")
        self.session.import_csv(path, InstrumentKey(key))

    @Slot(str, int)
    def _on_imported(self, key: str, count: int) -> None:
        self.status.show_message(f"Imported {count:,} bars into {key}.", 8000)

    @Slot()
    def open_settings(self) -> None:
        from widgets.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self.session.pool, self.paths, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def apply_settings(self, settings: Settings) -> set[str]:
        """Save and apply new settings (re-analyse, or fetch new instruments)."""
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
        self.data_tab.show_instruments(self._instruments, self.settings.stale_after_days)

    @Slot()
    def show_about(self) -> None:
        from widgets.dialogs.prompts import show_about

        show_about(self)

    # -- export ---------------------------------------------------------------------------------

    @Slot()
    def export_chart(self) -> None:
        from widgets import export

        export.export_chart_interactive(self)

    @Slot(int)
    def export_pane(self, index: int) -> None:
        from widgets import export

        export.export_pane_interactive(self, index)

    @Slot()
    def export_signals(self) -> None:
        from widgets import export

        export.export_signals_interactive(self)

    # -- layout persistence and closing ---------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, stop downloads (bounded wait) and close."""
        if self.remember_layout:
            window_layout.save(self)
        self.stopped_cleanly = self.session.shutdown(SHUTDOWN_TIMEOUT_S)
        event.accept()
