"""A crosshair through every linked pane, and the readout of the values under it.

The vertical line follows the mouse in all panes at once; the horizontal line appears only in
the pane under the mouse. Values come from the data (the last point at or before the cursor's
date), never from view coordinates, so log mode cannot leak log10 numbers into the readout; the
cursor's own height is converted back with `real_y`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QPointF, Qt, Signal

from widgets.charts.pg import pg
from widgets.theme import Theme


class Crosshair(QObject):
    """Crosshair lines in several plots sharing one X axis.

    Signals:
        moved(float, int, float): chart X, index of the pane under the mouse, and the
            cursor's view Y in that pane (log10 in log mode).
        left(): the mouse left the plots.
    """

    moved = Signal(float, int, float)
    left = Signal()

    def __init__(self, plots: Sequence[pg.PlotItem], theme: Theme) -> None:
        super().__init__()
        self._plots = list(plots)
        self._vlines = [self._line(90) for _ in self._plots]
        self._hlines = [self._line(0) for _ in self._plots]
        self._scene_pos: QPointF | None = None  # where the mouse was last seen over the panes
        self.set_theme(theme)
        self.attach()

    def set_theme(self, theme: Theme) -> None:
        """Line colour and width from the theme."""
        pen = pg.mkPen(theme.crosshair, width=theme.thin_width, style=Qt.PenStyle.DashLine)
        for line in (*self._vlines, *self._hlines):
            line.setPen(pen)

    @staticmethod
    def _line(angle: float) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=angle, movable=False)
        line.setZValue(100)
        line.setVisible(False)
        return line

    def attach(self) -> None:
        """(Re)add the lines to their plots, e.g. after the plots were cleared."""
        for plot, vline, hline in zip(self._plots, self._vlines, self._hlines, strict=True):
            for line in (vline, hline):
                if line not in plot.items:
                    plot.addItem(line, ignoreBounds=True)

    def connect_scene(self, scene, enabled: Callable[[], bool]) -> None:
        """Follow mouse moves in `scene` while `enabled()` is true."""

        def on_move(pos: QPointF) -> None:
            if enabled():
                self.follow_scene_point(pos)

        scene.sigMouseMoved.connect(on_move)

    def follow_scene_point(self, pos: QPointF) -> bool:
        """Move the crosshair to a scene point; False (and hidden) if it is outside every pane."""
        self._scene_pos = QPointF(pos)
        for index, plot in enumerate(self._plots):
            view_box = plot.vb
            if plot.isVisible() and view_box.sceneBoundingRect().contains(pos):
                point = view_box.mapSceneToView(pos)
                self.show_at(point.x(), index, point.y())
                return True
        self.hide()
        return False

    def show_at(self, x: float, pane: int, y: float) -> None:
        """Place the crosshair at chart X, with the horizontal line at view Y in `pane`."""
        for index, (vline, hline) in enumerate(zip(self._vlines, self._hlines, strict=True)):
            vline.setPos(x)
            vline.setVisible(True)
            hline.setVisible(index == pane)
            if index == pane:
                hline.setPos(y)
        self.moved.emit(x, pane, y)

    def follow_view_change(self) -> None:
        """After the view moved under a resting mouse (keys, a Signals row, a resize): put the
        crosshair on the date now under the mouse, so lines and readout never show the old one;
        hide it when the mouse is no longer over a pane."""
        if self.position() is None:
            return
        if self._scene_pos is None:
            self.hide()
        else:
            self.follow_scene_point(self._scene_pos)

    def hide(self) -> None:
        """Hide every line (the mouse left the charts)."""
        self._scene_pos = None
        for line in (*self._vlines, *self._hlines):
            line.setVisible(False)
        self.left.emit()

    def position(self) -> float | None:
        """Chart X of the crosshair, or None while it is hidden."""
        if not self._vlines or not self._vlines[0].isVisible():
            return None
        return float(self._vlines[0].value())
