"""Fixtures shared by the reliability tests."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def fresh_log():
    """setup_logging attaches one handler per process: let this test's call attach its own."""
    from app.logs import LIBRARY_LOGGERS

    loggers = [logging.getLogger(name) for name in ("riskcurve", *LIBRARY_LOGGERS)]

    def drop() -> None:
        for logger in loggers:
            for handler in [h for h in logger.handlers if getattr(h, "_riskcurve", False)]:
                logger.removeHandler(handler)
                handler.close()
            if logger.name != "riskcurve":
                logger.propagate = True

    drop()
    yield
    drop()
