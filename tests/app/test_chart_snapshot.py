"""The kept chart drawing: named by exactly what it was made from, used only for that, and
never trusted blindly (app.chart_snapshot)."""

from __future__ import annotations

import dataclasses
import io
import logging
import zipfile

import numpy as np
import pytest

from app.chart_input import ChartInput, chart_input
from app.chart_snapshot import (
    FILE_NAME,
    bars_digest,
    load_snapshot,
    save_snapshot,
    snapshot_key,
    snapshot_path,
)
from app.config import Settings
from tests.widgets.result_factory import make_result


@pytest.fixture(scope="module")
def chart() -> ChartInput:
    return chart_input(make_result(), key="k1", quick="q1")


def _arrays(days: list[int], closes: list[float]):
    return np.asarray(days, dtype=np.int64), {"close": np.asarray(closes), "open": np.ones(2)}


def _assert_same(a: ChartInput, b: ChartInput) -> None:
    for f in dataclasses.fields(ChartInput):
        left, right = getattr(a, f.name), getattr(b, f.name)
        if dataclasses.is_dataclass(left):
            for g in dataclasses.fields(left):
                np.testing.assert_array_equal(getattr(left, g.name), getattr(right, g.name))
        elif isinstance(left, np.ndarray):
            np.testing.assert_array_equal(left, right)
        else:
            assert left == right, f.name


def test_a_kept_drawing_comes_back_as_it_was_drawn(tmp_path, chart):
    assert len(chart.breakouts) and chart.key_dates and chart.bull_starts.size
    path = snapshot_path(tmp_path)
    assert path.name == FILE_NAME
    assert save_snapshot(path, chart)
    _assert_same(load_snapshot(path, "q1"), chart)
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left


def test_a_drawing_made_from_other_input_is_not_used(tmp_path, chart):
    path = snapshot_path(tmp_path)
    save_snapshot(path, chart)
    assert load_snapshot(path, "another key") is None
    assert load_snapshot(path, "") is None  # a drawing with no quick key is never found
    assert load_snapshot(tmp_path / "absent.npz", "q1") is None


def test_the_key_changes_with_any_bar_source_or_analysis_setting_and_with_nothing_else():
    leader, follower = _arrays([1, 2], [10.0, 11.0]), _arrays([1, 2], [5.0, 6.0])
    bars = bars_digest(leader, follower, ["csv"])
    base = Settings()
    key = snapshot_key(base, bars)
    changed_close = _arrays([1, 2], [10.0, 11.5])
    assert bars_digest(changed_close, follower, ["csv"]) != bars
    assert bars_digest(leader, _arrays([1, 3], [5.0, 6.0]), ["csv"]) != bars
    assert bars_digest(leader, follower, ["yahoo"]) != bars
    assert snapshot_key(dataclasses.replace(base, min_gap_days=400), bars) != key
    assert snapshot_key(dataclasses.replace(base, follower="yahoo:BTC-USD"), bars) != key
    renamed = base.with_instrument(base.leader, label="Small caps")
    assert snapshot_key(renamed, bars) != key
    # Settings the analysis never reads leave the kept drawing usable.
    for unrelated in ({"refresh_on_start": False}, {"fetch_timeout_s": 5.0}):
        assert snapshot_key(dataclasses.replace(base, **unrelated), bars) == key
    assert snapshot_key(base, "") == ""  # unknown bars: nothing to name


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "pickled", "short column", "bad meta"],
)
def test_a_damaged_or_hostile_file_is_not_used_and_is_logged(tmp_path, chart, damage, caplog):
    path = snapshot_path(tmp_path)
    save_snapshot(path, chart)
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    else:
        path.write_bytes(_rewritten(good, damage))
    with caplog.at_level(logging.WARNING, logger="riskcurve.snapshot"):
        assert load_snapshot(path, "q1") is None
    assert "not used" in caplog.text


def _rewritten(npz: bytes, damage: str) -> bytes:
    """The same archive with one member replaced by what `damage` names."""
    with np.load(io.BytesIO(npz), allow_pickle=False) as original:
        arrays = {name: original[name] for name in original.files}
    if damage == "pickled":  # would run code on load if pickles were allowed
        arrays["leader.xs"] = np.array([object()], dtype=object)
    elif damage == "short column":
        arrays["breakouts.level"] = arrays["breakouts.level"][:-1]
    else:
        arrays["meta"] = np.frombuffer(
            b'{"key": "k1", "quick": "q1", "horizons": ["x"]}', dtype=np.uint8
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, values in arrays.items():
            member = io.BytesIO()
            np.save(member, values, allow_pickle=True)
            archive.writestr(f"{name}.npy", member.getvalue())
    return buffer.getvalue()


def test_a_drawing_that_cannot_be_written_is_reported_and_leaves_nothing(tmp_path, chart, caplog):
    path = tmp_path / "no such folder" / FILE_NAME
    with caplog.at_level(logging.WARNING, logger="riskcurve.snapshot"):
        assert not save_snapshot(path, chart)
    assert "cannot keep the chart snapshot" in caplog.text
    assert not path.parent.exists()


def test_the_caches_summary_changes_with_any_stored_bar(tmp_path):
    from app.cache import Cache
    from tests.widgets.result_factory import synthetic_pair

    leader, _ = synthetic_pair(300, 10)
    with Cache.open(tmp_path / "cache.sqlite") as cache:
        assert cache.bars_summary("yahoo:^RUT") == ()
        cache.store_bars("yahoo:^RUT", leader)
        first = cache.bars_summary("yahoo:^RUT")
        assert first[0] == 300
        assert cache.bars_summary("yahoo:^RUT") == first  # reading changes nothing
        changed = leader.copy()
        changed.iloc[100, changed.columns.get_loc("close")] *= 1.01
        cache.store_bars("yahoo:^RUT", changed)
        assert cache.bars_summary("yahoo:^RUT") != first


def test_a_drawing_says_which_market_lacks_bars_and_each_ones_newest_day():
    import datetime as dt

    from app.chart_input import XY, date_x

    leader = XY(np.array([date_x("2024-01-02"), date_x("2024-03-01")]), np.array([1.0, 2.0]))
    chart = ChartInput("yahoo:^RUT", "ccxt:bitstamp:BTC/USD", leader=leader)
    assert chart.missing() == ("ccxt:bitstamp:BTC/USD",)
    assert chart.last_days() == {"yahoo:^RUT": dt.date(2024, 3, 1), "ccxt:bitstamp:BTC/USD": None}
    assert ChartInput("a", "b").last_days() == {"a": None, "b": None}
    assert ChartInput("a", "b").missing() == ("a", "b")
