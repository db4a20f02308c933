"""The SQLite cache: round trips, replace-on-restore, all-or-nothing batches, damage, sharing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cache import SCHEMA_VERSION, Cache
from app.errors import CacheError, FetchError, UnknownInstrumentError
from tests.app.helpers import make_bars

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path):
    with Cache.open(tmp_path / "cache.sqlite3") as opened:
        yield opened


def test_store_and_load_round_trip_keeps_values_and_missing_fields(cache):
    bars = make_bars(18_000, [10.0, 11.5, 12.25, 9.0])
    bars.iloc[1, bars.columns.get_loc("open")] = np.nan
    bars.iloc[2, bars.columns.get_loc("volume")] = np.nan
    assert cache.store_bars("yahoo:^RUT", bars) == 4
    loaded = cache.load_bars("yahoo:^RUT")
    pd.testing.assert_frame_equal(loaded, bars)
    assert loaded.index.name == "date"
    assert str(loaded.index.dtype) == "datetime64[s]"


def test_instrument_summary_tracks_rows_and_dates(cache):
    cache.store_bars("ccxt:bitstamp:BTC/USD", make_bars(18_000, [1, 2, 3]), currency="USD")
    info = cache.instrument("ccxt:bitstamp:BTC/USD")
    assert (info.source, info.ticker, info.exchange, info.currency) == (
        "ccxt",
        "BTC/USD",
        "bitstamp",
        "USD",
    )
    assert info.rows == 3
    assert str(info.first_date) == "2019-04-14" and str(info.last_date) == "2019-04-16"
    assert info.last_fetch is None and info.last_error == ""


def test_restoring_a_day_replaces_it(cache):
    cache.store_bars("csv:x", make_bars(100, [1.0, 2.0, 3.0]))
    cache.store_bars("csv:x", make_bars(102, [30.0, 40.0]))
    loaded = cache.load_bars("csv:x")
    assert loaded["close"].tolist() == [1.0, 2.0, 30.0, 40.0]
    assert cache.instrument("csv:x").rows == 4


def test_fetched_store_records_success_and_clears_error(cache):
    cache.record_error("yahoo:^RUT", FetchError("offline"))
    assert cache.instrument("yahoo:^RUT").last_error == "offline"
    cache.store_bars("yahoo:^RUT", make_bars(100, [1.0]), fetched=True)
    info = cache.instrument("yahoo:^RUT")
    assert info.last_error == "" and info.last_fetch is not None


def test_failed_batch_stores_nothing(cache):
    cache.store_bars("csv:x", make_bars(100, [1.0, 2.0]))
    bad = make_bars(200, [5.0, 6.0, 7.0])
    # close is NOT NULL: a batch with a missing close in its middle must roll back entirely.
    # Every source validates bars first, so reaching the constraint is our bug: the SQLite
    # error goes on as it is (with its traceback), not as a CacheError for the user.
    bad.iloc[2, bad.columns.get_loc("close")] = np.nan
    with pytest.raises(sqlite3.IntegrityError):
        cache.store_bars("csv:x", bad)
    assert cache.load_bars("csv:x")["close"].tolist() == [1.0, 2.0]
    assert cache.instrument("csv:x").rows == 2


def test_unknown_instrument_is_a_plain_error(cache):
    with pytest.raises(UnknownInstrumentError, match="No cached data for yahoo:\\^GSPC"):
        cache.load_bars("yahoo:^GSPC")


def test_empty_instrument_loads_as_empty_frame(cache):
    cache.record_error("yahoo:^RUT", FetchError("offline"))
    loaded = cache.load_bars("yahoo:^RUT")
    assert loaded.empty and list(loaded.columns) == ["open", "high", "low", "close", "volume"]


def test_schema_version_and_wal(tmp_path):
    path = tmp_path / "c.sqlite3"
    Cache.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "c.sqlite3"
    Cache.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(CacheError, match="newer Riskcurve"):
        Cache.open(path)
    assert path.exists()


@pytest.mark.parametrize("damage", [b"garbage" * 1000, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_damaged_file_is_moved_aside_and_replaced(tmp_path, damage):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(damage)
    with Cache.open(path) as cache:
        assert "damaged" in cache.notice and "moved to" in cache.notice
        assert cache.instruments() == []
        cache.store_bars("csv:x", make_bars(100, [1.0]))
    backups = list(tmp_path.glob("c.sqlite3.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == damage


def test_writer_and_reader_processes_share_the_cache(tmp_path):
    """One process writes batches while this one reads: both work (WAL)."""
    path = tmp_path / "shared.sqlite3"
    with Cache.open(path) as cache:
        cache.store_bars("csv:x", make_bars(0, [1.0] * 10))
    writer = (
        "import sys; sys.path.insert(0, sys.argv[2])\n"
        "from app.cache import Cache\nfrom tests.app.helpers import make_bars\n"
        "c = Cache.open(sys.argv[1])\n"
        "for i in range(40): c.store_bars('csv:x', make_bars(10 + i * 50, [2.0] * 50))\n"
        "print('done')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", writer, str(path), str(ROOT)], stdout=subprocess.PIPE, text=True
    )
    reads = 0
    with Cache.open(path) as reader:
        while proc.poll() is None or reads < 5:
            rows = len(reader.load_bars("csv:x"))
            assert rows >= 10 and (rows - 10) % 50 == 0  # whole batches only
            reads += 1
        out, _ = proc.communicate(timeout=60)
        assert out.strip() == "done" and proc.returncode == 0
        assert len(reader.load_bars("csv:x")) == 10 + 40 * 50


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Tokyo", "Pacific/Auckland"])
def test_a_bar_shows_the_same_date_in_every_time_zone(tmp_path, tz):
    path = tmp_path / "tz.sqlite3"
    with Cache.open(path) as cache:
        cache.store_bars("yahoo:^RUT", make_bars(19_000, [1.0, 2.0]))  # 2022-01-08, 2022-01-09
    code = (
        "import sys; sys.path.insert(0, sys.argv[2])\n"
        "from app.cache import Cache\n"
        "c = Cache.open(sys.argv[1])\n"
        "print(c.load_bars('yahoo:^RUT').index.strftime('%Y-%m-%d').tolist(),"
        " c.instrument('yahoo:^RUT').last_date)\n"
    )
    env = dict(os.environ, TZ=tz)
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "['2022-01-08', '2022-01-09'] 2022-01-09"
