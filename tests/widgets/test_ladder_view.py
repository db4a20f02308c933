"""The Ladder tab: scans in a worker, the rung table and the pair matrix, a click charts a pair."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from app.cache import Cache
from app.settings_file import load_settings
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from tests.widgets.result_factory import FOLLOWER_KEY, LEADER_KEY, bars, leader_closes
from widgets.ladder_view import SCAN, scan_inputs
from widgets.main_window import MainWindow
from widgets.tables.ladder_models import PAIR_ROLE
from widgets.theme import verdict_look

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
SAFEST = "yahoo:^GSPC"
LADDER = (SAFEST, LEADER_KEY, FOLLOWER_KEY)


def fill_ladder(paths) -> None:
    import pandas as pd

    fill_cache(paths)
    days = pd.bdate_range("2009-01-02", periods=3000)
    with Cache.open(paths.database) as cache:
        cache.store_bars(SAFEST, bars(days, leader_closes(len(days), seed=3)))


def open_scanned(qtbot, paths, **changes) -> MainWindow:
    settings = save(paths, fast_settings(ladder=LADDER, **changes))
    window = MainWindow(paths, settings, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.ladder_tab)
    with qtbot.waitSignals([window.drawn, window.ladder_view.scanned], timeout=30_000):
        window.start(refresh=False)
    return window


@pytest.fixture
def window(qtbot, paths):
    fill_ladder(paths)
    return open_scanned(qtbot, paths)


def test_the_scan_fills_one_row_per_rung_and_the_matrix_below_the_diagonal(window):
    tab = window.ladder_tab
    assert tab.rung_model.rowCount() == 3
    assert [tab.rung_model.rung(r).key for r in range(3)] == list(LADDER)
    assert tab.rung_model.index(0, 1).data()  # a last close
    matrix = tab.matrix_model
    # Leaders S&P 500 and Russell 2000 (Bitcoin leads nothing); followers Russell and Bitcoin.
    assert (matrix.rowCount(), matrix.columnCount()) == (2, 2)
    assert matrix.index(0, 0).data(PAIR_ROLE) == (SAFEST, LEADER_KEY)
    assert matrix.index(1, 0).data(PAIR_ROLE) is None  # Russell 2000 never follows itself
    assert not matrix.flags(matrix.index(1, 0)) & Qt.ItemFlag.ItemIsEnabled
    cell = matrix.cell(1, 1)
    assert cell is not None and cell.horizon == window.settings.headline_horizon
    assert cell.verdict in matrix.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert matrix.index(1, 1).data().splitlines()[1].startswith(f"{cell.n_events} event")


def test_quiet_verdicts_have_no_tint_and_muted_text(window):
    quiet, strong = verdict_look("too_few"), verdict_look("unusually_strong")
    assert quiet.background is None and quiet.quiet
    text = window.palette().text().color()
    assert quiet.foreground != text and strong.foreground == text
    assert strong.background is not None


def test_ladder_models_pass_the_qt_model_tester(window, qtmodeltester):
    tab = window.ladder_tab
    qtmodeltester.check(tab.rung_model, force_py=True)
    qtmodeltester.check(tab.matrix_model, force_py=True)


def test_clicking_a_matrix_cell_makes_it_the_charted_pair(qtbot, window, paths):
    matrix = window.ladder_tab.matrix
    index = window.ladder_tab.matrix_model.index_of(SAFEST, FOLLOWER_KEY)
    assert index.isValid()
    centre = matrix.visualRect(index).center()
    with qtbot.waitSignal(window.drawn, timeout=30_000):
        qtbot.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert (window.settings.leader, window.settings.follower) == (SAFEST, FOLLOWER_KEY)
    assert window.session.result.leader_key == SAFEST
    saved = load_settings(paths.config).settings
    assert (saved.leader, saved.follower) == (SAFEST, FOLLOWER_KEY)
    assert window.windowTitle().startswith("S&P 500")
    assert index.data(Qt.ItemDataRole.FontRole).bold()  # the charted pair's cell is marked


def test_another_horizon_rescans_the_matrix_at_it(qtbot, window):
    tab = window.ladder_tab
    assert tab.horizon.count() == len(window.settings.horizons)
    with qtbot.waitSignal(window.ladder_view.scanned, timeout=30_000) as scanned:
        tab.horizon.setCurrentIndex(tab.horizon.findData(30))
        tab.horizon.activated.emit(tab.horizon.currentIndex())
    assert scanned.args[0].horizon == 30
    assert tab.matrix_model.cell(1, 1).horizon == 30


def test_a_new_ladder_rescans_and_a_download_setting_does_not(qtbot, window):
    with qtbot.waitSignal(window.ladder_view.scanned, timeout=30_000) as scanned:
        window.apply_settings(window.settings.with_changes(ladder=(LEADER_KEY, FOLLOWER_KEY)))
    assert scanned.args[0].keys == (LEADER_KEY, FOLLOWER_KEY)
    assert window.ladder_tab.rung_model.rowCount() == 2
    with qtbot.assertNotEmitted(window.ladder_view.scanned, wait=300):
        window.apply_settings(window.settings.with_changes(fetch_timeout_s=30.0))


def test_an_analysis_change_rescans_only_after_the_charts_are_redrawn(qtbot, window):
    """The scan's worker would share the GIL with the reanalysis and the drawing."""
    order: list[str] = []
    filled = window._tabs_filled  # the last step of drawing a result; it emits `drawn`
    window._tabs_filled = lambda selected: (order.append("drawn"), filled(selected))
    started = window.session.pool.run

    def run(name, *args, **kwargs):
        order.append(name)
        return started(name, *args, **kwargs)

    window.session.pool.run = run
    with qtbot.waitSignal(window.ladder_view.scanned, timeout=30_000) as scanned:
        window.apply_settings(window.settings.with_changes(min_gap_days=300))
    assert order.index("drawn") < order.index(SCAN) and scanned.args[0] is not None


def test_scan_inputs_ignore_what_a_scan_never_reads():
    base = fast_settings()
    assert scan_inputs(base) == scan_inputs(base.with_changes(leader=SAFEST, alert_kinds=()))
    assert scan_inputs(base) != scan_inputs(base.with_changes(min_gap_days=200))
    assert scan_inputs(base) != scan_inputs(base.with_instrument(SAFEST, bull_threshold=0.4))


@pytest.mark.parametrize("size", [(1024, 700), (1280, 860)])
def test_the_rung_table_fits_its_rows_when_the_tab_is_opened_later(qtbot, paths, size):
    # Scanned while another tab was shown, the table kept a height of its own: a scroll bar
    # for three rows at 1024×700, the Data column cut, the matrix squeezed.
    fill_ladder(paths)
    window = MainWindow(paths, save(paths, fast_settings(ladder=LADDER)), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    with qtbot.waitSignals([window.drawn, window.ladder_view.scanned], timeout=30_000):
        window.start(refresh=False)
    window.tabs.setCurrentWidget(window.ladder_tab)
    qtbot.wait(50)
    rungs = window.ladder_tab.rungs
    assert not rungs.verticalScrollBar().isVisible()
    last = rungs.visualRect(rungs.model().index(rungs.model().rowCount() - 1, 0))
    assert rungs.viewport().rect().contains(last)
    assert rungs.viewport().height() - last.bottom() <= last.height()  # no empty rows' worth
    data = rungs.model().columnCount() - 1
    header = rungs.horizontalHeader()
    right = header.sectionViewportPosition(data) + header.sectionSize(data)
    assert right <= rungs.viewport().width()
    text = rungs.model().index(0, data).data()
    assert rungs.fontMetrics().horizontalAdvance(text) <= header.sectionSize(data)


def test_a_narrow_matrix_wraps_its_numbers_between_parts_and_copies_plain_spaces(qtbot, paths):
    # At 1024×700 the bold charted cell's one line of numbers was cut ("adj. p 0.0…").
    from app.ladder.output import breaking_between_parts

    fill_ladder(paths)
    window = open_scanned(qtbot, paths)
    window.resize(960, 700)
    qtbot.wait(50)
    view, model = window.ladder_tab.matrix, window.ladder_tab.matrix_model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = model.index(row, column).data()
            if not text:
                continue
            assert "\u00a0" not in text  # what Ctrl+C copies
            lines = breaking_between_parts(text).split("\n")
            option_font = model.index(row, column).data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(option_font or view.font())
            width = view.columnWidth(column) - 16  # the delegate's padding
            box = metrics.boundingRect(
                QRect(0, 0, width, 1000), int(Qt.TextFlag.TextWordWrap), "\n".join(lines)
            )
            assert box.width() <= width  # wrapped, not elided
            assert view.rowHeight(row) >= box.height()  # the row is tall enough for it


def test_breaking_between_parts_keeps_each_part_whole():
    from app.ladder.output import breaking_between_parts

    text = "5 events · geo mean +186.7% vs era base +34.3% · adj. p 0.066"
    parts = breaking_between_parts(text).split(" · ")
    assert [p.replace("\u00a0", " ") for p in parts] == text.split(" · ")
    assert all(" " not in p for p in parts)
