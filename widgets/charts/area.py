"""The window's chart area: a loading note, then the cached prices, then the linked charts.

Start-up speed decides the order. The window first shows a plain note (no pyqtgraph needed),
or in its place the picture of the charts kept at the last close when it still shows the very
bars, settings, size and theme (widgets.kept_picture). When the last start kept its drawing
for the same bars and settings (app.chart_snapshot), the full chart stack draws it as soon as
the load worker has read it and the stack is built. Otherwise the cached close prices come
first (widgets.charts.preview), and the chart stack when the analysis arrives. Both pictures
are numpy only. The chart stack is built on first use, or ahead of it one pane's plot per
event-loop pass (`prepare_charts`), so its cost is not paid before the window appears and no
single pass stalls the window for long.

Signals:
    exportPaneRequested(int): a pane's context menu asked to export that pane.
    exportAllRequested(): a pane's context menu asked to export the whole stack.
    breakoutClicked(object): a breakout marker was clicked (its date).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from widgets.kept_picture import PictureLabel

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from app.chart_input import ChartInput
    from app.preview import Preview
    from widgets.charts.items import PanePlots
    from widgets.charts.preview import PricePreview
    from widgets.charts.stack import ChartStack


class FirstPaint(QObject):
    """Calls `callback` after the first paint of `widget` (or after MAX_WAIT_MS at the latest)."""

    MAX_WAIT_MS = 1000

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(self.MAX_WAIT_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has finished
        return False

    def _fire(self) -> None:
        if self._callback is not None:
            callback, self._callback = self._callback, None
            callback()


class ChartArea(QStackedWidget):
    """Loading note, price preview or chart stack (see the module docstring)."""

    exportPaneRequested = Signal(int)
    exportAllRequested = Signal()
    breakoutClicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loading = PictureLabel(self)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.loading.setStyleSheet("QLabel { font-size: 13pt; }")
        self.loading.setToolTip("The charts appear here once the cached data is read")
        self.addWidget(self.loading)
        self.preview: PricePreview | None = None
        self._charts: ChartStack | None = None
        self._log = True
        self._compare = False
        self._premade: PanePlots | None = None  # the stack's plots, made ahead
        self._paint_watch: FirstPaint | None = None
        self._unpainted = False  # a drawing went to the stack since its last paint

    @property
    def charts(self) -> ChartStack:
        """The linked chart stack (built on first use)."""
        if self._charts is None:
            from widgets.charts.stack import ChartStack

            charts, self._premade = ChartStack(self, premade=self._premade), None
            charts.exportPaneRequested.connect(self.exportPaneRequested)
            charts.exportAllRequested.connect(self.exportAllRequested)
            # A click on a breakout marker selects its Signals row (stacks that report clicks).
            clicked = getattr(charts, "breakoutClicked", None)
            if clicked is not None:
                clicked.connect(self.breakoutClicked)
            charts.set_log(self._log)
            charts.set_compare(self._compare)
            self.addWidget(charts)
            self._charts = charts
        return self._charts

    def has_result(self) -> bool:
        return self._charts is not None and self._charts.has_result()

    def set_log(self, on: bool) -> None:
        self._log = bool(on)
        if self._charts is not None:
            self._charts.set_log(self._log)

    def set_compare(self, on: bool) -> None:
        self._compare = bool(on)
        if self._charts is not None:
            self._charts.set_compare(self._compare)

    def show_loading(self, message: str) -> None:
        self.loading.setText(message)
        self.setCurrentWidget(self.loading)

    def show_picture(self, image: QImage) -> None:
        """The picture of the charts kept from the last start (widgets.kept_picture), in the
        loading note's place until the charts are drawn."""
        self.loading.show_picture(image)
        self.setCurrentWidget(self.loading)

    def show_preview(self, preview: Preview, on_painted: Callable[[], None]) -> None:
        """The cached prices; ignored once the charts show a result (a reload keeps them).

        `on_painted` is called once the preview is on screen (at once when it is not shown).
        """
        if self.has_result() or not self.isVisible():
            if not self.has_result():
                widget = self._preview_widget()
                widget.show_prices(preview)
                self.setCurrentWidget(widget)
            on_painted()
            return
        widget = self._preview_widget()
        widget.show_prices(preview)
        self.setCurrentWidget(widget)
        self._paint_watch = FirstPaint(widget.view.viewport(), on_painted)

    def prepare_charts(self, then: Callable[[], None] | None = None) -> None:
        """Build the (still hidden) chart stack before its first drawing arrives, then call
        `then`: its modules in this event-loop pass, its panes' plots one per later pass
        (widgets.charts.items.PanePlots), the stack around them in a pass of its own."""
        from widgets.charts.items import PanePlots
        from widgets.charts.pane_spec import ALL_PANES
        from widgets.theme import theme_from_palette

        if self._charts is None and self._premade is None:
            self._premade = PanePlots(theme_from_palette(self.palette(), self.font()), ALL_PANES)

        def step() -> None:
            premade = self._premade
            if self._charts is None and premade is not None and premade.make_next():
                QTimer.singleShot(1, self, step)
                return
            _ = self.charts
            if then is not None:
                then()

        QTimer.singleShot(1, self, step)

    def prepare_preview(self, then: Callable[[], None] | None = None) -> None:
        """Build the (still hidden) preview now, while the load worker reads the cache."""
        if not self.has_result():
            self._preview_widget()
        if then is not None:
            then()

    def _preview_widget(self) -> PricePreview:
        if self.preview is None:
            from widgets.charts.preview import PricePreview

            self.preview = PricePreview(self)
            self.addWidget(self.preview)
        return self.preview

    def show_chart(self, chart: ChartInput, on_painted: Callable[[], None]) -> None:
        """An analysis' charts (kept from the last start) before its result is ready;
        `on_painted` is called once they are on screen."""
        self.show_result(chart)
        self.after_charts_painted(on_painted)

    def show_result(self, chart: ChartInput) -> None:
        """Draw an analysis' charts, unless they are the very drawing already shown."""
        shown = self._charts.chart() if self._charts is not None else None
        if not (chart.key and shown is not None and shown.key == chart.key):
            self.charts.show_chart(chart)
            self._unpainted = True
        self.setCurrentWidget(self.charts)
        self.loading.show_picture(None)  # the live charts replace it for good

    def after_charts_painted(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the chart stack's latest drawing has been painted (in the next
        pass when it is hidden, or already painted)."""
        if self.isVisible() and self.currentWidget() is self._charts and self._unpainted:
            self._paint_watch = FirstPaint(self.charts.graphics_view().viewport(), callback)
            self._unpainted = False
        else:
            QTimer.singleShot(0, self, callback)

    def show_empty(self, message: str) -> None:
        self.charts.clear(message)
        self.setCurrentWidget(self.charts)
        self.loading.show_picture(None)
