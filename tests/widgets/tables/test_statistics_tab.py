"""The Statistics tab: verdicts first, only the columns the result has, correlation by year and
the lead-lag chart with both bands; the Signals tab's era ranks when the result has them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.signals.correlation import lead_lag_note
from tests.widgets.gui_helpers import OFFSCREEN_NOISE
from tests.widgets.result_factory import make_result
from widgets.tables.copying import table_cells
from widgets.tables.models import one_line
from widgets.tables.statistics_tab import StatisticsTab
from widgets.tables.tabs import SignalsTab
from widgets.tables.verdict_lines import conclusion_words, without_lead

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture(scope="module")
def result():
    return make_result()


def _titles(model) -> list[str]:
    horizontal = Qt.Orientation.Horizontal
    return [one_line(model.headerData(c, horizontal)) for c in range(model.columnCount())]


def _tab(qtbot, result, size=(1024, 700)) -> StatisticsTab:
    tab = StatisticsTab()
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_result(result)
    return tab


def test_verdicts_lead_the_tab(qtbot, result):
    tab = _tab(qtbot, result)
    assert len(tab.verdicts.sentences()) == len(result.params.horizons)
    assert tab.verdicts.geometry().top() < tab.table.geometry().top()
    assert tab.verdicts.font().pointSizeF() > tab.table.font().pointSizeF()


def test_each_verdict_is_one_line_led_by_its_conclusion(qtbot, result):
    tab = _tab(qtbot, result, size=(700, 500))
    summary = result.summary
    for (horizon, conclusion, sentence), row in zip(
        tab.verdicts.rows, summary.itertuples(), strict=True
    ):
        assert horizon.text() == f"{row.horizon} days"
        assert conclusion.text() == conclusion_words(row.verdict_kind, row.n_events)
        assert sentence.full_text() == without_lead(row.verdict, row.horizon)
        assert sentence.toolTip() == conclusion.toolTip() == sentence.full_text()
        assert sentence.fontMetrics().horizontalAdvance(sentence.text()) <= sentence.width()
    assert any(sentence.is_elided() for _h, _c, sentence in tab.verdicts.rows)


def test_columns_the_summary_lacks_are_not_shown(qtbot, result):
    summary = result.summary.drop(columns=["base_median"])
    new = ("geo_mean", "p_adjusted", "ci_low", "ci_high", "fragile_event")
    lacking = [c for c in new if c in summary.columns]
    summary = summary.drop(columns=lacking)
    tab = _tab(qtbot, dataclasses.replace(result, summary=summary))
    titles = _titles(tab.model)
    assert "Base median" not in titles and "Base mean" in titles
    for absent in ("Geo. mean", "p (Holm)", "95% interval", "Rests on"):
        assert absent not in titles


def test_the_new_summary_columns_show_with_their_tooltips(qtbot, result):
    summary = result.summary.copy()
    n = len(summary)
    summary["geo_mean"] = 0.25
    summary["era_base_geo_mean"] = 0.05
    summary["p_adjusted"] = 0.04
    summary["p_leave_one_out_max"] = 0.3
    summary["fragile_event"] = result.breakouts["date"].iloc[0]
    summary["ci_low"] = 0.67
    summary["ci_high"] = 3.07
    summary.loc[n - 1, ["ci_low", "ci_high"]] = np.nan
    tab = _tab(qtbot, dataclasses.replace(result, summary=summary))
    titles = _titles(tab.model)
    for title in ("Geo. mean", "Era base", "p (Holm)", "Worst leave-one-out p", "Rests on"):
        assert title in titles
        tip = tab.model.headerData(
            titles.index(title), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
        assert tip and tip.count(". ") == 0 and len(tip) > 30  # one sentence
    ci = titles.index("95% interval")
    assert tab.model.index(0, ci).data() == "×0.67 to ×3.07"
    assert tab.model.index(n - 1, ci).data() == ""
    assert tab.model.index(0, titles.index("p (Holm)")).data() == "0.040"
    assert tab.model.index(0, titles.index("Geo. mean")).data() == "+25.0%"


def test_correlation_by_year_and_the_lead_lag_scan(qtbot, result):
    tab = _tab(qtbot, result)
    section = tab.correlation
    by_year = result.correlation_by_year
    assert section.model.rowCount() == len(by_year)
    last = section.model.rowCount() - 1
    assert section.model.index(last, 0).data() == "all"
    expected = f"{by_year['corr'].iloc[-1]:+.2f}"
    assert section.model.index(last, 1).data() == expected
    assert section.note.text() == lead_lag_note(result.lead_lag)
    bars = section.chart.bars
    assert bars is not None and len(bars.opts["x"]) == len(result.lead_lag)
    assert section.table.width() <= 320  # compact: the chart keeps the rest of the row


def test_lead_lag_bars_are_coloured_by_the_band_they_clear(qtbot, result):
    table = result.lead_lag.copy()
    table["corr"] = 0.0
    table.loc[0, "corr"] = 2 * table.loc[0, "band_corrected"]  # clears both bands
    table.loc[1, "corr"] = (table.loc[1, "band"] + table.loc[1, "band_corrected"]) / 2
    table["clears_corrected"] = table["corr"].abs() > table["band_corrected"]
    tab = _tab(qtbot, dataclasses.replace(result, lead_lag=table))
    chart = tab.correlation.chart
    strong, pale, inside = chart.colours()
    brushes = chart.bars.opts["brushes"]
    assert brushes[0] == strong and brushes[1] == pale and set(brushes[2:]) == {inside}
    assert "-12 weeks" in tab.correlation.note.text()


def test_an_empty_lead_lag_scan_says_so(qtbot, result):
    table = result.lead_lag.copy()
    table["corr"] = np.nan
    tab = _tab(qtbot, dataclasses.replace(result, lead_lag=table))
    assert tab.correlation.chart.bars is None
    assert tab.correlation.note.text().startswith("Lead-lag: too few common weeks")


def test_signals_show_era_ranks_only_when_the_result_has_them(qtbot, result):
    tab = SignalsTab()
    qtbot.addWidget(tab)
    era = [c for c in result.breakouts.columns if c.startswith("era_pct_")]
    tab.show_result(dataclasses.replace(result, breakouts=result.breakouts.drop(columns=era)))
    assert not any(t.startswith("Era rank") for t in _titles(tab.model))
    breakouts = result.breakouts.drop(columns=era)
    breakouts["era_pct_90d"] = 0.9
    tab.show_result(dataclasses.replace(result, breakouts=breakouts))
    titles = _titles(tab.model)
    assert "Era rank 90 d" in titles and "Era rank 30 d" not in titles
    assert tab.model.index(0, titles.index("Era rank 90 d")).data() == "90.0%"


def test_two_line_headers_copy_as_one_line_titles(qtbot, result):
    # Headers break in two to keep the table within the window; copied text keeps one line.
    tab = _tab(qtbot, result)
    horizontal = Qt.Orientation.Horizontal
    shown = [tab.model.headerData(c, horizontal) for c in range(tab.model.columnCount())]
    assert "Base\nmedian" in shown and "Worst leave-\none-out p" in shown
    header = table_cells(tab.table)[0]
    assert "Base median" in header and "Worst leave-one-out p" in header
    assert not any("\n" in title for title in header)
