"""Future-dated bars (issue 10, item 8).

A typo in an imported file (2062 for 2026) used to be stored; from then on every incremental
fetch asked the provider for prices since 2062 and failed, and `fetch --full` merged the new
history with the bogus bar, keeping it. Now: import refuses a bar dated after tomorrow (UTC)
with its line; a source that sends such bars has them dropped with a note; an instrument that
already holds one says so and names the way out (`fetch --full`), which replaces its bars.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from app.bars import bars_from_arrays
from app.cache import Cache
from app.cli import main as cli_main
from app.errors import CsvFormatError
from app.fetch import refresh
from app.sources.csv_file import read_csv_bars
from tests.fakes.series import daily_rows, today_epoch_day

RUT = "yahoo:^RUT"


def _tomorrow() -> dt.date:
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def test_import_refuses_a_date_after_tomorrow_with_its_line(tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("Date,Close\n2024-01-02,5\n2062-02-18,6\n2024-01-03,7\n")
    with pytest.raises(CsvFormatError) as caught:
        read_csv_bars(path)
    assert caught.value.line == 3
    assert "2062-02-18" in str(caught.value) and "future" in str(caught.value)


def test_import_accepts_tomorrow(tmp_path):
    path = tmp_path / "tomorrow.csv"
    path.write_text(f"Date,Close\n{_tomorrow().isoformat()},5\n")
    assert read_csv_bars(path)["close"].tolist() == [5.0]


def test_the_cli_import_of_a_typo_is_one_line_and_stores_nothing(paths, tmp_path, capsys):
    path = tmp_path / "typo.csv"
    path.write_text("Date,Close\n2024-01-02,5\n2062-02-18,6\n")
    assert cli_main(["import", str(path), "--symbol", RUT]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 3" in err
    with Cache.open(paths.database) as cache:
        assert cache.instrument(RUT) is None


def test_a_source_sending_future_bars_has_them_dropped_with_a_note(fake_yahoo, paths):
    rows = daily_rows(50)
    future = [(today_epoch_day() + n, 1.0, 2.0, 0.5, 1.5, 10.0) for n in (4000, 9000)]
    fake_yahoo.add_symbol("^RUT", [*rows[:25], *future, *rows[25:]], ignore_range=True)
    outcome = refresh(paths.database, [RUT], timeout_s=20)[0]
    assert outcome.ok and outcome.new_bars == 50
    assert any("after tomorrow" in note for note in outcome.notes), outcome.notes
    with Cache.open(paths.database) as cache:
        assert cache.last_day(RUT) == rows[-1][0]


def _plant_bogus_bar(db) -> None:
    """The cache as an import before the fix left it: real history plus a bar in 2062."""
    day = (dt.date(2062, 2, 18) - dt.date(1970, 1, 1)).days
    close = np.array([9.0])
    with Cache.open(db) as cache:
        cache.store_bars(
            RUT,
            bars_from_arrays(
                np.array([day]),
                {"open": close, "high": close, "low": close, "close": close, "volume": close},
            ),
        )


def test_an_instrument_holding_a_future_bar_names_the_way_out(fake_yahoo, paths):
    fake_yahoo.add_symbol("^RUT", daily_rows(50))
    refresh(paths.database, [RUT], timeout_s=20)
    _plant_bogus_bar(paths.database)
    outcome = refresh(paths.database, [RUT], timeout_s=20)[0]
    assert not outcome.ok
    message = str(outcome.error)
    assert "2062-02-18" in message and "fetch --full" in message and "since 2062" not in message


def test_a_full_fetch_replaces_the_bars_and_the_bogus_one_is_gone(fake_yahoo, paths):
    rows = daily_rows(50)
    fake_yahoo.add_symbol("^RUT", rows)
    refresh(paths.database, [RUT], timeout_s=20)
    _plant_bogus_bar(paths.database)
    outcome = refresh(paths.database, [RUT], full=True, timeout_s=20)[0]
    assert outcome.ok
    with Cache.open(paths.database) as cache:
        assert cache.last_day(RUT) == rows[-1][0]
        assert cache.instrument(RUT).rows == 50
    assert refresh(paths.database, [RUT], timeout_s=20)[0].ok  # incremental works again
