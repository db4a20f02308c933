"""A data folder that came from someone else never runs code, and damaged yfinance caches in
it never matter (issue 10, items 1 and 9).

Riskcurve 0.x let yfinance keep its caches in `cache/yfinance/` of the data folder; yfinance
unpickles its cookie cache, so a planted `cookies.db` ran code on the next Yahoo fetch, and a
truncated or garbage cache file (or a folder in its place) crashed every Yahoo fetch. The
tests plant such files where they used to live and fetch through the loopback Yahoo fake.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from app.cache import Cache
from app.cli import main as cli_main
from app.fetch import refresh
from tests.fakes.series import daily_rows

OLD_FOLDER = Path("cache") / "yfinance"  # where yfinance's caches used to live, in DIR


class _Payload:
    """Unpickling this creates the marker file: proof that the pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (open, (str(self.marker), "w"))


def plant_cookie_pickle(folder: Path, marker: Path) -> None:
    """A cookies.db exactly as yfinance 1.7 writes it, holding a hostile pickle."""
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / "cookies.db") as db:
        db.execute(
            "CREATE TABLE _cookieschema (strategy VARCHAR(255) NOT NULL PRIMARY KEY, "
            "fetch_date DATETIME NOT NULL, cookie_bytes BLOB NOT NULL) WITHOUT ROWID"
        )
        db.execute(
            "INSERT INTO _cookieschema VALUES ('curlCffi', '2026-01-01T00:00:00', ?)",
            (pickle.dumps(_Payload(marker)),),
        )
        db.execute(
            "INSERT INTO _cookieschema VALUES ('csrf', '2026-01-01T00:00:00', ?)",
            (pickle.dumps(_Payload(marker)),),
        )


@pytest.fixture
def no_yfinance_files(monkeypatch):
    """Fail the test if yfinance opens any of its cache databases, wherever they point."""
    from yfinance import cache

    def refuse(cls):
        raise AssertionError(f"yfinance opened a cache file via {cls.__name__}")

    for manager in (cache._TzDBManager, cache._CookieDBManager, cache._ISINDBManager):
        monkeypatch.setattr(manager, "get_database", classmethod(refuse))


def test_a_planted_cookie_pickle_is_never_loaded(fake_yahoo, data_dir, paths, tmp_path):
    fake_yahoo.add_symbol("^RUT", daily_rows(60))
    marker = tmp_path / "pickle-was-loaded"
    plant_cookie_pickle(data_dir / OLD_FOLDER, marker)

    outcome = refresh(paths.database, ["yahoo:^RUT"], timeout_s=20)[0]

    assert not marker.exists()
    assert outcome.ok and outcome.new_bars == 60


def test_yfinance_never_opens_a_cache_file(fake_yahoo, paths, no_yfinance_files):
    fake_yahoo.add_symbol("^RUT", daily_rows(60))
    fake_yahoo.add_symbol("^GSPC", daily_rows(30))

    outcomes = refresh(paths.database, ["yahoo:^RUT", "yahoo:^GSPC"], timeout_s=20)
    again = refresh(paths.database, ["yahoo:^RUT"], timeout_s=20)  # cookie and zones reused

    assert [o.ok for o in outcomes + again] == [True, True, True]
    assert sorted(p.name for p in paths.cache.rglob("*")) == []


DAMAGED = {
    "garbage cookies.db": lambda folder: (folder / "cookies.db").write_bytes(b"\x8f" * 5000),
    "garbage tkr-tz.db": lambda folder: (folder / "tkr-tz.db").write_bytes(b"not sqlite" * 99),
    "truncated cookies.db": lambda folder: _truncated(folder / "cookies.db"),
    "a folder named cookies.db": lambda folder: (folder / "cookies.db").mkdir(),
    "a folder named tkr-tz.db": lambda folder: (folder / "tkr-tz.db").mkdir(),
    "a file where the cache folder was": lambda folder: _file_instead_of(folder),
}


def _truncated(path: Path) -> None:
    plant_cookie_pickle(path.parent, path.parent / "unused-marker")
    path.write_bytes(path.read_bytes()[:700])


def _file_instead_of(folder: Path) -> None:
    folder.rmdir()
    folder.write_bytes(b"x")


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_a_damaged_old_yfinance_cache_does_not_matter(
    damage, fake_upstreams, data_dir, paths, capsys
):
    fake_upstreams.yahoo.add_symbol("^RUT", daily_rows(60))
    fake_upstreams.exchange.add_market("bitstamp", "BTC/USD", daily_rows(90))
    folder = data_dir / OLD_FOLDER
    folder.mkdir(parents=True)
    DAMAGED[damage](folder)

    code = cli_main(["fetch", "yahoo:^RUT", "ccxt:bitstamp:BTC/USD", "--timeout", "20"])

    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Traceback" not in out.err
    with Cache.open(paths.database) as cache:
        assert cache.instrument("yahoo:^RUT").rows == 60
        assert cache.instrument("ccxt:bitstamp:BTC/USD").rows == 90
