"""Fixtures shared by the reliability tests."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def fresh_log():
    """setup_logging attaches one handler per process: let this test's call attach its own."""
    logger = logging.getLogger("riskcurve")

    def drop() -> None:
        for handler in [h for h in logger.handlers if getattr(h, "_riskcurve", False)]:
            logger.removeHandler(handler)
            handler.close()

    drop()
    yield
    drop()
