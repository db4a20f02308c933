"""`scan`, `alerts` and the alerts `fetch` prints, through the command line's entry point."""

from __future__ import annotations

import json

from app.cache import Cache
from app.cli import main
from app.config import Settings
from app.settings_file import save_settings
from tests.app.ladder.series import ladder_frames
from tests.app.ladder.test_alerts import BTC, RUT, btc_closes, rows, rut_closes

KEYS = "csv:leader,csv:rally,csv:wave"


def _cache_ladder(paths):
    with Cache.open(paths.database) as cache:
        for key, frame in ladder_frames().items():
            if len(frame):
                cache.store_bars(key, frame)


def test_scan_prints_the_table_and_matrix_and_writes_its_files(paths, tmp_path, capsys):
    _cache_ladder(paths)
    out = tmp_path / "scan"
    assert main(["scan", "--ladder", KEYS, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Pair matrix at 90 days (leader above follower" in printed
    assert "unusually strong (9)" in printed and "not distinguishable (9)" in printed
    assert sorted(p.name for p in out.iterdir()) == ["ladder.csv", "pairs.csv", "scan.json"]
    document = json.loads((out / "scan.json").read_text())
    assert document["seed"] == Settings().seed and document["parameters"]["horizon"] == 90
    assert document["data_ranges"]["csv:leader"]["bars"] == 4_700
    pairs = (out / "pairs.csv").read_text().splitlines()
    assert pairs[0].startswith("leader,follower,horizon,breakouts,n_events")
    assert len(pairs) == 4  # header and three pairs
    assert main(["scan", "--ladder", KEYS, "--out", str(out)]) == 2  # never replaced unasked
    assert "--force" in capsys.readouterr().err


def test_scan_options_are_checked_by_the_settings_rules(paths, capsys):
    assert main(["scan", "--ladder", "csv:leader"]) == 2
    assert capsys.readouterr().err.strip() == (
        "riskcurve: --ladder: must have 2 to 10 instruments (got 1)"
    )
    assert main(["scan", "--ladder", KEYS, "--horizon", "0"]) == 2
    assert "--horizon: must be from 1 to 3,650 days" in capsys.readouterr().err
    _cache_ladder(paths)
    assert (
        main(["scan", "--ladder", KEYS, "--horizon", "60", "--all-pairs", "--format", "csv"]) == 0
    )
    assert capsys.readouterr().out.count("csv:rally,csv:leader,60,") == 1


def test_fetch_prints_new_alerts_and_alerts_lists_them_without_marking(
    fake_upstreams, paths, capsys
):
    save_settings(paths.config, Settings().with_changes(ladder=(RUT, BTC), extra_instruments=()))
    fake_upstreams.yahoo.add_symbol("^RUT", rows(rut_closes()))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", rows(btc_closes()))
    assert main(["fetch", "--timeout", "20"]) == 0
    assert "new alert" not in capsys.readouterr().out
    fake_upstreams.yahoo.add_symbol("^RUT", rows([*rut_closes(), 205.0]))
    assert main(["fetch", "--timeout", "20"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == [f"{RUT}: 1 new bars", f"{BTC}: 0 new bars"]
    assert printed[2] == "1 new alert:"
    assert " breakout yahoo:^RUT (unread): Russell 2000 (^RUT) broke out" in printed[3]
    assert printed[4].startswith(f"    -> {BTC}: 90 days:")
    for _ in range(2):  # listing does not mark them read
        assert main(["alerts"]) == 0
        assert "breakout yahoo:^RUT (unread)" in capsys.readouterr().out
    assert main(["alerts", "--all"]) == 0
    assert capsys.readouterr().out.count(" breakout yahoo:^RUT") == 1
