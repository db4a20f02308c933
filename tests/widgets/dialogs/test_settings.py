"""Settings dialog: a message at every field for invalid input (CLI wording), OK only when valid."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app.config import RULES, Settings
from app.errors import SettingsError
from widgets.dialogs import settings_values as sv
from widgets.dialogs.instrument_editor import InstrumentEditor, compose_key, split_key
from widgets.dialogs.settings import SettingsDialog

pytestmark = pytest.mark.gui


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
        RULES[name].check(name, value)
    return caught.value.reason


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    ("bull_window_days", "9999", 9999),
    ("stale_after_days", "0", 0),
]


@pytest.mark.parametrize(("name", "text", "value"), INT_CASES)
def test_a_bad_whole_number_shows_the_rule_at_its_field(dialog, name, text, value):
    _set_text(dialog, name, text)
    expected = _rule_reason(name, value)
    assert dialog.message(name) == _capitalised(expected)
    assert "from" in expected  # the message says what is allowed
    assert not dialog.ok_button.isEnabled()
    _set_text(dialog, name, str(getattr(Settings(), name)))
    assert dialog.message(name) == ""
    assert dialog.ok_button.isEnabled()


@pytest.mark.parametrize(
    ("name", "text"),
    [("leader_bull", "2"), ("leader_bear", "0"), ("follower_bull", "x"), ("follower_bear", "-5 %")],
)
def test_a_bad_threshold_names_the_allowed_range(dialog, name, text):
    _set_text(dialog, name, text)
    message = dialog.message(name)
    assert "from 0.01 to 0.95" in message
    assert not dialog.ok_button.isEnabled()


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
        dataclasses.replace(Settings(), horizons=sv.parse_horizons(text)).validate()
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
    _set_text(dialog, "leader_bull", "25 %")
    _set_text(dialog, "follower_bear", "0.4")
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
    assert settings.thresholds_for(settings.leader) == (0.25, 0.20)
    assert settings.thresholds_for(settings.follower) == (0.30, 0.40)


def test_threshold_overrides_equal_to_the_general_rule_are_dropped():
    base = Settings()
    values = {**sv.thresholds_of(base), "follower_bull": 0.2, "follower_bear": 0.2}
    settings = sv.build_settings(base, values)
    assert base.follower not in settings.regime_overrides
    assert settings.regime_overrides["yahoo:BTC-USD"] == (0.30, 0.30)  # others untouched


def test_changed_parts_tell_fetch_from_reanalysis():
    base = Settings()
    assert sv.changed_parts(base, base) == set()
    assert sv.changed_parts(base, base.with_changes(min_gap_days=200)) == {"analysis"}
    assert sv.changed_parts(base, base.with_changes(leader="yahoo:IWM")) == {"instruments"}
    assert sv.changed_parts(base, base.with_changes(stale_after_days=9)) == {"display"}
    assert sv.changed_parts(base, base.with_changes(refresh_on_start=False)) == set()


def test_text_parsing_is_lenient_but_never_guesses():
    assert sv.parse_int(" 10,000 ") == 10000
    assert sv.parse_int("1.5") == "1.5"
    assert sv.parse_float("20 %") == pytest.approx(0.2)
    assert sv.parse_float("abc") == "abc"
    assert sv.parse_list("a, b;c  d") == ("a", "b", "c", "d")


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
    assert "main window" in editor.result.text()
