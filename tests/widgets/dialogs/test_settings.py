"""Settings dialog: a message at every field for invalid input (CLI wording), OK only when valid."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.config import SETTING, Settings
from app.errors import SettingsError
from tests.widgets.gui_helpers import OFFSCREEN_NOISE
from widgets.dialogs import settings_values as sv
from widgets.dialogs.instrument_editor import InstrumentEditor, compose_key, split_key
from widgets.dialogs.settings import SettingsDialog

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


@pytest.fixture
def dialog(qtbot):
    widget = SettingsDialog(Settings())
    qtbot.addWidget(widget)
    return widget


def _set_text(dialog: SettingsDialog, name: str, text: str) -> None:
    editor = dialog.editor(name)
    assert isinstance(editor, QLineEdit)
    editor.setText(text)


def _rule_reason(name: str, value: object) -> str:
    with pytest.raises(SettingsError) as caught:
        sv.FIELDS[name].row.check(value, name)
    return caught.value.reason


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def test_refresh_every_says_never_for_zero_and_accepts_it(dialog):
    # It once showed "Refresh every (hours) 0", the meaning of 0 only in the tooltip.
    editor = dialog.editor("refresh_hours")
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "Never" and editor.placeholderText() == "Never"
    editor.setText("never")
    assert dialog.errors() == {} and dialog.settings().refresh_hours == 0
    _set_text(dialog, "refresh_hours", "6")
    assert dialog.settings().refresh_hours == 6
    assert "from 0 (never) to 24 hours" in editor.toolTip()


def test_defaults_are_valid_and_ok_is_enabled(dialog):
    assert dialog.errors() == {}
    assert dialog.ok_button.isEnabled()
    assert dialog.settings() == Settings()


INT_CASES = [
    ("min_gap_days", "0", 0),
    ("min_gap_days", "ten", "ten"),
    ("corr_window", "2", 2),
    ("vol_window", "100000", 100000),
    ("bootstrap_draws", "5", 5),
    ("seed", "-1", -1),
    ("era_days", "9999", 9999),
    ("headline_horizon", "0", 0),
    ("leader_censor_days", "2000", 2000),
    ("follower_min_cycle_days", "-1", -1),
    ("stale_after_days", "0", 0),
]


@pytest.mark.parametrize(("name", "text", "value"), INT_CASES)
def test_a_bad_whole_number_shows_the_rule_at_its_field(dialog, name, text, value):
    _set_text(dialog, name, text)
    expected = _rule_reason(name, value)
    assert dialog.message(name) == _capitalised(expected)
    assert "from" in expected  # the message says what is allowed
    assert not dialog.ok_button.isEnabled()
    _set_text(dialog, name, str(sv.FIELDS[name].value_of(Settings())))
    assert dialog.message(name) == ""
    assert dialog.ok_button.isEnabled()


@pytest.mark.parametrize(
    ("name", "text", "got"),
    [
        ("leader_bull_threshold", "96", "96%"),
        ("leader_bear_threshold", "0", "0%"),
        ("follower_bull_threshold", "0.2", "0.2%"),  # typed as a fraction: 0.2 %, says so
        ("follower_bear_threshold", "-5 %", "-5%"),
    ],
)
def test_a_bad_threshold_names_the_allowed_range_in_percent(dialog, name, text, got):
    _set_text(dialog, name, text)
    assert dialog.message(name) == f"Must be from 1% to 95% (got {got})"
    assert not dialog.ok_button.isEnabled()


def test_thresholds_are_shown_as_percentages_and_windows_with_units(dialog):
    assert dialog.editor("leader_bull_threshold").text() == "20%"
    assert dialog.editor("follower_bull_threshold").text() == "30%"  # Bitcoin's default
    assert dialog.editor("follower_min_phase_move").text() == "20%"
    assert dialog.unit("corr_window") == "trading days"
    assert dialog.unit("min_gap_days") == "days"
    assert dialog.unit("fetch_timeout_s") == "seconds"
    assert dialog.unit("leader_censor_days") == "days"


def test_fetch_timeout_is_checked_against_its_rule(dialog):
    _set_text(dialog, "fetch_timeout_s", "1")
    assert dialog.message("fetch_timeout_s") == _capitalised(_rule_reason("fetch_timeout_s", 1.0))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("30, 0", "each must be a whole number from 1 to 3,650"),
        ("90, 30", "increasing"),
        ("", "list of day counts"),
        ("1,2,3,4,5,6,7,8,9", "at most 8"),
    ],
)
def test_horizons_messages_match_the_settings_rules(dialog, text, fragment):
    _set_text(dialog, "horizons", text)
    assert fragment.lower() in dialog.message("horizons").lower()
    with pytest.raises(SettingsError) as caught:
        dataclasses.replace(Settings(), horizons=sv.parse("horizons", text)).validate()
    assert dialog.message("horizons") == _capitalised(caught.value.reason)


def test_an_invalid_instrument_key_is_reported_at_its_editor(dialog):
    editor = dialog.editor("leader")
    assert isinstance(editor, InstrumentEditor)
    editor.ticker.setText("no spaces allowed")
    assert "not valid" in dialog.message("leader")
    assert not dialog.ok_button.isEnabled()


def test_follower_equal_to_leader_is_refused(dialog):
    follower = dialog.editor("follower")
    follower.set_key(Settings().leader)
    follower.changed.emit()
    assert "must differ from the leader" in " ".join(dialog.errors().values())
    assert not dialog.ok_button.isEnabled()


def test_extra_instruments_are_validated_one_by_one(dialog):
    _set_text(dialog, "extra_instruments", "yahoo:^GSPC, nonsense")
    assert "must start with one of" in dialog.message("extra_instruments")
    _set_text(dialog, "extra_instruments", "yahoo:^GSPC; ccxt:kraken:ETH/USD")
    assert dialog.message("extra_instruments") == ""
    assert dialog.settings().extra_instruments == ("yahoo:^GSPC", "ccxt:kraken:ETH/USD")


def test_every_field_has_a_tooltip_and_a_label(dialog):
    for name in dialog.values():
        editor = dialog.editor(name)
        widgets = (
            [editor.source, editor.ticker, editor.test]
            if isinstance(editor, InstrumentEditor)
            else [editor]
        )
        for widget in widgets:
            assert widget.toolTip(), name


def test_restore_defaults_resets_every_field(dialog):
    _set_text(dialog, "min_gap_days", "500")
    dialog.editor("basis").setCurrentIndex(1)
    dialog.editor("refresh_on_start").setChecked(False)
    assert dialog.settings() != Settings()
    dialog.restore_defaults()
    assert dialog.settings() == Settings()


def test_edited_values_come_back_as_typed_settings(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    _set_text(dialog, "min_gap_days", "1,000")
    _set_text(dialog, "horizons", "10 20 40")
    _set_text(dialog, "headline_horizon", "20")
    _set_text(dialog, "leader_bull_threshold", "25 %")
    _set_text(dialog, "follower_bear_threshold", "40")
    _set_text(dialog, "follower_label", "  Bitcoin on Bitstamp ")
    combo = dialog.editor("basis")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("high"))
    box = dialog.editor("non_overlapping")
    assert isinstance(box, QCheckBox)
    box.setChecked(True)
    settings = dialog.settings()
    assert settings.min_gap_days == 1000
    assert settings.horizons == (10, 20, 40)
    assert settings.basis == "high"
    assert settings.non_overlapping is True
    assert settings.headline_horizon == 20
    leader, follower = settings.instrument(settings.leader), settings.instrument(settings.follower)
    assert (leader.bull_threshold, leader.bear_threshold) == (0.25, 0.20)
    assert (follower.bull_threshold, follower.bear_threshold) == (0.30, 0.40)
    assert follower.label == "Bitcoin on Bitstamp"


def test_values_equal_to_a_markets_defaults_keep_no_entry():
    base = Settings().with_instrument("ccxt:bitstamp:BTC/USD", bull_threshold=0.5)
    values = sv.values_of(base) | {"follower_bull_threshold": 0.3, "leader_bull_threshold": 0.2}
    settings = sv.build_settings(base, values)
    assert settings.per_instrument == {}


def test_a_new_leader_shows_its_own_regime_values(dialog):
    """Per-market fields follow the market: BTC-USD as leader shows Bitcoin's 30 %."""
    assert dialog.editor("leader_bull_threshold").text() == "20%"
    dialog.editor("leader").set_key("yahoo:BTC-USD")
    dialog.editor("leader").changed.emit()
    assert dialog.editor("leader_bull_threshold").text() == "30%"
    assert dialog.settings().per_instrument == {}  # nothing was changed, nothing stored


def test_text_parsing_is_lenient_but_never_guesses():
    assert sv.parse("min_gap_days", " 10,000 ") == 10000
    assert sv.parse("min_gap_days", "1.5") == "1.5"
    assert sv.parse("leader_bull_threshold", "20 %") == 0.2
    assert sv.parse("leader_bull_threshold", "29") == 0.29
    assert sv.parse("leader_bull_threshold", "abc") == "abc"
    assert sv.parse("extra_instruments", "a, b;c  d") == ("a", "b", "c", "d")


def test_every_dialog_field_is_a_row_of_the_settings_table():
    assert {f.row.name for f in sv.FIELDS.values()} <= set(SETTING)
    assert all(sv.FIELDS[f"{role}_bull_threshold"] for role in ("leader", "follower"))


@pytest.mark.parametrize(
    "key", ["yahoo:^RUT", "ccxt:bitstamp:BTC/USD", "csv:my-series", "yahoo:BTC-USD"]
)
def test_instrument_keys_round_trip_through_the_editor(qtbot, key):
    editor = InstrumentEditor("leader")
    qtbot.addWidget(editor)
    editor.set_key(key)
    assert editor.key() == key
    assert compose_key(*split_key(key)) == key


def test_the_test_button_without_a_worker_pool_says_so(qtbot, dialog):
    editor = dialog.editor("leader")
    editor.test.click()
    assert editor.test.isEnabled()
    assert "main window" in editor.test_result()
    assert "main window" in editor.result.toolTip()


# -- the dialog as a user meets it ----------------------------------------------------------------


def test_a_test_result_is_cleared_when_the_key_changes(dialog):
    editor = dialog.editor("leader")
    editor.test.click()  # no download service here: the result says so at once
    assert "main window" in editor.test_result()
    editor.ticker.setText("^GSPC")
    assert editor.test_result() == ""
    editor.test.click()
    editor.source.setCurrentIndex(editor.source.findData("ccxt"))
    assert editor.test_result() == ""


def test_a_late_test_result_for_an_older_key_is_not_shown(qtbot):
    editor = InstrumentEditor("leader")
    qtbot.addWidget(editor)
    editor.set_key("yahoo:^RUT")
    editor.test.click()  # nobody answers yet
    assert editor.test_result() == "Testing…"
    editor.ticker.setText("^GSPC")
    editor.on_test_result(type("Report", (), {"message": "OK: 7 bars"})())
    assert editor.test_result() == "" and editor.test.isEnabled()


@pytest.mark.parametrize(
    ("role", "source", "ticker", "exchange"),
    [
        ("follower", "yahoo", "BTC-USD", ""),
        ("leader", "ccxt", "BTC/USD", "bitstamp"),
        ("leader", "csv", "RUT", ""),
    ],
)
def test_switching_the_source_offers_a_ticker_it_understands(
    dialog, role, source, ticker, exchange
):
    editor = dialog.editor(role)
    editor.source.setCurrentIndex(editor.source.findData(source))
    assert editor.ticker.text() == ticker
    assert editor.exchange.text() == exchange or source != "ccxt"
    assert dialog.message(role) == ""
    if editor.key() != dialog.editor("follower" if role == "leader" else "leader").key():
        assert dialog.ok_button.isEnabled()
    else:  # the usual exchange pair is the follower itself: said plainly, at the follower
        assert dialog.message("follower") == "Must differ from the leader"


def test_from_yahoo_back_to_the_exchange_is_the_same_pair(dialog):
    editor = dialog.editor("follower")
    editor.source.setCurrentIndex(editor.source.findData("yahoo"))
    editor.source.setCurrentIndex(editor.source.findData("ccxt"))
    assert editor.key() == "ccxt:bitstamp:BTC/USD"


def test_an_invalid_field_on_another_tab_is_named_and_its_tab_marked(dialog, qtbot):
    dialog.show()
    dialog.pages.setCurrentIndex(sv.PAGES.index(sv.MARKETS))
    _set_text(dialog, "min_gap_days", "0")
    assert not dialog.ok_button.isEnabled()
    assert dialog.marked_tabs() == [sv.ANALYSIS_PAGE]
    assert dialog.problem_text() == (
        "✖ Analysis › Min. consolidation (days): Must be from 1 to 10,000 days (got 0)"
    )
    _set_text(dialog, "follower_bear_threshold", "99")
    assert dialog.marked_tabs() == [sv.ANALYSIS_PAGE, sv.REGIMES]
    assert dialog.problem_text().endswith("(and 1 more field)")
    dialog.problems.linkActivated.emit("min_gap_days")
    assert dialog.pages.currentIndex() == sv.PAGES.index(sv.ANALYSIS_PAGE)
    qtbot.waitUntil(lambda: dialog.editor("min_gap_days").hasFocus())
    _set_text(dialog, "min_gap_days", "365")
    _set_text(dialog, "follower_bear_threshold", "30")
    assert dialog.marked_tabs() == [] and dialog.problem_text() == ""
    assert dialog.ok_button.isEnabled()


def test_errors_coming_and_going_never_move_a_field(dialog, qtbot):
    """The fixed message area and the reserved test-result lines keep every field in place."""
    dialog.show()
    qtbot.waitExposed(dialog)
    watched = [dialog.editor(n) for n in ("leader", "follower", "extra_instruments")]

    def layout():
        return dialog.size(), [w.mapTo(dialog, w.rect().topLeft()) for w in watched]

    before = layout()
    _set_text(dialog, "extra_instruments", "nonsense, more nonsense, " + "x" * 200)
    dialog.editor("leader").ticker.setText("no spaces allowed")
    dialog.editor("leader").test.click()
    _set_text(dialog, "min_gap_days", "0")
    qtbot.wait(20)
    assert layout() == before
    dialog.restore_defaults()
    qtbot.wait(20)
    assert layout() == before


def test_alert_kinds_are_check_boxes_named_for_people(dialog):
    boxes = dialog.editor("alert_kinds").findChildren(QCheckBox)
    assert [b.text() for b in boxes] == ["Breakouts", "New all-time highs", "Regime turns"]
    assert all(b.isChecked() for b in boxes)
    boxes[1].setChecked(False)
    assert dialog.settings().alert_kinds == ("breakout", "regime_turn")
    for box in boxes:
        box.setChecked(False)
    assert dialog.settings().alert_kinds == ()  # no alerts at all is a valid choice
    dialog.load(Settings(alert_kinds=("new_high",)))
    assert [b.isChecked() for b in boxes] == [False, True, False]


def test_the_ladder_is_a_list_with_add_remove_and_moves_validated_like_the_setting(dialog):
    from widgets.dialogs.key_list_editor import KeyListEditor

    ladder = dialog.editor("ladder")
    assert isinstance(ladder, KeyListEditor)
    assert ladder.keys() == Settings().ladder
    assert ladder.list.item(1).text() == "yahoo:^RUT  —  Russell 2000 (^RUT)"
    ladder.list.setCurrentRow(2)
    ladder.new_key.setText("ccxt:Bitstamp:eth/usd")  # kept in its canonical spelling
    ladder.add.click()
    assert dialog.settings().ladder[-1] == "ccxt:bitstamp:ETH/USD"
    ladder.list.setCurrentRow(3)
    ladder.up.click()
    assert dialog.settings().ladder[2:] == ("ccxt:bitstamp:ETH/USD", "ccxt:bitstamp:BTC/USD")
    assert not ladder.down.isEnabled() or ladder.list.currentRow() < 3
    ladder.new_key.setText("yahoo:^rut")  # a market twice: the rule's own words
    ladder.add.click()
    assert dialog.message("ladder") == "Lists yahoo:^RUT twice"
    assert not dialog.ok_button.isEnabled()
    ladder.remove.click()  # the new one is selected
    assert dialog.errors() == {}
    for _ in range(3):
        ladder.list.setCurrentRow(0)
        ladder.remove.click()
    assert dialog.message("ladder") == _capitalised(_rule_reason("ladder", ("yahoo:^GSPC",)))
    dialog.load(Settings(ladder=("yahoo:^GSPC", "yahoo:^RUT")))
    assert ladder.keys() == ("yahoo:^GSPC", "yahoo:^RUT") and dialog.errors() == {}
