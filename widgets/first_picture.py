"""The window's first picture at start-up: the analysed charts kept from the last start, or the
cached prices.

The load worker (widgets.jobs.tasks.load_and_analyse) sends one of them before it imports
pandas: the drawing kept on disk when it was made from the very bars and settings it has just
read (app.chart_snapshot), else the close prices. This module puts that picture on screen and
then lets the analysis go on (`Session.preview_shown`): both need the GIL, and the picture is
what the user is waiting for. While the worker reads, the GUI thread builds what the picture
needs: the chart stack when a kept drawing exists, else the lighter price preview.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from widgets import kept_picture, window_layout
from widgets.charts.area import FirstPaint

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from app.chart_input import ChartInput
    from app.preview import Preview
    from widgets.charts.area import ChartArea
    from widgets.jobs.session import Session
    from widgets.view_controls import ViewControls


class FirstPicture(QObject):
    """Shows what the load worker sends first (see the module docstring)."""

    def __init__(
        self, session: Session, chart_area: ChartArea, view: ViewControls, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.session, self.chart_area, self.view = session, chart_area, view
        self._built = False  # what the first picture is drawn into
        self._waiting: Callable[[], None] | None = None  # a picture that came before them
        self._start_picture: tuple[kept_picture.PictureKey, QImage] | None = None
        session.previewReady.connect(self.show_preview)
        session.chartReady.connect(self.show_kept_chart)

    def prepare(self) -> None:
        """Build what the coming picture is drawn into, once the window is on screen.

        The window's own first paint comes first: importing pyqtgraph and the chart modules
        takes longer than everything before it, and the user should see the window meanwhile.
        The import runs in a worker, so the window answers input during it; a picture that
        arrives before what it is drawn into is built waits for it (drawing it would wait on
        the import and build anyway).
        """
        area = self.chart_area
        kept = self.session.snapshot_file().is_file()
        build = area.prepare_charts if kept else area.prepare_preview
        if not area.isVisible():  # nothing to paint first (a test, a hidden window)
            self._built = True
            QTimer.singleShot(0, self, build)
            return
        module = "widgets.charts.stack" if kept else "widgets.charts.preview"
        FirstPaint(area.loading, lambda: self._import(module, lambda: build(self._on_built)))

    def _import(self, module: str, then: Callable[[], None]) -> None:
        """Import `module` in a worker, then call `then` (also if the import failed: the GUI
        thread then imports it again and reports the error as any other)."""
        self.session.pool.run(
            "chart modules",
            lambda _progress, _cancel: importlib.import_module(module),
            on_result=lambda _module: then(),
            on_error=lambda _error: then(),
        )

    def _on_built(self) -> None:
        self._built = True
        waiting, self._waiting = self._waiting, None
        if waiting is not None:  # drawn in a pass of its own, after the build
            QTimer.singleShot(1, self, waiting)

    def _when_ready(self, step: Callable[[], None]) -> None:
        if self._built:
            step()
        else:
            self._waiting = step

    @Slot(object)
    def show_kept_chart(self, chart: ChartInput) -> None:
        """The analysed charts kept from the last start; the headline and the tabs wait for the
        fresh result, which redraws the charts only if they differ.

        Their picture kept at the last close is shown at once when it shows this very drawing
        in this view (widgets.kept_picture): the chart modules need not be loaded for it.
        """
        key = self._picture_key(chart.key)
        picture = kept_picture.load_picture(self._picture_path(), key)
        if picture is not None:
            self._start_picture = (key, picture)
            self.chart_area.show_picture(picture)
        self._when_ready(lambda: self._draw_kept(chart))

    def keep_for_next_start(self) -> None:
        """Keep the picture of the charts, in the view a start shows, for the next start (the
        window is closing). Skipped when the picture shown at this start is still true."""
        area = self.chart_area
        chart = area.charts.chart() if area.has_result() else None
        if chart is None or not chart.key or area.currentWidget() is not area.charts:
            return
        if self.view.actions.compare.isChecked():  # a start never opens in compare mode
            return
        key = self._picture_key(chart.key)
        if self._start_picture is not None:
            shown_key, shown = self._start_picture
            if shown_key == key and kept_picture.fits(shown, area.charts):
                return
        self.view.show_start_view()
        kept_picture.save_picture(self._picture_path(), area.charts.grab().toImage(), key)

    def _picture_key(self, chart_key: str) -> kept_picture.PictureKey:
        actions, both = (
            self.view.actions,
            window_layout.saved_toggle(self.view.store, "both_markets"),
        )
        view = kept_picture.view_text(
            self.chart_area, actions.log_scale.isChecked(), actions.compare.isChecked(), both
        )
        return kept_picture.PictureKey(chart_key, view)

    def _picture_path(self) -> Path:
        return kept_picture.picture_path(self.session.snapshot_file())

    def _draw_kept(self, chart: ChartInput) -> None:
        first = not self.chart_area.has_result()
        self.chart_area.show_chart(chart, self.session.preview_shown)
        self.view.new_chart(chart, first)

    @Slot(object)
    def show_preview(self, preview: Preview) -> None:
        """The cached prices while the first analysis runs."""
        self._when_ready(lambda: self.chart_area.show_preview(preview, self._on_preview_painted))

    def _on_preview_painted(self) -> None:
        """Build the (hidden) chart stack, then let the analysis go on.

        One after the other, not side by side: both hold the GIL, so the GUI thread would stall
        for twice as long while building. The stack's modules are imported in a worker, the
        stack is built in the next pass, and the worker's import of pandas then runs while the
        GUI thread is idle and answers input.
        """
        area, shown = self.chart_area, self.session.preview_shown
        self._import("widgets.charts.stack", lambda: area.prepare_charts(shown))
