"""The `report` command's pictures: charts.png (the whole stack, all dates) and cycles.png.

Works headless: an offscreen QApplication is created if none is running. Both charts make
their own off-screen copies (widgets.charts.stack, widgets.charts.cycles); this module only
chooses what they show and names the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.bars import EPOCH_DAY_SECONDS
from app.chart_input import chart_input, cycles_market
from widgets.charts.cycles import CyclesChart
from widgets.charts.image_export import caption_text, dispose, ensure_app, result_range
from widgets.charts.pane_spec import ALL_PANES
from widgets.charts.stack import ChartState, render_state_png
from widgets.theme import theme_from_palette

if TYPE_CHECKING:
    from app.analysis import AnalysisResult
    from app.provenance import Sources


def render_report_pngs(
    result: AnalysisResult, out_dir: Path, sources: Sources, width: int = 1920
) -> list[Path]:
    """Write charts.png and cycles.png into `out_dir`; returns their paths."""
    ensure_app()
    out_dir = Path(out_dir)
    drawing = chart_input(result)
    bounds = drawing.x_bounds()
    if bounds is None:
        raise ValueError("the analysis has no prices to draw")
    state = ChartState(drawing, True, False, _padded(bounds), None)
    first, last = result_range(drawing)
    caption = caption_text(result, first, last, sources)
    theme = theme_from_palette()
    charts = render_state_png(state, out_dir / "charts.png", width, caption, ALL_PANES, theme)
    chart = CyclesChart(theme=theme)
    try:
        chart.set_result(result)
        cycles_caption = f"{_cycles_title(result)} · {caption}"
        cycles = chart.export_png(out_dir / "cycles.png", width, cycles_caption)
    finally:
        dispose(chart)
    return [charts, cycles]


def _padded(bounds: tuple[float, float]) -> tuple[float, float]:
    span = bounds[1] - bounds[0]
    return bounds[0] - span * 0.01, bounds[1] + span * 0.01 + EPOCH_DAY_SECONDS


def _cycles_title(result: AnalysisResult) -> str:
    return f"{cycles_market(result)[0]} halving cycles, price ÷ halving-day price"
