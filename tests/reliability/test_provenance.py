"""Provenance is recorded, not claimed (issue 10, item 20).

A CSV imported as `ccxt:bitstamp:BTC/USD` is told as that file, not as "Bitstamp via ccxt",
in analysis.json, the report caption, the Data tab and `status`; after a fetch tops it up the
sources read "CSV file … to DATE, then Bitstamp via ccxt". One function names sources.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from app.cache import Cache
from app.cli import main
from app.errors import EXIT_OK
from app.provenance import Origin
from tests.app.helpers import make_bars

ROOT = Path(__file__).resolve().parents[2]
LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"


def _csv(path: Path, first: str, closes) -> Path:
    import pandas as pd

    days = pd.date_range(first, periods=len(closes))
    path.write_text(
        "Date,Close\n" + "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in zip(days, closes, strict=True))
    )
    return path


@pytest.fixture
def imported(tmp_path, paths):
    rng = np.random.default_rng(3)
    leader = np.exp(np.cumsum(rng.normal(0.0005, 0.01, 2000))) * 100
    follower = np.exp(np.cumsum(rng.normal(0.001, 0.03, 1500))) * 5
    _csv(tmp_path / "RUT_daily.csv", "2012-01-01", leader)
    _csv(tmp_path / "BTC_USD_daily.csv", "2013-01-01", follower)
    assert main(["import", str(tmp_path / "RUT_daily.csv"), "--symbol", LEADER]) == EXIT_OK
    assert main(["import", str(tmp_path / "BTC_USD_daily.csv"), "--symbol", FOLLOWER]) == EXIT_OK
    return paths


def _analysis(tmp_path, name="out") -> dict:
    out = tmp_path / name
    assert main(["analyze", "--out", str(out), "--bootstrap-draws", "100"]) == EXIT_OK
    return json.loads((out / "analysis.json").read_text())


def test_an_imported_file_is_named_as_the_source_not_the_keys_exchange(imported, tmp_path, capsys):
    follower = _analysis(tmp_path)["instruments"]["follower"]
    assert follower["source"] == "CSV file BTC_USD_daily.csv"
    assert "via ccxt" not in json.dumps(follower)
    [record] = follower["sources"]
    assert (record["kind"], record["name"]) == ("file", "BTC_USD_daily.csv")
    assert (record["first_date"], record["bars"]) == ("2013-01-01", 1500)
    assert record["stored_at"] is not None
    capsys.readouterr()
    assert main(["status"]) == EXIT_OK
    assert "CSV file BTC_USD_daily.csv" in capsys.readouterr().out


def test_a_fetch_after_the_file_is_told_with_the_date_between(imported, tmp_path):
    with Cache.open(imported.database) as cache:
        last = cache.instrument(FOLLOWER).last_date
        start = (last - last.__class__(1970, 1, 1)).days - 4  # the fetch's overlap
        cache.store_bars(FOLLOWER, make_bars(start, np.linspace(9, 10, 20)), fetched=True)
        switch = cache.instrument(FOLLOWER).sources[0].last_date
        sources = cache.recorded_sources([LEADER, FOLLOWER])
    expected = f"CSV file BTC_USD_daily.csv to {switch:%Y-%m-%d}, then Bitstamp via ccxt"
    assert _analysis(tmp_path, "after")["instruments"]["follower"]["source"] == expected
    from widgets.charts.image_export import caption_text
    from widgets.tables.data_columns import instruments_frame

    caption = caption_text(_fake_result(), *_dates(), sources)
    assert expected in caption and "RUT_daily.csv" in caption
    with Cache.open(imported.database) as cache:
        frame = instruments_frame(cache.instruments(), 4)
    assert expected in frame["source"].tolist()


def test_a_bar_imported_in_another_spelling_of_the_key_keeps_its_file(paths, tmp_path):
    _csv(tmp_path / "x.csv", "2020-01-01", [1.0, 2.0])
    assert main(["import", str(tmp_path / "x.csv"), "--symbol", "ccxt:Bitstamp:btc/usd"]) == 0
    with Cache.open(paths.database) as cache:
        [span] = cache.instrument(FOLLOWER).sources
    assert span.origin == Origin.file("x.csv")


def test_one_function_names_data_sources():
    """No other module builds a source's name for data: the single place is app/provenance.py
    (before, four helpers each guessed one from the key)."""
    pattern = re.compile(
        r"\} via ccxt|SOURCE_NAMES|def _?source_(name|of|label)\(|_describe_source"
    )
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("app", "widgets")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "provenance.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _fake_result():
    from tests.widgets.result_factory import make_result

    return make_result()


def _dates():
    import pandas as pd

    return pd.Timestamp("2014-01-01"), pd.Timestamp("2016-12-31")
