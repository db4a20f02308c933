"""Settings: defaults, validation per field, round trip, and broken files set aside."""

from __future__ import annotations

import json

import pytest

from app.config import (
    RULES,
    SETTINGS_FILE,
    KeyDate,
    Settings,
    from_json_dict,
    load_settings,
    save_settings,
    to_json_dict,
)
from app.errors import SettingsError


def test_defaults_are_valid_and_name_the_instruments():
    settings = Settings()
    settings.validate()
    assert settings.leader == "yahoo:^RUT"
    assert settings.follower == "ccxt:bitstamp:BTC/USD"
    assert settings.instruments == (
        "yahoo:^RUT",
        "ccxt:bitstamp:BTC/USD",
        "yahoo:BTC-USD",
        "yahoo:^GSPC",
    )


def test_save_and_load_round_trip(tmp_path):
    settings = Settings().with_changes(
        horizons=(7, 30), min_gap_days=200, extra_key_dates=(KeyDate("2021-11-10", "Top"),)
    )
    save_settings(tmp_path, settings)
    assert load_settings(tmp_path).settings == settings
    assert json.loads((tmp_path / SETTINGS_FILE).read_text())["horizons"] == [7, 30]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_gap_days", 0, "from 1 to 10,000"),
        ("min_gap_days", -5, "from 1 to 10,000"),
        ("min_gap_days", 2.5, "whole number"),
        ("corr_window", 4, "from 5 to 1,000"),
        ("bull_threshold", 0.0, "from 0.01 to 0.95"),
        ("bull_threshold", float("nan"), "must be a number"),
        ("basis", "open", "close, high"),
        ("bootstrap_draws", 10, "from 100"),
        ("refresh_on_start", 1, "true or false"),
        ("horizons", (), "list of day counts"),
        ("horizons", (30, 30), "increasing"),
        ("horizons", (90, 30), "increasing"),
        ("horizons", (0, 30), "from 1 to 3,650"),
        ("leader", "nasdaq:AAPL", "must start with"),
        ("follower", "yahoo:^RUT", "differ from the leader"),
        ("extra_key_dates", (KeyDate("2024-13-01", "x"),), "YYYY-MM-DD"),
    ],
)
def test_invalid_values_name_the_field_and_the_allowed_range(field, value, message):
    with pytest.raises(SettingsError) as info:
        Settings().with_changes(**{field: value})
    assert info.value.field == field
    assert message in str(info.value)


def test_every_rule_has_help_text():
    assert all(rule.help for rule in RULES.values())


def test_unknown_key_is_reported():
    with pytest.raises(SettingsError, match="min_gap_dayz: is not a known setting"):
        from_json_dict({**to_json_dict(Settings()), "min_gap_dayz": 3})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"min_gap_days": -1}', "min_gap_days"),
        ("[1, 2]", "JSON object"),
        ('{"schema_version": 99}', "newer Riskcurve"),
    ],
)
def test_broken_file_is_kept_aside_and_defaults_used(tmp_path, content, problem):
    (tmp_path / SETTINGS_FILE).write_text(content)
    loaded = load_settings(tmp_path)
    assert loaded.settings == Settings()
    assert problem in loaded.notice and "Default settings are in use" in loaded.notice
    assert loaded.backup is not None and loaded.backup.read_text() == content
    assert not (tmp_path / SETTINGS_FILE).exists()


def test_missing_file_gives_defaults_without_notice(tmp_path):
    loaded = load_settings(tmp_path)
    assert loaded.settings == Settings() and loaded.notice == ""


def test_thresholds_per_instrument():
    settings = Settings()
    assert settings.thresholds_for("yahoo:^RUT") == (0.20, 0.20)
    assert settings.thresholds_for("ccxt:bitstamp:BTC/USD") == (0.30, 0.30)
