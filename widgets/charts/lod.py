"""Levels of detail for long price series: pan and zoom cost the same at any number of bars.

pyqtgraph's own peak downsampling runs over every visible point on every frame, so a frame of
a million-bar view costs milliseconds per curve before anything is drawn. Here each series is
peak-decimated once, into levels each about 4× smaller (every block keeps its lowest and highest
value, so no spike is lost); a frame picks the coarsest level that still has two points per
pixel, slices the visible part and decimates that slice to one low/high pair per pixel column.
The same slice gives the visible low and high for the Y fit, exactly, without scanning the data.
"""

from __future__ import annotations

import numpy as np

BLOCK = 8  # points per block of the next level (2 kept per block: levels shrink 4×)
MIN_LEVEL_POINTS = 4096


def peak_decimate(xs: np.ndarray, ys: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Each run of `block` points becomes its low and high, in time order (x of the run start).

    A last, partial run is kept whole so the series still ends on its last point.
    """
    n = (xs.size // block) * block
    if n == 0:
        return xs.copy(), ys.copy()
    x_blocks = xs[:n].reshape(-1, block)
    y_blocks = ys[:n].reshape(-1, block)
    lo_at = y_blocks.argmin(axis=1)
    hi_at = y_blocks.argmax(axis=1)
    rows = np.arange(y_blocks.shape[0])
    first = np.minimum(lo_at, hi_at)
    second = np.maximum(lo_at, hi_at)
    out_x = np.empty(2 * rows.size)
    out_y = np.empty(2 * rows.size)
    out_x[0::2], out_x[1::2] = x_blocks[rows, first], x_blocks[rows, second]
    out_y[0::2], out_y[1::2] = y_blocks[rows, first], y_blocks[rows, second]
    return np.concatenate([out_x, xs[n:]]), np.concatenate([out_y, ys[n:]])


class LodSeries:
    """A sorted (x, y) series with its peak-decimated levels, for drawing at any zoom."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray) -> None:
        self.levels = [(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))]
        while self.levels[-1][0].size > MIN_LEVEL_POINTS:
            self.levels.append(peak_decimate(*self.levels[-1], BLOCK))

    @property
    def xs(self) -> np.ndarray:
        return self.levels[0][0]

    @property
    def ys(self) -> np.ndarray:
        return self.levels[0][1]

    def view(self, x0: float, x1: float, pixels: int) -> tuple[np.ndarray, np.ndarray]:
        """The points to draw for the X range [x0, x1]: a low/high pair per `pixels` column.

        One point beyond each edge is included so the line runs to the border of the pane.
        """
        pixels = max(int(pixels), 16)
        chosen = self.levels[0]
        first, last = _visible(chosen[0], x0, x1)
        for level in self.levels[1:]:
            lo, hi = _visible(level[0], x0, x1)
            if hi - lo < 2 * pixels:
                break
            chosen, first, last = level, lo, hi
        xs, ys = chosen[0][first:last], chosen[1][first:last]
        block = -(-xs.size // pixels)  # ceil: at most `pixels` low/high pairs
        if block >= 2:
            xs, ys = peak_decimate(xs, ys, block)
        return xs, ys


def _visible(xs: np.ndarray, x0: float, x1: float) -> tuple[int, int]:
    """Index range covering [x0, x1] plus one point on each side."""
    first = max(int(np.searchsorted(xs, x0, "left")) - 1, 0)
    last = min(int(np.searchsorted(xs, x1, "right")) + 1, xs.size)
    return first, last


def visible_bounds(
    xs: np.ndarray, ys: np.ndarray, x0: float, x1: float
) -> tuple[float, float] | None:
    """Lowest and highest y with x inside [x0, x1] (None when no point is inside)."""
    first = int(np.searchsorted(xs, x0, "left"))
    last = int(np.searchsorted(xs, x1, "right"))
    if last <= first:
        return None
    part = ys[first:last]
    return float(part.min()), float(part.max())


class LodCurve:
    """A PlotDataItem fed from a LodSeries: call `update` whenever the visible dates change.

    `scale` multiplies the values as drawn (compare mode rebases with it); the readout and
    `full()` keep using the undecimated data.
    """

    FULL_DATA_LIMIT = 20_000  # below this, the first frame simply gets every point

    def __init__(self, item, xs: np.ndarray, ys: np.ndarray) -> None:
        self.item = item
        self.series = LodSeries(xs, ys)
        self.scale = 1.0
        first = self.series.levels[0] if xs.size <= self.FULL_DATA_LIMIT else self.series.levels[-1]
        self._drawn = first
        item.setData(*first)

    def update(self, x0: float, x1: float, columns: int) -> None:
        """Draw the points for this view: a low/high pair per column, spikes kept."""
        xs, ys = self.series.view(x0, x1, columns)
        if self.scale != 1.0:
            ys = ys * self.scale
        self._drawn = (xs, ys)
        self.item.setData(xs, ys)

    def visible_y_range(self, x0: float, x1: float) -> tuple[float, float] | None:
        """Lowest and highest drawn value inside [x0, x1] (None if hidden or nothing inside)."""
        if not self.item.isVisible():
            return None
        return visible_bounds(self._drawn[0], self._drawn[1], x0, x1)

    def full(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point, with the current scale applied."""
        return self.series.xs, self.series.ys * self.scale
