"""A damaged write-ahead log (issue 10, item 5).

An import committed but still only in the `-wal` file (the state a crash leaves before the
checkpoint), then the WAL damaged by byte edits: its header, its salt, a frame, a frame's salt,
or cut short. SQLite silently drops the import and deletes the WAL at the next open; Riskcurve
must keep a copy of the WAL, byte for byte, and say so in one line. A whole WAL, and one that
ends in a write interrupted mid-transaction, must replay without a word. And every committed
batch is checkpointed at once, so committed bars do not stay only in the WAL.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main

HISTORY = "yahoo:^RUT"
IMPORTED = "csv:imported"
IMPORTED_BARS = 3_000
HEADER, FRAME_HEADER, PAGE = 32, 24, 4096
FRAME = FRAME_HEADER + PAGE


def _flip(offset: int):
    def damage(raw: bytes) -> bytes:
        return raw[:offset] + bytes([raw[offset] ^ 0xFF]) + raw[offset + 1 :]

    return damage


WAL_DAMAGE = {
    "header checksum": _flip(24),
    "header salt": _flip(17),
    "frame page data": _flip(HEADER + FRAME_HEADER + 100),
    "frame salt": _flip(HEADER + 18),
    "last frame's salt": lambda raw: _flip(len(raw) - FRAME + 18)(raw),
    "cut inside the last frame": lambda raw: raw[:-100],
}


def _series(start: int, count: int):
    close = 1.0 + np.arange(count, dtype=float)
    return bars_from_arrays(
        np.arange(start, start + count),
        dict.fromkeys(("open", "high", "low", "close", "volume"), close),
    )


def _insert_import(db: sqlite3.Connection, key: str = IMPORTED, first_day: int = 10_000) -> None:
    """Commit an imported series with plain SQL, so no Riskcurve code checkpoints it."""
    db.execute("BEGIN")
    db.execute("INSERT INTO instruments (key, source, ticker) VALUES (?, 'csv', ?)", (key, key))
    (instrument,) = db.execute("SELECT id FROM instruments WHERE key=?", (key,)).fetchone()
    db.executemany(
        "INSERT INTO bars (instrument_id, day, close, fetched_at) VALUES (?, ?, ?, 0)",
        ((instrument, first_day + n, 1.0 + n) for n in range(IMPORTED_BARS)),
    )
    db.execute("COMMIT")


def committed_only_in_the_wal(folder: Path, *, interrupted_write: bool = False) -> Path:
    """A cache in `folder` whose last import is committed in its -wal file only.

    The files are copied while the writer still has them open, as a crash would leave them;
    `interrupted_write` adds a second, uncommitted transaction that spilled frames to the WAL.
    """
    source = folder / "source" / "riskcurve.sqlite3"
    source.parent.mkdir(parents=True)
    with Cache.open(source) as cache:
        cache.store_bars(HISTORY, _series(15_000, 500))
    db = sqlite3.connect(source, isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint=0")
    _insert_import(db)
    if interrupted_write:
        db.execute("PRAGMA cache_size=2")  # spill the open transaction's pages to the WAL
        db.execute("BEGIN")
        db.execute("INSERT INTO instruments (key, source, ticker) VALUES ('csv:half', 'csv', 'h')")
        db.executemany(
            "INSERT INTO bars (instrument_id, day, close, fetched_at) VALUES (99, ?, 1, 0)",
            ((day,) for day in range(20_000)),
        )
    target = folder / "data" / "riskcurve.sqlite3"
    target.parent.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    db.close()
    assert Path(f"{target}-wal").stat().st_size > 10 * FRAME
    return target


def _wal_copies(database: Path) -> list[Path]:
    return sorted(database.parent.glob(database.name + "-wal.damaged-*"))


def test_a_whole_wal_replays_without_a_word(tmp_path):
    database = committed_only_in_the_wal(tmp_path)
    with Cache.open(database) as cache:
        assert cache.notice == ""
        assert len(cache.load_bars(IMPORTED)) == IMPORTED_BARS
    assert _wal_copies(database) == []


def test_a_write_interrupted_mid_transaction_is_no_damage(tmp_path):
    database = committed_only_in_the_wal(tmp_path, interrupted_write=True)
    with Cache.open(database) as cache:
        assert cache.notice == ""
        assert len(cache.load_bars(IMPORTED)) == IMPORTED_BARS
        assert cache.instrument("csv:half") is None
    assert _wal_copies(database) == []


@pytest.mark.parametrize("case", sorted(WAL_DAMAGE))
def test_a_damaged_wal_is_kept_and_told(tmp_path, case):
    database = committed_only_in_the_wal(tmp_path)
    wal = Path(f"{database}-wal")
    damaged = WAL_DAMAGE[case](wal.read_bytes())
    wal.write_bytes(damaged)
    with Cache.open(database) as cache:
        notice = cache.notice
        assert "write-ahead log" in notice and "may be missing" in notice, notice
        assert "\n" not in notice and len(notice) < 400
        assert len(cache.load_bars(HISTORY)) == 500  # what was checkpointed is untouched
    (copy,) = _wal_copies(database)
    assert str(copy) in notice and copy.read_bytes() == damaged
    with Cache.open(database) as again:  # told once: the copy is kept, the WAL replayed
        assert again.notice == ""


def test_the_command_line_says_it_in_one_line(paths, tmp_path, capsys):
    built = committed_only_in_the_wal(tmp_path)
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{built}{suffix}", f"{paths.database}{suffix}")
    wal = Path(f"{paths.database}-wal")
    wal.write_bytes(WAL_DAMAGE["frame page data"](wal.read_bytes()))
    assert cli_main(["status"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "write-ahead log" in err and "A copy was kept" in err
    assert len(_wal_copies(paths.database)) == 1


def test_every_committed_batch_is_checkpointed_at_once(tmp_path):
    database = tmp_path / "riskcurve.sqlite3"
    with Cache.open(database) as cache, Cache.open(database) as reader:
        reader.instruments()  # a second connection that is idle must not keep the WAL filled
        cache.store_bars(IMPORTED, _series(10_000, IMPORTED_BARS))
        assert Path(f"{database}-wal").stat().st_size == 0
        # The bars are in the cache file itself: a copy without the WAL holds them.
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(database, copy)
        db = sqlite3.connect(copy)
        assert db.execute("SELECT count(*) FROM bars").fetchone()[0] == IMPORTED_BARS
        db.close()
