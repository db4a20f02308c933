"""The `analyze` command: cache only, exact CSV, files under --out, one-line errors (exit 2)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from app.cache import Cache
from app.cli import main
from app.config import Settings
from app.report import frame_csv_text
from app.settings_file import save_settings
from app.signals.event_study import SUMMARY_COLUMNS
from tests.app.signals.helpers import bars_on

LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"


@pytest.fixture
def cached(paths):
    """A hand-made pair in the cache, and settings with windows that fit it."""
    leader_days = np.arange(0, 200)
    leader_close = np.where(leader_days == 0, 100.0, 90.0)
    leader_close[100] = 101.0  # one breakout: 100 days after the record on day 0
    follower_days = np.arange(0, 301)
    follower_close = np.where(follower_days < 130, 10.0, 15.0)
    follower_close[20:40] = 6.5  # a bear to day 20, then a bull from there
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, bars_on(leader_days, leader_close))
        cache.store_bars(FOLLOWER, bars_on(follower_days, follower_close))
    settings = Settings(corr_window=5, vol_window=5, min_gap_days=100, bootstrap_draws=200)
    settings = settings.with_instrument(FOLLOWER, censor_days=0)  # the turn on day 20 counts
    save_settings(paths.config, settings)
    return paths


def _analyze(capsys, *args):
    code = main(["analyze", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_output_has_exactly_the_documented_columns(cached, capsys):
    code, out, err = _analyze(
        capsys, "--format", "csv", "--horizons", "30,90,250", "--headline-horizon", "90"
    )
    assert code == 0, err
    # Clean numbers: 101 not 101.0, 0.01 not 0.010000000000000009 (101 / 100 - 1). The era
    # percentiles, the follower's phase and the rough-data mark follow the forward returns.
    assert out == (
        "date,level,prior_ath_date,prior_ath,gap_days,pct_above,fwd_30d,fwd_90d,fwd_250d,"
        "era_pct_30d,era_pct_90d,era_pct_250d,"
        "regime,regime_start,regime_days,regime_return,regime_days_left,regime_running,"
        "rough_data\n"
        "1970-04-11,101,1970-01-01,100,100,0.01,0.5,0.5,,0.926199262,0.9052132701,,"
        "bull,1970-01-21,80,0.5384615385,,true,0\n"
    )


def test_options_override_settings(cached, capsys):
    code, out, _ = _analyze(capsys, "--format", "csv", "--min-gap-days", "101")
    assert code == 0 and out.splitlines()[1:] == []  # the only gap is exactly 100 days
    code, out, _ = _analyze(
        capsys, "--format", "csv", "--basis", "high", "--horizons", "30", "--headline-horizon", "30"
    )
    assert code == 0 and out.splitlines()[0].endswith(
        "fwd_30d,era_pct_30d,regime,regime_start,"
        "regime_days,regime_return,regime_days_left,regime_running,rough_data"
    )


def test_every_analysis_setting_is_an_option(cached, capsys):
    """Derived from the settings table: percentages typed as in the dialog, per market."""
    code, out, err = _analyze(
        capsys,
        "--format",
        "json",
        "--era-days",
        "0",
        "--leader-bull-threshold",
        "25%",
        "--follower-bear-threshold",
        "40",
        "--follower-censor-days",
        "30",
        "--no-non-overlapping",
    )
    assert code == 0, err
    parameters = json.loads(out)["parameters"]
    assert parameters["era_days"] == 0 and parameters["non_overlapping"] is False
    assert parameters["leader_regime"]["bull"] == 0.25
    assert parameters["follower_regime"]["bear"] == 0.40
    assert parameters["follower_regime"]["censor_days"] == 30
    for role in ("leader_regime", "follower_regime"):  # every censoring rule, per role
        assert {"censor_days", "min_cycle_days", "min_phase_days", "min_phase_move"} <= set(
            parameters[role]
        )
    assert "bull_window_days" not in parameters


def test_table_output_is_readable(cached, capsys):
    code, out, _ = _analyze(capsys, "--non-overlapping")
    assert code == 0
    assert "Breakouts (1)" in out and "1970-04-11" in out
    assert "30 days: only 1 event, too few to conclude anything" in out
    assert "Leader now: 90.00 on 1970-07-19" in out
    # The staler market dated (the follower runs to 1970-10-28), as the window says it.
    days = (dt.datetime.now(dt.UTC).date() - dt.date(1970, 7, 19)).days
    assert (
        f"\nNote: Russell 2000 (^RUT) data as of 1970-07-19, {days:,} days old — run riskcurve "
        "fetch when online\n"
    ) in out
    assert "Against their era (random days within 730 days; 200 draws)" in out
    assert "p adjusted" in out and "95% interval" in out
    assert "bull, 80 d, +54%" in out  # the follower's phase at the breakout
    assert "100% of the follower's dated days are bull days" in out
    assert "\nLead-lag: too few common weeks to compare the two markets." in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_json_output_and_out_files(cached, capsys, tmp_path):
    out_dir = tmp_path / "results"
    code, out, err = _analyze(capsys, "--format", "json", "--out", str(out_dir))
    assert code == 0 and "Wrote 8 files" in err
    doc = json.loads(out)
    assert doc["seed"] == Settings().seed
    assert doc["parameters"]["horizons"] == [30, 90, 180, 365]
    assert doc["instruments"]["leader"] == {
        "key": LEADER,
        "label": "^RUT",
        "source": "Yahoo Finance",
        "sources": [
            {
                "kind": "provider",
                "name": "yahoo",
                "description": "Yahoo Finance",
                "first_date": "1970-01-01",
                "last_date": "1970-07-19",
                "bars": 200,
                "stored_at": doc["instruments"]["leader"]["sources"][0]["stored_at"],
            }
        ],
        "first_date": "1970-01-01",
        "last_date": "1970-07-19",
        "bars": 200,
    }
    assert doc["instruments"]["follower"]["source"] == "Bitstamp via ccxt"
    assert doc["breakouts"][0]["fwd_365d"] is None  # missing is null, never NaN
    assert type(doc["breakouts"][0]["regime_days"]) is int and doc["breakouts"][0]["regime_running"]
    assert doc["follower_bull_share"] == 1.0
    assert doc["generated_at"].endswith("+00:00")
    # A whole number in a float column (NaN elsewhere) is written as an integer.
    days_to_ath = doc["breakouts"][0]["days_to_follower_ath"]
    assert days_to_ath == 30 and isinstance(days_to_ath, int)
    method = doc["event_study"]
    assert (method["era_days"], method["bootstrap_draws"], method["seed"]) == (
        730,
        200,
        Settings().seed,
    )
    assert "Holm" in method["p_adjusted"] and method["significance"] == 0.05
    assert set(doc["summary"][0]) == set(SUMMARY_COLUMNS)
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(
        [
            "analysis.json",
            "correlation.csv",
            "correlation_by_year.csv",
            "cycles.csv",
            "events.csv",
            "lead_lag.csv",
            "regimes.csv",
            "summary.csv",
        ]
    )
    saved = json.loads((out_dir / "analysis.json").read_text())
    assert saved["parameters"] == doc["parameters"]
    code, _, err = _analyze(capsys, "--format", "csv", "--out", str(out_dir))
    assert code == 2 and "--force" in err  # earlier files are kept unless asked
    _, csv_out, _ = _analyze(capsys, "--format", "csv", "--out", str(out_dir), "--force")
    assert (out_dir / "events.csv").read_text() == csv_out
    summary = (out_dir / "summary.csv").read_text().splitlines()
    assert summary[0].startswith("horizon,n_events,mean,median,share_positive,base_n")
    assert summary[0] == ",".join(SUMMARY_COLUMNS)
    for column in ("log_mean", "geo_mean", "era_base_geo_mean", "p_adjusted", "ci_low"):
        assert column in summary[0].split(",")
    assert len(summary) == 5
    assert (out_dir / "regimes.csv").read_text().startswith("role,key,start,end,kind,return")
    assert (out_dir / "correlation.csv").read_text().startswith("date,correlation\n")
    by_year = (out_dir / "correlation_by_year.csv").read_text().splitlines()
    assert by_year[0] == "period,corr,n" and by_year[-1].startswith("all,")
    assert [r["period"] for r in doc["correlation_by_year"]][-1] == "all"
    assert doc["lead_lag_note"].startswith("Lead-lag: ")
    lead_lag_rows = (out_dir / "lead_lag.csv").read_text().splitlines()
    assert lead_lag_rows[0] == "lag,corr,n,band,band_corrected,clears_corrected"
    assert all(row.endswith(",false") for row in lead_lag_rows[1:])  # a flag, not 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--horizons", "0,30"], "--horizons: each must be a whole number from 1 to 3,650"),
        (["--horizons", "90,30"], "--horizons: must be increasing, without repeats"),
        (["--horizons", "30,30"], "--horizons: must be increasing, without repeats"),
        (["--horizons", "30,x"], "--horizons: each must be a whole number from 1 to 3,650"),
        (["--horizons", "30,60"], "headline_horizon: must be one of the horizons (30, 60 days"),
        (["--min-gap-days", "-5"], "--min-gap-days: must be from 1 to 10,000 days (got -5)"),
        (["--min-gap-days", "many"], "--min-gap-days: must be a whole number from 1 to 10,000"),
        (["--basis", "open"], "--basis: must be one of close, high"),
        (["--leader-bull-threshold", "0.25"], "must be from 1% to 95% (got 0.25%)"),
        (["--follower-min-phase-days", "x"], "--follower-min-phase-days: must be a whole"),
        (["--leader", "nonsense"], "--leader: Instrument key 'nonsense' must start with"),
        (["--follower", "yahoo:^GSPC"], "No cached data for yahoo:^GSPC"),
        (["--follower", LEADER], "follower: must differ from the leader"),
    ],
)
def test_bad_parameters_exit_2_with_one_line(cached, capsys, args, message):
    code, out, err = _analyze(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("riskcurve: ") and message in err


def test_no_overlap_and_window_larger_than_data_exit_2(paths, capsys):
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, bars_on(np.arange(0, 100), np.linspace(1, 2, 100)))
        cache.store_bars(FOLLOWER, bars_on(np.arange(500, 600), np.linspace(1, 2, 100)))
    code, _, err = _analyze(capsys)
    assert code == 2 and "have no overlapping dates" in err
    with Cache.open(paths.database) as cache:
        cache.store_bars(FOLLOWER, bars_on(np.arange(50, 100), np.linspace(1, 2, 50)))
    code, _, err = _analyze(capsys)
    assert code == 2 and "corr_window is 90 days, larger than the data" in err


def test_without_a_cache_it_says_so_and_creates_nothing(paths, capsys):
    code, _, err = _analyze(capsys)
    assert code == 2 and "No cached data yet" in err
    assert not paths.database.exists()


def test_out_that_is_a_file_exits_2(cached, capsys, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    code, out, err = _analyze(capsys, "--format", "csv", "--out", str(target))
    assert code == 2 and "is a file, not a folder" in err and out == ""
    assert target.read_text() == "x"


def test_help_mentions_replacing_files(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = capsys.readouterr().out
    assert "--force" in text and "replace" in text and "--non-overlapping" in text


def test_a_failed_write_exits_1_and_prints_no_result(cached, capsys, tmp_path, monkeypatch):
    import app.outputs

    def disk_full(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(app.outputs.os, "link", disk_full)
    code, out, err = _analyze(capsys, "--format", "csv", "--out", str(tmp_path / "r"))
    assert code == 1 and out == ""
    assert err.startswith("riskcurve: cannot write ") and "the disk is full" in err
    assert [p.name for p in (tmp_path / "r").iterdir()] == []  # no temporary file left


def test_table_lists_notes_when_a_part_is_empty(paths, capsys):
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, bars_on(np.arange(0, 200), np.linspace(2, 1, 200)))
        cache.store_bars(FOLLOWER, bars_on(np.arange(0, 200), np.linspace(1, 2, 200)))
    code, out, _ = _analyze(capsys)
    assert code == 0
    assert "Breakouts (0)\n  none" in out
    assert "Note: No breakout: the leader never set an all-time high (close) 365" in out


def test_output_files_hold_clean_numbers():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "days_to_peak": [372.0, np.nan],  # an integer column made float by a missing value
            "multiple": [90.95200000000001, 0.1 + 0.2],
            "n": [3, 4],
            "tiny": [1e-7 * (1 + 1e-13), -0.0],
        }
    )
    assert frame_csv_text(frame) == "days_to_peak,multiple,n,tiny\n372,90.952,3,1e-07\n,0.3,4,0\n"
