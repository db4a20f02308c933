"""Halving cycles: price at the halving, the peak before the next one, the current cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.signals.cycles import CYCLE_COLUMNS, halving_cycles

# Follower bars every 10 days from day 0 to day 200; close = 100 + day, except a peak.
DAYS = np.arange(0, 201, 10, dtype=np.int64)
CLOSE = 100.0 + DAYS.astype(float)
CLOSE[DAYS == 40] = 500.0  # peak of the first cycle
CLOSE[DAYS == 150] = 900.0  # peak of the current cycle


def test_cycles_by_hand():
    cycles = halving_cycles(DAYS, CLOSE, np.array([25, 100, 500]))
    table = cycles.table
    assert list(table.columns) == list(CYCLE_COLUMNS)
    assert len(table) == 2  # the halving on day 500 lies in the future
    first, current = table.iloc[0], table.iloc[1]
    # Cycle 1: halving day 25 (no bar): price on or before = day 20 = 120. Bars 30..90.
    assert first["halving_date"] == pd.Timestamp("1970-01-26")
    assert first["next_halving_date"] == pd.Timestamp("1970-04-11")
    assert first["halving_price"] == 120.0
    assert first["peak_date"] == pd.Timestamp("1970-02-10")  # day 40
    assert first["peak_close"] == 500.0
    assert first["multiple"] == pytest.approx(500 / 120)
    assert first["days_to_peak"] == 15
    # The current cycle began on day 100 (close 200) and has run 100 days (to day 200).
    assert current["halving_price"] == 200.0
    assert current["next_halving_date"] == pd.Timestamp("1971-05-16")  # day 500, known
    assert current["peak_close"] == 900.0 and current["days_to_peak"] == 50
    assert current["multiple_at_current_day"] == pytest.approx(300 / 200)
    # Cycle 1 at the same age: day 125 -> close on or before = day 120 = 220.
    assert first["multiple_at_current_day"] == pytest.approx(220 / 120)
    assert cycles.current == "1970-04-11"
    assert list(cycles.curves) == ["1970-01-26", "1970-04-11"]
    curve = cycles.curves["1970-01-26"]
    assert curve.index.tolist() == [5, 15, 25, 35, 45, 55, 65]  # days since the halving
    assert curve.iloc[1] == pytest.approx(500 / 120)


def test_halvings_before_the_history_or_none_at_all_give_no_cycles():
    assert halving_cycles(DAYS, CLOSE, np.array([-5])).table.empty
    empty = halving_cycles(DAYS, CLOSE, np.array([], dtype=np.int64))
    assert empty.table.empty and empty.current is None and empty.curves == {}
    assert list(empty.table.columns) == list(CYCLE_COLUMNS)
    assert halving_cycles(DAYS[:0], CLOSE[:0], np.array([5])).table.empty


def test_a_current_cycle_that_starts_on_the_last_bar():
    # The newest halving is the last bar's day: the current cycle is 0 days old, so each
    # cycle's multiple at the current age is 1 on a halving day with a bar.
    cycles = halving_cycles(DAYS, CLOSE, np.array([150, 200]))
    assert cycles.table["multiple_at_current_day"].tolist() == [1.0, 1.0]
    assert cycles.table["days_to_peak"].tolist() == [0, 0]
    assert cycles.curves["1970-07-20"].index.tolist() == [0]
