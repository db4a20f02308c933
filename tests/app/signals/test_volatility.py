"""Rolling annualised volatility and the percentile of its latest value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.errors import AnalysisError
from app.signals.volatility import latest_percentile, rolling_volatility


def test_matches_pandas_rolling_std_with_both_annualisations():
    close = 100 * np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.02, 300)))
    returns = pd.Series(np.diff(np.log(close)))
    expected = returns.rolling(20).std().to_numpy()[19:]
    np.testing.assert_allclose(rolling_volatility(close, 20, False), expected * np.sqrt(252))
    np.testing.assert_allclose(rolling_volatility(close, 20, True), expected * np.sqrt(365))


def test_hand_computed_window():
    # Log returns ln 2, 0, ln 2: std (ddof 1) of [a, 0, a] with a = ln 2 is a/sqrt(3).
    close = np.array([1.0, 2.0, 2.0, 4.0])
    vol = rolling_volatility(close, 3, True)
    assert vol.tolist() == pytest.approx([np.log(2) / np.sqrt(3) * np.sqrt(365)])


def test_short_series_and_bad_window():
    assert rolling_volatility(np.array([1.0, 2.0, 3.0]), 3, False).size == 0
    assert rolling_volatility(np.array([1.0]), 2, False).size == 0
    flat = rolling_volatility(np.full(10, 5.0), 3, False)
    assert np.all(flat == 0.0)
    with pytest.raises(AnalysisError, match="at least 2"):
        rolling_volatility(np.ones(10), 1, False)


def test_latest_percentile():
    assert latest_percentile(np.array([0.1, 0.3, 0.2, 0.2])) == 0.75
    assert latest_percentile(np.array([0.5, 0.1])) == 0.5
    assert latest_percentile(np.array([0.1, np.nan, 0.4])) == 1.0
    assert np.isnan(latest_percentile(np.array([])))
    assert np.isnan(latest_percentile(np.array([0.1, np.nan])))
