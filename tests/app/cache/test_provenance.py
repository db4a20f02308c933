"""Every bar records where it came from; the cache keeps the runs of days per origin."""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np
import pytest

from app.cache import SCHEMA_VERSION, Cache
from app.cache.schema import SCHEMA_V1
from app.cache.spans import _scan_runs, read_spans
from app.provenance import FILE, PROVIDER, UNKNOWN, Origin, describe_sources
from tests.app.helpers import make_bars

BTC = "ccxt:bitstamp:BTC/USD"
EPOCH = dt.date(1970, 1, 1)


@pytest.fixture
def cache(tmp_path):
    with Cache.open(tmp_path / "cache.sqlite3") as opened:
        yield opened


def test_a_file_then_a_fetch_is_told_as_two_sources_with_the_date_between(cache):
    closes = np.linspace(100, 200, 30)
    cache.import_bars(BTC, make_bars(20_000, closes[:20]), Origin.file("BTC_USD_daily.csv"))
    # A fetch re-asks the last days (overlap) and adds new ones: those come from Bitstamp.
    cache.store_bars(BTC, make_bars(20_017, closes[17:] * 1.001), fetched=True)
    info = cache.instrument(BTC)
    assert [(s.origin.kind, s.origin.name, s.bars) for s in info.sources] == [
        (FILE, "BTC_USD_daily.csv", 17),
        (PROVIDER, "ccxt:bitstamp", 13),
    ]
    last_file_day = EPOCH + dt.timedelta(days=20_016)
    assert info.source_text == (
        f"CSV file BTC_USD_daily.csv to {last_file_day:%Y-%m-%d}, then Bitstamp via ccxt"
    )
    assert info.sources[1].stored_at is not None
    assert cache.instruments()[0].sources == info.sources


def test_consecutive_fetches_from_one_provider_are_one_run(cache):
    for start in range(20_000, 20_050, 10):
        cache.store_bars("yahoo:^RUT", make_bars(start, np.ones(12) * start), fetched=True)
    [span] = cache.instrument("yahoo:^RUT").sources
    assert (span.origin, span.bars) == (Origin(PROVIDER, "yahoo"), 52)
    assert cache.instrument("yahoo:^RUT").source_text == "Yahoo Finance"


def test_runs_stay_what_a_full_scan_of_the_bars_says(cache):
    """Incremental upkeep against the bars themselves, over random overlapping writes."""
    rng = np.random.default_rng(7)
    origins = [Origin.file("a.csv"), Origin(PROVIDER, "yahoo"), Origin.file("b.csv")]
    for _ in range(60):
        start, step = int(rng.integers(0, 200)), int(rng.integers(1, 4))
        bars = make_bars(20_000 + start, rng.uniform(1, 2, int(rng.integers(1, 40))), step)
        cache.store_bars("yahoo:^RUT", bars, origin=origins[int(rng.integers(0, 3))])
    db = cache.connection
    instrument_id = db.execute("SELECT id FROM instruments").fetchone()[0]
    spans = read_spans(db, instrument_id)
    scanned = _scan_runs(db, instrument_id, 0, 10**6)
    assert [(s.first_date, s.last_date, s.bars, s.origin) for s in spans] == [
        (EPOCH + dt.timedelta(days=a), EPOCH + dt.timedelta(days=b), n, Origin(k, name))
        for a, b, n, k, name, _ in scanned
    ]
    assert sum(s.bars for s in spans) == cache.instrument("yahoo:^RUT").rows


def test_an_older_cache_is_migrated_honestly(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1 + "; PRAGMA user_version=1;")
    db.execute(
        "INSERT INTO instruments (id, key, source, ticker) VALUES (1, ?, 'ccxt', ?)",
        (BTC, "BTC/USD"),
    )
    rows = [(1, d, 1.0, "csv", 100.0) for d in range(20_000, 20_010)]
    rows += [(1, d, 2.0, "ccxt:bitstamp", 200.0) for d in range(20_010, 20_015)]
    rows += [(1, d, 3.0, "", 300.0) for d in range(20_015, 20_016)]
    db.executemany(
        "INSERT INTO bars (instrument_id, day, close, source, fetched_at) VALUES (?,?,?,?,?)", rows
    )
    db.commit()
    db.close()
    with Cache.open(path) as cache:
        assert cache.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        spans = cache.instrument(BTC).sources
        missing = cache.connection.execute(
            "SELECT COUNT(*) FROM bars WHERE provenance_id IS NULL"
        ).fetchone()[0]
    assert missing == 0
    assert [(s.origin.kind, s.origin.name, s.bars) for s in spans] == [
        (FILE, "", 10),
        (PROVIDER, "ccxt:bitstamp", 5),
        (UNKNOWN, "", 1),
    ]
    assert spans[0].stored_at == dt.datetime.fromtimestamp(100.0, dt.UTC)
    text = describe_sources(spans)
    assert text.startswith("a CSV file (name not recorded) to ")
    assert text.endswith("then unknown (before provenance was recorded)")
