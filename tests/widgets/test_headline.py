"""The headline answer above the charts: the verdict for the chosen horizon, remembered, new on
every result, elided with its whole text in the tooltip."""

from __future__ import annotations

import pytest

from app.settings_file import load_settings
from tests.widgets.gui_helpers import OFFSCREEN_NOISE, fast_settings, fill_cache, save
from tests.widgets.result_factory import make_result
from widgets.headline import NO_ANSWER, HeadlineBar, headline_conclusion, headline_text
from widgets.jobs import tasks
from widgets.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture(scope="module")
def result():
    return make_result()


def _verdict(result, horizon: int) -> str:
    return str(result.summary.loc[result.summary["horizon"] == horizon, "verdict"].iloc[0])


def test_headline_text_is_the_verdict_without_its_horizon(result):
    text = headline_text(result, 90)
    assert _verdict(result, 90).endswith(text[1:])
    assert text[0].isupper() and not text.startswith("90 days")
    assert headline_text(result, 45) == NO_ANSWER
    assert headline_text(None, 90) == NO_ANSWER


def test_the_bar_shows_the_chosen_horizon_and_remembers_a_pick(qtbot, result):
    picked: list[int] = []
    bar = HeadlineBar(picked.append)
    qtbot.addWidget(bar)
    bar.resize(1600, 40)
    bar.show()
    bar.show_result(result, 90)
    assert [bar.horizon.itemText(i) for i in range(bar.horizon.count())] == [
        "30 days",
        "90 days",
        "180 days",
        "365 days",
    ]
    assert bar.current_horizon() == 90 and bar.verdict.full_text() == headline_text(result, 90)
    assert picked == []  # filling the list is not a choice
    bar.horizon.setCurrentIndex(0)
    bar.horizon.activated.emit(0)
    assert picked == [30] and bar.verdict.full_text() == headline_text(result, 30)
    bar.show_result(result, 365)
    assert bar.current_horizon() == 365
    bar.show_result(result, 45)  # not one of the horizons: the result's own headline horizon
    assert bar.current_horizon() == result.params.headline_horizon


def test_a_long_verdict_is_elided_with_all_of_it_in_the_tooltip(qtbot, result):
    bar = HeadlineBar(lambda _h: None)
    qtbot.addWidget(bar)
    bar.resize(500, 40)
    bar.show()
    qtbot.waitExposed(bar)
    bar.show_result(result, 90)
    full = headline_text(result, 90)
    assert bar.verdict.is_elided() and bar.verdict.text().endswith("…")
    assert bar.verdict.toolTip() == full
    assert bar.verdict.width() <= bar.width()
    bar.resize(3000, 40)
    qtbot.waitUntil(lambda: not bar.verdict.is_elided())
    assert bar.verdict.text() == full


def test_the_conclusion_leads_the_line_and_stays_whole_when_the_sentence_is_elided(qtbot, result):
    # The sentence ends with its conclusion: elided, it would lose the very answer it gives.
    bar = HeadlineBar(lambda _h: None)
    qtbot.addWidget(bar)
    bar.resize(520, 40)
    bar.show()
    qtbot.waitExposed(bar)
    bar.show_result(result, 90)
    n_events = int(result.summary.loc[result.summary["horizon"] == 90, "n_events"].iloc[0])
    events = "1 event" if n_events == 1 else f"{n_events} events"
    assert bar.conclusion.text() == f"Too few · {events}"
    assert bar.conclusion.text() == headline_conclusion(result, 90)
    assert bar.verdict.is_elided()
    shown = bar.conclusion.geometry()
    assert shown.width() >= bar.conclusion.sizeHint().width()  # never cut
    assert shown.right() < bar.verdict.geometry().left()  # before the sentence, not over it
    assert bar.rect().contains(shown)
    assert headline_conclusion(result, 45) == "" and headline_conclusion(None, 90) == ""


def _open(qtbot, paths) -> MainWindow:
    window = MainWindow(paths, load_settings(paths.config).settings, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.start(refresh=False)
    return window


def test_the_window_shows_the_headline_remembers_the_pick_and_follows_new_results(
    qtbot, paths, monkeypatch
):
    fill_cache(paths)
    save(paths, fast_settings())
    window = _open(qtbot, paths)
    bar = window.headline
    assert bar.isVisible() and bar.current_horizon() == 90
    assert bar.verdict.full_text() == headline_text(window.session.result, 90)
    assert bar.geometry().bottom() < window.chart_area.geometry().top()  # above the charts

    def forbidden(*args, **kwargs):
        raise AssertionError("picking the headline horizon must not re-run the analysis")

    monkeypatch.setattr(tasks, "reanalyse", forbidden)
    index = bar.horizon.findData(30)
    bar.horizon.setCurrentIndex(index)
    bar.horizon.activated.emit(index)
    assert window.settings.headline_horizon == 30
    assert load_settings(paths.config).settings.headline_horizon == 30
    assert bar.verdict.full_text() == headline_text(window.session.result, 30)
    monkeypatch.undo()

    new = window.settings.with_changes(min_gap_days=120, horizons=(30, 60))
    with qtbot.waitSignal(window.drawn, timeout=20_000):
        window.apply_settings(new)
    result = window.session.result
    assert result.params.min_gap_days == 120
    assert [bar.horizon.itemData(i) for i in range(bar.horizon.count())] == [30, 60]
    assert bar.current_horizon() == 30
    assert bar.verdict.full_text() == headline_text(result, 30)
    window.close()

    again = _open(qtbot, paths)
    assert again.headline.current_horizon() == 30  # remembered across runs


def test_no_result_no_headline(qtbot, paths):
    save(paths, fast_settings())
    window = _open(qtbot, paths)
    assert window.session.result is None and not window.headline.isVisible()
