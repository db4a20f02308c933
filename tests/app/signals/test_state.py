"""The leader's current state: at an all-time high, days since it, drawdown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.signals.state import leader_state


def test_below_the_high():
    days = np.array([0, 1, 5, 9])
    close = np.array([10.0, 12.0, 11.0, 9.0])
    state = leader_state(days, close, close)
    assert state.at_ath is False
    assert state.last_ath_date == pd.Timestamp("1970-01-02")
    assert state.days_since_ath == 8
    assert state.last_close == 9.0
    assert state.drawdown == pytest.approx(9 / 12 - 1)
    assert state.last_date == pd.Timestamp("1970-01-10")


def test_a_tie_with_the_high_is_not_a_new_high():
    close = np.array([10.0, 12.0, 12.0])
    state = leader_state(np.array([0, 1, 2]), close, close)
    assert state.at_ath is False and state.days_since_ath == 1 and state.drawdown == 0.0


def test_at_a_high_on_the_high_basis_and_a_single_bar():
    close = np.array([10.0, 11.0])
    high = np.array([10.5, 12.0])
    state = leader_state(np.array([0, 1]), high, close)
    assert state.at_ath is True and state.days_since_ath == 0
    assert state.drawdown == pytest.approx(11 / 12 - 1)
    single = leader_state(np.array([3]), np.array([5.0]), np.array([5.0]))
    assert single.at_ath is True and single.drawdown == 0.0


def test_no_bars():
    state = leader_state(np.array([], dtype=np.int64), np.array([]), np.array([]))
    assert state.last_date is None and state.at_ath is False and np.isnan(state.drawdown)
