"""How the ladder shows in the window: scans run in a worker, the Ladder tab shows them, and a
click on a matrix cell makes that pair the charted pair.

A scan (app.ladder.scan.scan_cache: the cache only, never the network) runs after the first
drawing, after a refresh or an import that brought a ladder rung new bars, after a settings
change that alters what a scan computes, and when the user picks another horizon. One scan
runs at a time; a request meanwhile runs once it ends, and only the newest result is shown.
When the same settings change also redraws the charts (a new pair, an analysis setting), the
scan waits until the window has drawn (at most RESCAN_WAIT_MS): its worker would share the GIL
with the analysis and the drawing the user is looking at.

Signals:
    scanned(LadderScan): a scan is on screen (tests and screenshots wait for it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance, Slot

from app.config import Settings
from app.errors import RiskcurveError
from app.ladder.scan import LadderScan
from app.setting_changes import changed_parts
from widgets.jobs.results import FetchReport, Imported
from widgets.jobs.session import JobFailure, Session

if TYPE_CHECKING:
    from widgets.tables.ladder_tab import LadderTab

SCAN = "ladder scan"
#: The longest a rescan waits for the window's redraw of the same settings change.
RESCAN_WAIT_MS = 3000
#: Settings a scan does not read: changing only these never rescans.
_NOT_SCANNED = (
    "leader",
    "follower",
    "extra_instruments",
    "extra_key_dates",
    "refresh_on_start",
    "refresh_hours",
    "alert_kinds",
    "fetch_timeout_s",
    "corr_window",
)


def scan_inputs(settings: Settings) -> Settings:
    """The settings with every field a scan does not read set to its default (for comparing)."""
    defaults = Settings()
    return dataclasses.replace(settings, **{n: getattr(defaults, n) for n in _NOT_SCANNED})


class LadderView(QObject):
    """Runs the ladder's scans and feeds the Ladder tab (see the module docstring)."""

    scanned = Signal(LadderScan)

    def __init__(
        self,
        session: Session,
        tab: LadderTab,
        apply_settings: Callable[[Settings], object],
        drawn: SignalInstance,
    ) -> None:
        super().__init__(session)
        self.session, self.tab = session, tab
        self._apply_settings = apply_settings
        self.horizon: int | None = None  # None: the headline horizon
        self.all_pairs = False
        self.scan: LadderScan | None = None
        self._running = False
        self._again = False
        self._settings = session.settings
        self._after_redraw = QTimer(self, singleShot=True, interval=RESCAN_WAIT_MS)
        self._after_redraw.timeout.connect(self.rescan)
        drawn.connect(self._on_drawn)
        self._show_horizons()
        session.fetchFinished.connect(self._on_fetched)
        session.imported.connect(self._on_imported)
        session.settingsChanged.connect(self._on_settings_changed)
        tab.pairChosen.connect(self.chart_pair)
        tab.horizonChosen.connect(self.set_horizon)
        tab.allPairsToggled.connect(self.set_all_pairs)

    # -- requests -------------------------------------------------------------------------------

    def rescan(self) -> None:
        """Scan the ladder now (in a worker), or once the running scan ends."""
        if self._running:
            self._again = True
            return
        self._running = True
        self.tab.show_scanning()
        db, settings = self.session.paths.database, self.session.settings
        horizon, all_pairs = self._horizon(settings), self.all_pairs

        def work(_progress: object, _cancel: object) -> LadderScan:
            from app.ladder.scan import scan_cache

            return scan_cache(db, settings, horizon=horizon, all_pairs=all_pairs)

        self.session.pool.run(
            SCAN,
            work,
            on_result=self._on_scanned,
            on_error=self._on_error,
            on_finished=self._on_finished,
        )

    @Slot(int)
    def set_horizon(self, horizon: int) -> None:
        self.horizon = horizon
        self.rescan()

    @Slot(bool)
    def set_all_pairs(self, on: bool) -> None:
        self.all_pairs = on
        self.rescan()

    @Slot(str, str)
    def chart_pair(self, leader: str, follower: str) -> None:
        """Make (leader, follower) the charted pair, as the settings dialog would."""
        settings = self.session.settings
        if (settings.leader, settings.follower) == (leader, follower):
            return
        self._apply_settings(dataclasses.replace(settings, leader=leader, follower=follower))

    def _horizon(self, settings: Settings) -> int:
        if self.horizon is not None and self.horizon in settings.horizons:
            return self.horizon
        return settings.headline_horizon

    # -- results --------------------------------------------------------------------------------

    def _on_scanned(self, scan: LadderScan) -> None:
        if self._again:
            return  # outdated: the settings or the data changed while it ran
        self.scan = scan
        settings = self.session.settings
        self.tab.show_scan(scan, (settings.leader, settings.follower))
        self.scanned.emit(scan)

    def _on_error(self, error: BaseException) -> None:
        if self._again:
            return
        if isinstance(error, RiskcurveError):
            self.tab.show_failure(f"The ladder could not be scanned: {error}")
        else:
            self.session.failed.emit(JobFailure(SCAN, error))

    def _on_finished(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.rescan()

    # -- what makes a rescan --------------------------------------------------------------------

    @Slot(object)
    def _on_fetched(self, report: FetchReport) -> None:
        ladder = set(self.session.settings.ladder)
        if any(o.ok and o.new_bars and o.key in ladder for o in report.outcomes) or (
            self.scan is not None and report.failures
        ):
            self.rescan()  # new bars, or a failure the freshness column should show

    @Slot(object)
    def _on_imported(self, imported: Imported) -> None:
        if imported.key in self.session.settings.ladder:
            self.rescan()

    @Slot(object)
    def _on_settings_changed(self, new: Settings) -> None:
        old, self._settings = self._settings, new
        self._show_horizons()
        if scan_inputs(old) != scan_inputs(new):
            self._rescan_after(old, new)
        else:
            self.tab.set_charted((new.leader, new.follower))

    def _rescan_after(self, old: Settings, new: Settings) -> None:
        """Rescan now, or once the charts are redrawn when this change redraws them."""
        redraws = (old.leader, old.follower) != (new.leader, new.follower)
        if redraws or "analysis" in changed_parts(old, new):
            self._after_redraw.start()
        else:
            self.rescan()

    @Slot()
    def _on_drawn(self) -> None:
        if self._after_redraw.isActive():
            self._after_redraw.stop()
            self.rescan()

    def _show_horizons(self) -> None:
        settings = self.session.settings
        self.tab.set_horizons(settings.horizons, self._horizon(settings))
