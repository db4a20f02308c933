"""Imports that would replace cached values need a yes; replaced and deleted bars come back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.cache import Cache
from app.cache.history import VERSIONS_KEPT, ReplaceRefused
from app.errors import EXIT_BAD_INPUT, NoHistoryError, exit_code
from app.provenance import Origin
from tests.app.helpers import make_bars

RUT = "yahoo:^RUT"


@pytest.fixture
def cache(tmp_path):
    with Cache.open(tmp_path / "cache.sqlite3") as opened:
        yield opened


def _imported(cache, bars, name="RUT_daily.csv", replace=False):
    return cache.import_bars(RUT, bars, Origin.file(name), replace=replace)


def test_import_that_changes_values_is_refused_with_what_it_would_change(cache):
    original = make_bars(10_000, np.linspace(100, 200, 50))
    _imported(cache, original)
    other = make_bars(10_000, np.linspace(50, 60, 52))  # IWM-like: other values, 2 more days
    with pytest.raises(ReplaceRefused) as refused:
        _imported(cache, other, "IWM.csv")
    changes = refused.value.changes
    assert (changes.cached_days, changes.new_days, changes.changed_days) == (50, 2, 50)
    assert changes.changed_values == 200  # four prices a day (the volumes are the same)
    assert "would replace 50 of its 50 cached days" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert exit_code(refused.value) == EXIT_BAD_INPUT
    pd.testing.assert_frame_equal(cache.load_bars(RUT), original)
    assert cache.versions(RUT) == []


def test_lower_case_key_folds_onto_the_cached_instrument_and_is_refused(cache):
    _imported(cache, make_bars(10_000, [1.0, 2.0, 3.0]))
    with pytest.raises(ReplaceRefused):
        cache.import_bars("yahoo:^rut", make_bars(10_000, [5.0, 6.0]), Origin.file("x.csv"))


def test_import_that_only_adds_days_goes_ahead_and_keeps_the_old_days_as_they_were(cache):
    closes = np.linspace(100, 200, 60)
    _imported(cache, make_bars(10_000, closes[:40]), "first.csv")
    changes = _imported(cache, make_bars(10_000, closes), "longer.csv")
    assert (changes.new_days, changes.unchanged_days, changes.changed_days) == (20, 40, 0)
    pd.testing.assert_frame_equal(cache.load_bars(RUT), make_bars(10_000, closes))
    names = [span.origin.name for span in cache.instrument(RUT).sources]
    assert names == ["first.csv", "longer.csv"]  # the unchanged days keep their origin
    assert cache.versions(RUT) == []


def test_replace_keeps_the_old_bars_and_restore_puts_them_back(cache):
    original = make_bars(10_000, np.linspace(100, 200, 50))
    _imported(cache, original)
    replacement = make_bars(10_020, np.linspace(1, 2, 60))
    changes = _imported(cache, replacement, "IWM.csv", replace=True)
    assert changes.changed_days == 30 and changes.new_days == 30
    assert len(cache.load_bars(RUT)) == 80
    [kept] = cache.versions(RUT)
    assert (kept.action, kept.bars, kept.first_date) == ("replace", 50, original.index[0].date())
    assert "IWM.csv" in kept.detail
    cache.restore(RUT)
    pd.testing.assert_frame_equal(cache.load_bars(RUT), original)
    assert cache.instrument(RUT).rows == 50
    assert [s.origin.name for s in cache.instrument(RUT).sources] == ["RUT_daily.csv"]
    # The restore kept what it replaced: restoring that version undoes the restore.
    undo = next(v for v in cache.versions(RUT) if v.action == "restore")
    cache.restore(RUT, undo.id)
    assert len(cache.load_bars(RUT)) == 80


def test_delete_keeps_the_bars_and_restore_brings_the_instrument_back(cache):
    bars = make_bars(10_000, [1.0, 2.0, 3.0])
    cache.store_bars(RUT, bars, currency="USD", timezone="America/New_York")
    assert cache.delete_instrument(RUT) is True
    assert cache.instrument(RUT) is None
    cache.restore(RUT)
    info = cache.instrument(RUT)
    assert (info.rows, info.currency, info.timezone) == (3, "USD", "America/New_York")
    pd.testing.assert_frame_equal(cache.load_bars(RUT), bars)


def test_restore_without_a_kept_version_names_the_problem(cache):
    with pytest.raises(NoHistoryError, match="No earlier version of yahoo:\\^RUT"):
        cache.restore(RUT)
    cache.store_bars(RUT, make_bars(10_000, [1.0]))
    cache.delete_instrument(RUT)
    with pytest.raises(NoHistoryError, match="#999"):
        cache.restore(RUT, 999)
    assert exit_code(NoHistoryError("x")) == EXIT_BAD_INPUT


def test_a_refused_replace_inside_the_transaction_leaves_no_instrument_row(cache):
    """The comparison runs inside the write transaction: a refusal rolls everything back."""
    cache.store_bars(RUT, make_bars(10_000, [1.0, 2.0]))
    before = cache.instrument(RUT)
    with pytest.raises(ReplaceRefused):
        _imported(cache, make_bars(10_000, [3.0, 4.0]))
    assert cache.instrument(RUT) == before


def test_only_the_newest_versions_are_kept(cache):
    for round_ in range(VERSIONS_KEPT + 3):
        cache.store_bars(RUT, make_bars(10_000, [float(round_ + 1)]))
        cache.delete_instrument(RUT)
    kept = cache.versions(RUT)
    assert len(kept) == VERSIONS_KEPT
    assert kept[0].id > kept[-1].id  # newest first
    rows = cache.connection.execute("SELECT COUNT(*) FROM bar_history").fetchone()[0]
    assert rows == VERSIONS_KEPT  # the dropped versions' bars went with them
