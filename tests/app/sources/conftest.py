"""Fixtures for the network-source tests: the loopback fakes, and fresh yfinance state."""

from __future__ import annotations

import pytest

from tests.fakes.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    fake_exchange,
    fake_upstreams,
    fake_yahoo,
    refused_url,
    reset_yfinance,
)


@pytest.fixture(autouse=True)
def _fresh_yfinance():
    """yfinance keeps a singleton session, an lru response cache and open cache files."""
    reset_yfinance()
    yield
    reset_yfinance()
