"""Table models: Qt's model tester on every table, formatting, colours, stable numeric sorting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from app.cache import InstrumentInfo
from app.provenance import PROVIDER, Origin, SourceSpan
from tests.widgets.result_factory import make_result
from widgets.tables import columns as cols
from widgets.tables import data_columns
from widgets.tables.models import (
    RAW_ROLE,
    SORT_ROLE,
    DataFrameModel,
    format_value,
    one_line,
    return_colors,
    sorting_proxy,
)

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def result():
    return make_result()


def _info(key: str, error: str = "", last: dt.date | None = dt.date(2024, 1, 5)) -> InstrumentInfo:
    return InstrumentInfo(
        key=key,
        source=key.split(":")[0],
        ticker=key.split(":")[-1],
        exchange="bitstamp" if key.startswith("ccxt") else "",
        currency="USD",
        timezone="",
        rows=1234,
        first_date=dt.date(2010, 1, 4),
        last_date=last,
        last_fetch=dt.datetime(2024, 1, 6, 12, 0, tzinfo=dt.UTC) if not error else None,
        last_error=error,
        last_error_kind="offline" if error else "",
    )


def _models(result) -> dict[str, DataFrameModel]:
    horizons = result.params.horizons
    breakouts = DataFrameModel(cols.breakout_columns(horizons))
    breakouts.set_frame(result.breakouts, cols.breakout_row_tips(result.breakouts, horizons))
    summary = DataFrameModel(cols.SUMMARY_COLUMNS)
    summary.set_frame(result.summary, cols.summary_verdicts(result))
    cycles = DataFrameModel(cols.CYCLE_COLUMNS)
    cycles.set_frame(result.cycles)
    infos = [_info("yahoo:^RUT"), _info("ccxt:bitstamp:BTC/USD", "No network", None)]
    data = DataFrameModel(data_columns.DATA_COLUMNS)
    data.set_frame(data_columns.instruments_frame(infos, 4))
    return {"breakouts": breakouts, "summary": summary, "cycles": cycles, "data": data}


@pytest.mark.parametrize("name", ["breakouts", "summary", "cycles", "data"])
def test_every_table_model_passes_qt_model_tester(qtmodeltester, result, name):
    model = _models(result)[name]
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(sorting_proxy(model), force_py=True)


def test_an_empty_model_passes_and_has_no_rows(qtmodeltester):
    model = DataFrameModel(cols.SUMMARY_COLUMNS)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 0
    assert model.columnCount() == len(cols.SUMMARY_COLUMNS)


def test_counts_are_zero_below_a_valid_parent(result):
    model = _models(result)["breakouts"]
    child_parent = model.index(0, 0)
    assert child_parent.isValid()
    assert model.rowCount(child_parent) == 0
    assert model.columnCount(child_parent) == 0


def test_returns_are_percentages_and_missing_values_are_empty():
    assert format_value(0.1234, "return") == "+12.3%"
    assert format_value(-0.05, "return") == "-5.0%"
    assert format_value(float("nan"), "return") == ""
    assert format_value(pd.NaT, "date") == ""
    assert format_value(None, "price") == ""
    assert format_value(2.5, "multiple") == "2.50×"
    assert format_value(pd.Timestamp("2020-11-13"), "date") == "2020-11-13"
    assert format_value(1.0, "flag") == "Yes"


def test_return_cells_are_coloured_by_sign_and_nan_cells_are_blank():
    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2020-01-01"] * 3), "fwd_30d": [0.2, -0.1, np.nan]}
    )
    model = DataFrameModel(cols.breakout_columns((30,)))
    model.set_frame(frame)
    column = [c.field for c in model.columns].index("fwd_30d")
    gain, loss = return_colors()
    fg = Qt.ItemDataRole.ForegroundRole
    assert model.index(0, column).data(fg) == gain
    assert model.index(1, column).data(fg) == loss
    assert model.index(2, column).data(fg) is None
    assert model.index(2, column).data() == ""


def test_gain_and_loss_colours_stay_readable_on_light_and_dark_backgrounds():
    for base in ("#ffffff", "#1e1f22"):
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        for colour in return_colors(palette):
            assert _contrast(colour, QColor(base)) >= 4.5, (base, colour.name())


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_proxy_sorts_numerically_and_keeps_equal_rows_in_source_order():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"]),
            "fwd_30d": [0.05, -0.30, 0.05, np.nan],
        }
    )
    model = DataFrameModel(cols.breakout_columns((30,)))
    model.set_frame(frame)
    proxy = sorting_proxy(model)
    column = [c.field for c in model.columns].index("fwd_30d")
    proxy.sort(column, Qt.SortOrder.DescendingOrder)
    dates = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert dates == ["2020-01-01", "2020-03-01", "2020-02-01", "2020-04-01"]
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    values = [proxy.index(r, column).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert values[0] == -math.inf and values[1:] == [-0.30, 0.05, 0.05]


def test_every_column_header_explains_itself(result):
    for model in _models(result).values():
        for section in range(model.columnCount()):
            tip = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            assert isinstance(tip, str) and len(tip) > 15
        assert model.headerData(99, Qt.Orientation.Horizontal) is None


def test_breakout_rows_carry_best_and_worst_in_their_tooltips(result):
    model = _models(result)["breakouts"]
    tips = [model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    assert any(t and "best" in t and "worst" in t for t in tips)


def test_raw_role_gives_the_unformatted_value(result):
    model = _models(result)["breakouts"]
    assert model.index(0, 0).data(RAW_ROLE) == result.breakouts["date"].iloc[0]
    assert model.index(0, 0).data(RAW_ROLE) is not None
    assert model.data(QModelIndex()) is None


def test_data_table_shows_state_errors_notes_and_never_fetched():
    empty = dataclasses.replace(_info("yahoo:BTC-USD"), rows=0, first_date=None, last_date=None)
    recorded = (
        SourceSpan(Origin.file("btc.csv"), dt.date(2010, 1, 4), dt.date(2023, 12, 31), 1200),
        SourceSpan(Origin(PROVIDER, "ccxt:bitstamp"), dt.date(2024, 1, 1), dt.date(2024, 1, 5), 5),
    )
    btc = dataclasses.replace(_info("ccxt:bitstamp:BTC/USD", "No network"), sources=recorded)
    infos = [
        _info("yahoo:^RUT", last=dt.date.today()),
        btc,
        empty,
        _info("yahoo:^GSPC", last=dt.date.today()),
    ]
    model = DataFrameModel(data_columns.DATA_COLUMNS)
    notes = {"yahoo:^RUT": ("history ended early",)}
    model.set_frame(data_columns.instruments_frame(infos, 4, notes, fetching={"yahoo:^GSPC"}))
    fields = [c.field for c in model.columns]
    rows = [{f: model.index(r, i).data() for i, f in enumerate(fields)} for r in range(4)]
    assert rows[1]["key"] == "ccxt:bitstamp:BTC/USD"
    assert rows[1]["source"] == "CSV file btc.csv to 2023-12-31, then Bitstamp via ccxt"
    assert rows[2]["source"] == "no bars yet (Yahoo Finance)"
    assert rows[1]["state"].startswith("stale (")
    assert rows[1]["last_fetch"] == "never"
    assert rows[1]["last_error"] == "No network"
    assert rows[1]["rows"] == "1,234"
    assert rows[0]["state"] == "fresh" and rows[0]["notes"] == "history ended early"
    assert rows[2]["state"] == "no data yet"  # not "stale": there is nothing to be old
    assert rows[3]["state"] == "downloading…"


def test_data_summary_counts_instruments_with_bars_and_names_the_empty_ones():
    from widgets.tables.data_tab import cache_summary

    empty = [
        dataclasses.replace(_info(k), rows=0, first_date=None, last_date=None)
        for k in ("yahoo:BTC-USD", "yahoo:^GSPC", "csv:mine")
    ]
    text = cache_summary([_info("yahoo:^RUT", last=dt.date.today()), *empty], 4)
    assert text.startswith("1 instrument with data; no data yet: yahoo:BTC-USD, yahoo:^GSPC")
    assert "4 instruments" not in text
    assert cache_summary([], 4).startswith("The cache is empty")


def test_small_sample_warning_names_the_rule(result):
    warning = cols.small_sample_warning(result)
    if int(result.summary["n_events"].min()) < cols.SMALL_SAMPLE:
        assert "Below 5 events" in warning
    else:
        assert warning == ""
    assert len(cols.summary_verdicts(result)) == len(result.params.horizons)


def _regime_breakouts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-11-13", "2011-04-27", "2025-09-18"]),
            "regime": ["bull", "", "bear"],
            "regime_start": pd.to_datetime(["2018-12-15", None, "2025-03-01"]),
            "regime_days": [699.0, np.nan, 201.0],
            "regime_return": [4.041, np.nan, -0.2],
            "regime_days_left": [360.0, np.nan, np.nan],
            "regime_running": [False, False, True],
        }
    )


def test_regime_at_breakout_reads_kind_days_and_return_and_when_it_ended():
    frame = _regime_breakouts()
    model = DataFrameModel(cols.breakout_columns((30,), bull_share=0.729))
    model.set_frame(cols.breakout_frame(frame), cols.breakout_row_tips(frame, (30,)))
    fields = [c.field for c in model.columns]
    regime, ended = fields.index("regime_at_breakout"), fields.index("regime_end")
    assert one_line(model.columns[regime].title) == "Regime at breakout"
    texts = [(model.index(r, regime).data(), model.index(r, ended).data()) for r in range(3)]
    assert texts == [
        ("bull, 699 d, +404%", "360 d later"),
        ("", ""),
        ("bear, 201 d, -20%", "running"),
    ]
    tips = [model.index(r, regime).data(Qt.ItemDataRole.ToolTipRole) for r in range(3)]
    assert tips[0] == (
        "Follower: bull phase since 2018-12-15 (699 d, +404%); ended 2021-11-08, 360 d later"
    )
    assert not tips[1] and tips[2].endswith("still running")
    header = model.headerData(regime, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "bull phase on 73% of its days" in header  # the base rate beside the column


def test_breakout_frame_without_regime_columns_leaves_the_cells_empty():
    frame = cols.breakout_frame(pd.DataFrame({"date": pd.to_datetime(["2020-01-01"])}))
    assert frame["regime_at_breakout"].tolist() == [""] and frame["regime_end"].tolist() == [""]
    assert cols.bull_share_note(float("nan")) == ""


def test_the_cycles_last_column_is_titled_with_the_current_cycles_age():
    result = make_result()
    last_day = result.follower.index[-1]
    columns = cols.cycle_columns(result.cycles, last_day)
    age = (last_day - result.cycles["halving_date"].iloc[-1]).days
    assert columns[-1].title == f"At day\n{age:,}" and f"{age:,} days" in columns[-1].tooltip
    assert cols.cycle_columns(result.cycles.iloc[0:0], last_day) == cols.CYCLE_COLUMNS


def test_a_sorted_two_line_title_keeps_its_room_beside_the_arrow(qtbot):
    # The header keeps only the room the style draws the arrow in (see SortArrowHeader).
    from PySide6.QtWidgets import QStyle, QWidget

    from widgets.tables.tabs import make_table

    host = QWidget()
    qtbot.addWidget(host)
    model = DataFrameModel(cols.CYCLE_COLUMNS, host)
    view = make_table(model, host, "cycles")
    model.set_frame(make_result().cycles)
    host.resize(900, 200)
    host.show()
    header = view.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for column in range(model.columnCount()):
        view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        label = header.sectionSize(column) - 4 * margin - header.height() // 2
        lines = model.headerData(column, Qt.Orientation.Horizontal).split("\n")
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in lines)
        assert widest <= label, (lines, widest, label)


def test_clicking_a_title_sorts_the_rows_and_again_reverses_them(qtbot):
    # The header made for the sort arrow's room was not clickable: clicks sorted nothing.
    from PySide6.QtWidgets import QWidget

    from widgets.tables.tabs import make_table

    host = QWidget()
    qtbot.addWidget(host)
    result = make_result()
    model = DataFrameModel(cols.CYCLE_COLUMNS, host)
    view = make_table(model, host, "cycles")
    model.set_frame(result.cycles)
    host.resize(900, 300)
    host.show()
    qtbot.waitExposed(host)
    header = view.horizontalHeader()
    column = next(i for i, c in enumerate(cols.CYCLE_COLUMNS) if c.kind != "text")
    assert model.rowCount() >= 2

    def shown() -> list[float]:
        proxy = view.model()
        return [proxy.index(r, column).data(SORT_ROLE) for r in range(proxy.rowCount())]

    def click() -> None:
        middle = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, 5))

    click()
    assert header.sortIndicatorSection() == column
    first = shown()
    assert first == sorted(first)
    click()
    assert shown() == sorted(first, reverse=True)
