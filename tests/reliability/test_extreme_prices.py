"""Extreme prices (issue 10, item 14): closes of 1e-300 and 1e300 are refused on import with
the line and the allowed range, and a cache that already holds such bars (stored before the
bound existed) never crashes `analyze --format json` or `report`: non-finite results are null.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.errors import CsvFormatError
from app.sources.csv_file import read_csv_bars
from main import run as riskcurve_run

LEADER, FOLLOWER = "yahoo:^RUT", "ccxt:bitstamp:BTC/USD"


def _extreme_bars(days: int = 1_500):
    close = np.where(np.arange(days) % 2 == 0, 1e300, 1e-300)
    return bars_from_arrays(
        15_000 + np.arange(days),
        {"open": close, "high": close, "low": close, "close": close, "volume": close},
    )


def _leader_bars(days: int = 1_500):
    close = 100.0 + 20 * np.sin(np.arange(days) / 50.0) + np.arange(days) * 0.05
    return bars_from_arrays(
        15_000 + np.arange(days),
        {"open": close, "high": close * 1.01, "low": close * 0.99, "close": close, "volume": close},
    )


@pytest.fixture
def extreme_cache(paths):
    with Cache.open(paths.database) as cache:
        cache.store_bars(LEADER, _leader_bars())
        cache.store_bars(FOLLOWER, _extreme_bars())
    return paths


def test_analyze_json_writes_null_for_what_overflows(extreme_cache, capsys):
    assert cli_main(["analyze", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)  # strict JSON: no NaN, no Infinity
    assert document["instruments"]["follower"]["bars"] == 1_500


def test_report_writes_every_file_from_extreme_prices(extreme_cache, tmp_path):
    out = tmp_path / "report"
    assert riskcurve_run(["report", "--out", str(out), "--offline"]) == 0
    json.loads((out / "analysis.json").read_text())
    assert (out / "charts.png").stat().st_size > 0


@pytest.mark.parametrize(
    ("close", "line"), [("1e-300", 3), ("1e300", 3), ("0.000000001", 3), ("2e12", 3)]
)
def test_import_refuses_prices_outside_the_bounds_with_the_line(tmp_path, close, line):
    path = tmp_path / "extreme.csv"
    path.write_text(f"Date,Close\n2024-01-02,5\n2024-01-03,{close}\n")
    with pytest.raises(CsvFormatError) as caught:
        read_csv_bars(path)
    assert caught.value.line == line
    assert "1e-08" in str(caught.value) and "1e+12" in str(caught.value)


def test_prices_at_the_bounds_are_accepted(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Date,Close\n2024-01-02,0.00000001\n2024-01-03,1000000000000\n")
    assert read_csv_bars(path)["close"].tolist() == [1e-8, 1e12]
