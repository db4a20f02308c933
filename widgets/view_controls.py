"""The View menu's controls: moving in time, range presets, "start where both markets have data",
the theme, and the remembered Signals filter.

Kept out of the main window so it stays about showing results. Everything here works on the
chart area, the actions and the layout file it is given; results come from the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from widgets import navigation, window_layout
from widgets.actions import THEMES, WindowActions
from widgets.charts.navigation import PAN_STEP, ZOOM_STEP
from widgets.theme import apply_theme, forced_theme

if TYPE_CHECKING:
    from app.chart_input import ChartInput
    from widgets.charts.area import ChartArea
    from widgets.charts.stack import ChartStack
    from widgets.jobs.session import Session
    from widgets.tables.tabs import SignalsTab


class ViewControls(QObject):
    """Connects the View actions to the chart area (see the module docstring)."""

    def __init__(
        self,
        actions: WindowActions,
        chart_area: ChartArea,
        session: Session,
        store: QSettings,
        signals_tab: SignalsTab,
        say: Callable[[str], None] = lambda _text: None,
    ) -> None:
        super().__init__(chart_area)
        self.actions, self.chart_area, self.session = actions, chart_area, session
        self.store, self.signals_tab, self._say = store, signals_tab, say
        a = actions
        moves: list[tuple[QAction, Callable[[], None]]] = [
            (a.pan_left, lambda: self._move(lambda charts: charts.pan(-PAN_STEP))),
            (a.pan_right, lambda: self._move(lambda charts: charts.pan(PAN_STEP))),
            (a.zoom_in, lambda: self._move(lambda charts: charts.zoom(ZOOM_STEP))),
            (a.zoom_out, lambda: self._move(lambda charts: charts.zoom(1 / ZOOM_STEP))),
            (a.show_all, lambda: self.show_range("home")),
            (a.range_1y, lambda: self.show_range("1y")),
            (a.range_5y, lambda: self.show_range("5y")),
            (a.range_follower, lambda: self.show_range("follower")),
            (a.range_all, lambda: self.show_range("all")),
        ]
        for action, move in moves:
            action.triggered.connect(move)
        for name in THEMES:
            a.theme(name).triggered.connect(lambda _=False, n=name: self.set_theme(n))
        a.both_markets.triggered.connect(self._on_both_markets_chosen)
        signals_tab.show_all.toggled.connect(self._save_breakout_filter)

    # -- time -----------------------------------------------------------------------------------

    def _move(self, how: Callable[[ChartStack], None]) -> None:
        if self.chart_area.has_result():
            how(self.chart_area.charts)

    def show_range(self, name: str) -> None:
        """A range preset ("1y", "5y", "follower", "all") or Home's view ("home").

        "home" is every date, from where both markets have data under "both markets"; "all" is
        every date of both markets, so it turns "both markets" off. Both need only the
        drawing, so they work on the drawing kept from the last start too."""
        if not self.chart_area.has_result():
            return
        charts, result = self.chart_area.charts, self.session.result
        if name == "all" and self.actions.both_markets.isChecked():
            self._show_every_date("All: every date of both markets")
            return
        if name in ("home", "all"):
            charts.show_all()
            return
        x_range = None if result is None else navigation.preset_range(result, name)
        if x_range is not None:
            charts.set_x_range(x_range)

    def reveal(self, date: object) -> None:
        """Make `date` reachable before the charts centre on it: a breakout from before the
        later market's first bar turns "both markets" off."""
        if not self.chart_area.has_result():
            return
        charts = self.chart_area.charts
        if charts.is_overlap_only() and not charts.can_show(date):
            self._show_every_date(f"The breakout of {date:%Y-%m-%d} is before both markets' data")

    def _show_every_date(self, why: str) -> None:
        self.actions.both_markets.setChecked(False)
        self._on_both_markets_chosen(False)
        self._say(f"{why}: View › Start where both markets have data is now off (Ctrl+B)")

    def new_chart(self, chart: ChartInput, first: bool) -> None:
        """An analysis was drawn: apply "both markets" (remembered, or the data's default)."""
        from widgets.charts.panes import default_overlap_only  # loaded with the charts

        saved = window_layout.saved_toggle(self.store, "both_markets")
        action = self.actions.both_markets
        action.setChecked(default_overlap_only(chart) if saved is None else saved)
        self.chart_area.charts.set_overlap_only(action.isChecked())
        if first and action.isChecked():
            self.show_range("home")

    def show_start_view(self) -> None:
        """The charts as a start draws them: all dates (those of both markets under "both
        markets"), nothing selected (widgets.first_picture keeps their picture in this view)."""
        if self.chart_area.has_result():
            self.chart_area.charts.show_start_view()

    @Slot(bool)
    def _on_both_markets_chosen(self, on: bool) -> None:
        """The user's choice is remembered (the default follows the data until then)."""
        window_layout.save_toggle(self.store, "both_markets", on)
        if self.chart_area.has_result():
            self.chart_area.charts.set_overlap_only(on)
        self.show_range("home")

    @Slot(bool)
    def _save_breakout_filter(self, on: bool) -> None:
        window_layout.save_toggle(self.store, "show_all_breakouts", on)

    # -- theme and remembered toggles -----------------------------------------------------------

    def restore(self) -> None:
        """The remembered theme (unless RISKCURVE_THEME forces one) and Signals filter."""
        forced = forced_theme()
        name = forced or window_layout.saved_theme(self.store) or "system"
        self.actions.theme(name).setChecked(True)
        if not forced:
            self.set_theme(name, remember=False)
        saved = window_layout.saved_toggle(self.store, "show_all_breakouts")
        self.signals_tab.show_all.setChecked(bool(saved))

    def set_theme(self, name: str, remember: bool = True) -> None:
        """System, light or dark colours for the whole window (charts follow the palette)."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.actions.theme(name).setChecked(True)
        if remember:
            window_layout.save_theme(self.store, name)
