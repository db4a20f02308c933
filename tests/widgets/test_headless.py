"""`report`: analysis files plus charts.png, cycles.png and ladder.png, offline or after a
download."""

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
    "ladder.png",
}


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["report", *argv])


def test_offline_report_writes_every_file_and_both_images(qtbot, paths, tmp_path, capsys):
    fill_cache(paths, leader_days=900, follower_days=1300)
    save(paths, fast_settings())
    out = tmp_path / "report"
    assert run_report(_args("--out", str(out), "--offline", "--width", "800"), paths) == EXIT_OK
    assert {p.name for p in out.iterdir()} == FILES
    for name in ("charts.png", "cycles.png", "ladder.png"):
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


def _cell(leader: str, follower: str, kind: str):
    from app.ladder.pairs import PairCell

    nan = float("nan")
    return PairCell(leader, follower, 90, 6, 6, 0.3, 0.05, nan, nan, 0.01, nan, f"{kind}.", kind)


def test_the_ladder_page_tints_conclusive_verdicts_and_leaves_quiet_ones_plain(qtbot, tmp_path):
    from app.ladder.rungs import RungState
    from app.ladder.scan import LadderScan
    from widgets.charts.ladder_image import render_ladder_png
    from widgets.theme import theme_from_palette, verdict_look

    keys = ("yahoo:^GSPC", "yahoo:^RUT", "ccxt:bitstamp:BTC/USD")
    rungs = tuple(RungState(key=k, name=k) for k in keys)
    cells = (
        _cell(keys[0], keys[1], "too_few"),
        _cell(keys[0], keys[2], "not_distinguishable"),
        _cell(keys[1], keys[2], "unusually_strong"),
    )
    scan = LadderScan(keys, 90, False, rungs, cells, seed=1, bootstrap_draws=100)
    path = render_ladder_png(scan, tmp_path / "ladder.png", 1000, "caption")
    image = QImage(str(path))
    assert image.width() == 1000 and 200 < image.height() < 2000 and not is_blank(image)
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, 1000, 3)
        for y in range(0, image.height(), 3)
    }
    assert verdict_look("unusually_strong").background.name() in colours
    for kind in ("suggestive", "unusually_weak"):  # not on this ladder: not painted
        assert verdict_look(kind).background.name() not in colours
    assert verdict_look("too_few").background is None
    assert theme_from_palette().background.name() in colours
