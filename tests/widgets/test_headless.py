"""`report`: analysis files plus charts.png and cycles.png, offline or after a download."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtGui import QImage

from app.cache import Cache
from app.errors import EXIT_BAD_INPUT, EXIT_OK
from main import build_parser
from main import run as riskcurve_main
from tests.fakes.series import daily_rows
from tests.widgets.gui_helpers import fast_settings, fill_cache, save
from widgets.charts.image_export import is_blank
from widgets.headless import run_report

pytestmark = pytest.mark.gui

FILES = {
    "events.csv",
    "summary.csv",
    "regimes.csv",
    "cycles.csv",
    "correlation.csv",
    "correlation_by_year.csv",
    "lead_lag.csv",
    "analysis.json",
    "charts.png",
    "cycles.png",
}


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["report", *argv])


def test_offline_report_writes_every_file_and_both_images(qtbot, paths, tmp_path, capsys):
    fill_cache(paths, leader_days=900, follower_days=1300)
    save(paths, fast_settings())
    out = tmp_path / "report"
    assert run_report(_args("--out", str(out), "--offline", "--width", "800"), paths) == EXIT_OK
    assert {p.name for p in out.iterdir()} == FILES
    for name in ("charts.png", "cycles.png"):
        image = QImage(str(out / name))
        assert image.width() == 800 and not is_blank(image)
    assert "charts.png" in capsys.readouterr().out


def test_report_without_cached_data_says_what_is_missing(qtbot, paths, tmp_path, capsys):
    save(paths, fast_settings())
    assert run_report(_args("--out", str(tmp_path / "r"), "--offline"), paths) == EXIT_BAD_INPUT
    assert "yahoo:^RUT" in capsys.readouterr().err


def test_a_bad_width_is_refused_before_any_work(paths, tmp_path, capsys):
    assert run_report(_args("--out", str(tmp_path / "r"), "--width", "5"), paths) == EXIT_BAD_INPUT
    assert "width" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_online_report_fetches_first(qtbot, paths, tmp_path, fake_upstreams):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(500, first_price=200.0))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(900))
    save(paths, fast_settings(fetch_timeout_s=20.0))
    out = tmp_path / "online"
    assert run_report(_args("--out", str(out), "--width", "640"), paths) == EXIT_OK
    with Cache.open(paths.database) as cache:
        assert cache.instrument("yahoo:^RUT").rows == 500
    assert (out / "charts.png").is_file()


def test_report_offline_without_data_is_bad_input(paths, tmp_path, capsys):
    assert riskcurve_main(["report", "--out", str(tmp_path / "r"), "--offline"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.count("\n") == 1
