"""Settings: the table, defaults, validation per field, round trip, migration, broken files."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from app.analysis import AnalysisParams
from app.config import (
    INSTRUMENT_SETTINGS,
    SCHEMA_VERSION,
    SETTING,
    SETTINGS,
    InstrumentSettings,
    KeyDate,
    Settings,
)
from app.errors import SettingsError
from app.setting_changes import changed_parts
from app.setting_kinds import ANALYSIS, DOWNLOADS, VIEW
from app.settings_file import (
    SETTINGS_FILE,
    from_json_dict,
    load_settings,
    save_settings,
    to_json_dict,
)
from app.signals.regimes import RegimeRule

V1_FILE = Path(__file__).parent / "data" / "settings_v1.json"


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
        horizons=(7, 30),
        headline_horizon=30,
        min_gap_days=200,
        extra_key_dates=(KeyDate("2021-11-10", "Top"),),
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
        ("era_days", -1, "from 0 to 3,650 days"),
        ("headline_horizon", 45, "must be one of the horizons (30, 90, 180, 365 days; got 45)"),
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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bull_threshold", 0.0, "from 1% to 95% (got 0%)"),
        ("bull_threshold", float("nan"), "must be a number"),
        ("bear_threshold", 0.96, "from 1% to 95% (got 96%)"),
        ("min_phase_move", 5.5, "from 0% to 500% (got 550%)"),
        ("censor_days", 1_826, "from 0 to 1,825 days"),
        ("min_cycle_days", -1, "from 0 to 3,650 days"),
        ("min_phase_days", 2.5, "whole number"),
        ("label", "x" * 61, "at most 60 characters"),
        ("label", "two\nlines", "printable"),
    ],
)
def test_invalid_per_instrument_values_name_the_market_and_the_range(field, value, message):
    settings = Settings().with_instrument("yahoo:^RUT", **{field: value})
    with pytest.raises(SettingsError) as info:
        settings.validate()
    assert info.value.field == f"per_instrument[yahoo:^RUT].{field}"
    assert message in str(info.value)


def test_every_row_has_a_label_help_and_a_valid_default():
    for row in (*SETTINGS, *INSTRUMENT_SETTINGS):
        assert row.label and row.help, row.name
        assert set(row.affects) <= {ANALYSIS, DOWNLOADS, VIEW} and row.affects, row.name
        row.check(row.default)
        if row.bitcoin_default is not None:
            row.check(row.bitcoin_default)


def test_the_table_is_the_dataclasses():
    names = {f.name for f in dataclasses.fields(Settings)} - {"per_instrument", "schema_version"}
    assert [r.name for r in SETTINGS] == [
        f.name for f in dataclasses.fields(Settings) if f.name in names
    ]
    assert [r.default for r in SETTINGS] == [getattr(Settings(), r.name) for r in SETTINGS]
    assert {r.name for r in INSTRUMENT_SETTINGS} == {
        f.name for f in dataclasses.fields(InstrumentSettings)
    }
    assert all(r.per_instrument for r in INSTRUMENT_SETTINGS)
    assert not any(r.per_instrument for r in SETTINGS)
    assert "bull_window_days" not in SETTING


def test_analysis_params_come_from_the_table():
    """Every analysis row feeds a parameter of the same name (or its `param`), and the
    parameters' own defaults are the table's, so a script gets the app's defaults."""
    fields = {f.name for f in dataclasses.fields(AnalysisParams)}
    fed = set(Settings().analysis_values())
    assert fed <= fields
    assert fields - fed == {
        "leader_regime",
        "follower_regime",
        "leader_trades_every_day",
        "follower_trades_every_day",
    }
    defaults = AnalysisParams()
    assert all(
        getattr(defaults, name) == value for name, value in Settings().analysis_values().items()
    )
    assert RegimeRule(**InstrumentSettings().analysis_values()) == RegimeRule()
    assert defaults.leader_regime == RegimeRule()


def test_params_from_settings_use_each_markets_rule():
    settings = Settings().with_instrument("yahoo:^RUT", bull_threshold=0.25, censor_days=90)
    params = AnalysisParams.from_settings(settings.with_changes(era_days=0, headline_horizon=30))
    assert params.leader_regime == RegimeRule(bull=0.25, censor_days=90)
    assert params.follower_regime == RegimeRule(bull=0.30, bear=0.30)  # Bitstamp BTC/USD
    assert params.era_days == 0 and params.headline_horizon == 30
    assert not hasattr(params, "bull_window_days")


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
        ('{"schema_version": 0}', "schema_version: must be a whole number from 1 to 2"),
        ('{"schema_version": 1, "regime_overrides": [0.2]}', "regime_overrides"),
        ('{"schema_version": 2, "bull_window_days": 180}', "bull_window_days: is not a known"),
        ('{"per_instrument": {"yahoo:^RUT": {"bull": 0.3}}}', "[yahoo:^RUT].bull: is not a"),
        ('{"per_instrument": {"nasdaq:X": {}}}', "per_instrument: Instrument key"),
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


def test_values_per_instrument_default_by_market():
    settings = Settings()
    assert settings.instrument("yahoo:^RUT") == InstrumentSettings()
    for bitcoin in ("ccxt:bitstamp:BTC/USD", "yahoo:BTC-USD", "ccxt:kraken:XBT/EUR"):
        own = settings.instrument(bitcoin)
        assert (own.bull_threshold, own.bear_threshold) == (0.30, 0.30), bitcoin
        assert own.censor_days == 180 and own.label == ""
    assert settings.instrument("yahoo:BTCS").bull_threshold == 0.20  # not Bitcoin itself


def test_a_market_equal_to_its_defaults_keeps_no_entry():
    settings = Settings().with_instrument("yahoo:^RUT", label="Small caps")
    assert settings.instrument("yahoo:^RUT").label == "Small caps"
    assert to_json_dict(settings)["per_instrument"] == {"yahoo:^RUT": {"label": "Small caps"}}
    assert settings.with_instrument("yahoo:^RUT", label="").per_instrument == {}


def test_per_instrument_values_round_trip(tmp_path):
    settings = (
        Settings()
        .with_instrument("yahoo:^RUT", label="Small caps", bull_threshold=0.25)
        .with_instrument("ccxt:bitstamp:BTC/USD", min_phase_move=1.5, censor_days=0)
    )
    save_settings(tmp_path, settings)
    saved = json.loads((tmp_path / SETTINGS_FILE).read_text())
    assert saved["schema_version"] == SCHEMA_VERSION == 2
    assert saved["per_instrument"] == {
        "yahoo:^RUT": {"label": "Small caps", "bull_threshold": 0.25},
        "ccxt:bitstamp:BTC/USD": {"censor_days": 0, "min_phase_move": 1.5},
    }
    assert load_settings(tmp_path).settings == settings


def test_a_version_1_file_as_written_before_is_migrated(tmp_path):
    """The file Riskcurve 0.1 wrote with its defaults: the same analysis, nothing lost."""
    (tmp_path / SETTINGS_FILE).write_text(V1_FILE.read_text())
    loaded = load_settings(tmp_path)
    assert loaded.notice == "" and loaded.backup is None
    assert loaded.settings == Settings()
    assert (tmp_path / SETTINGS_FILE).read_text() == V1_FILE.read_text()  # read, not rewritten


def test_a_customised_version_1_file_keeps_every_markets_thresholds(tmp_path):
    v1 = json.loads(V1_FILE.read_text())
    v1.update(
        leader="yahoo:^GSPC",
        extra_instruments=["ccxt:kraken:BTC/EUR", "yahoo:^rut"],
        bull_threshold=0.25,
        bear_threshold=0.15,
        bull_window_days=90,
        regime_overrides={"yahoo:BTC-USD": [0.4, 0.35], "ccxt:bitstamp:BTC/USD": [0.3, 0.3]},
        min_gap_days=200,
    )
    (tmp_path / SETTINGS_FILE).write_text(json.dumps(v1))
    loaded = load_settings(tmp_path)
    assert loaded.notice == ""
    s = loaded.settings
    assert s.min_gap_days == 200 and s.leader == "yahoo:^GSPC"

    def pair(key):
        return (s.instrument(key).bull_threshold, s.instrument(key).bear_threshold)

    assert pair("yahoo:^GSPC") == (0.25, 0.15)  # the general v1 thresholds it was analysed with
    assert pair("yahoo:^RUT") == (0.25, 0.15)
    assert pair("ccxt:kraken:BTC/EUR") == (0.25, 0.15)  # v1 had no override for it
    assert pair("yahoo:BTC-USD") == (0.4, 0.35)
    assert pair("ccxt:bitstamp:BTC/USD") == (0.30, 0.30)
    assert "ccxt:bitstamp:BTC/USD" not in s.per_instrument  # equal to v2's default: no entry
    save_settings(tmp_path, s)
    assert load_settings(tmp_path).settings == s


def test_a_hand_written_version_1_file_without_a_version_is_migrated():
    settings = from_json_dict({"bull_threshold": 0.3, "bull_window_days": 30})
    assert settings.instrument("yahoo:^RUT").bull_threshold == 0.3
    assert settings.instrument("yahoo:^RUT").bear_threshold == 0.2
    with pytest.raises(SettingsError, match="bull_threshold: must be from 1% to 95%"):
        from_json_dict({"schema_version": 1, "bull_threshold": 2})


def test_changed_parts_follow_what_each_row_affects():
    base = Settings()
    assert changed_parts(base, base) == set()
    assert changed_parts(base, base.with_changes(min_gap_days=200)) == {"analysis"}
    assert changed_parts(base, base.with_changes(leader="yahoo:IWM")) == {
        "instruments",
        "analysis",
    }
    assert changed_parts(base, base.with_changes(stale_after_days=9)) == {"display"}
    assert changed_parts(base, base.with_changes(refresh_on_start=False)) == set()
    follower = base.follower
    assert changed_parts(base, base.with_instrument(follower, bear_threshold=0.4)) == {"analysis"}
    # The verdicts name the pair's markets: a new name for one re-words them.
    assert changed_parts(base, base.with_instrument(follower, label="BTC")) == {
        "display",
        "analysis",
    }
    # An extra instrument's regime rule is not analysed; its name is shown (Data tab).
    assert changed_parts(base, base.with_instrument("yahoo:^GSPC", bull_threshold=0.3)) == set()
    assert changed_parts(base, base.with_instrument("yahoo:^GSPC", label="S&P")) == {"display"}


def test_the_ladder_is_two_to_ten_distinct_keys_in_their_canonical_spelling():
    settings = Settings().with_changes(ladder=("yahoo:^gspc", "ccxt:Bitstamp:btc/usd"))
    assert settings.ladder == ("yahoo:^GSPC", "ccxt:bitstamp:BTC/USD")
    for ladder, message in (
        (("yahoo:^RUT",), "ladder: must have 2 to 10 instruments (got 1)"),
        (tuple(f"csv:s{i}" for i in range(11)), "ladder: must have 2 to 10 instruments"),
        (("yahoo:^RUT", "yahoo:^rut"), "ladder: lists yahoo:^RUT twice"),
        (("yahoo:^RUT", "nonsense"), "ladder: Instrument key 'nonsense' must start with"),
    ):
        with pytest.raises(SettingsError, match=re.escape(message)):
            Settings().with_changes(ladder=ladder)


def test_the_ladders_rungs_are_kept_cached():
    settings = Settings().with_changes(ladder=("yahoo:^IXIC", "yahoo:^RUT"))
    assert settings.instruments[-1] == "yahoo:^IXIC"
    assert settings.instruments.count("yahoo:^RUT") == 1


def test_alert_kinds_and_refresh_hours_are_checked_and_round_trip(tmp_path):
    assert Settings().alert_kinds == ("breakout", "new_high", "regime_turn")
    assert Settings().refresh_hours == 0  # off by default
    with pytest.raises(SettingsError, match="alert_kinds: each must be one of breakout"):
        Settings().with_changes(alert_kinds=("breakout", "crash"))
    with pytest.raises(SettingsError, match="alert_kinds: must list each one once"):
        Settings().with_changes(alert_kinds=("breakout", "breakout"))
    too_often = re.escape("refresh_hours: must be from 0 (never) to 24 hours")
    with pytest.raises(SettingsError, match=too_often):
        Settings().with_changes(refresh_hours=25)
    settings = Settings().with_changes(alert_kinds=("regime_turn",), refresh_hours=6)
    save_settings(tmp_path, settings)
    saved = json.loads((tmp_path / SETTINGS_FILE).read_text())
    assert saved["alert_kinds"] == ["regime_turn"] and saved["refresh_hours"] == 6
    assert load_settings(tmp_path).settings == settings
    assert Settings().with_changes(alert_kinds=()).alert_kinds == ()  # no alerts at all
