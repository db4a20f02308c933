"""The deterministic batches the kill torture writes, shared by the child and the checker.

Batch n goes to one of a few keys (so the cache stays a fixed size however many kills run) and
replaces every bar of that key with values that identify n. Checking which batch a key holds is
then exact: its bars equal batch n's bars in every field, or they do not.
"""

from __future__ import annotations

import numpy as np

from tests.reliability.budget import BATCH_BARS

TORTURE_KEYS = ("csv:torture-0", "csv:torture-1")
#: The untouched history the cache holds before the first kill.
BASE_KEYS = ("yahoo:^RUT", "ccxt:bitstamp:BTC/USD")
#: 1750-01-01: 100 000 consecutive days reach into the 2020s.
FIRST_DAY = -80_353


def batch_key(batch: int) -> str:
    return TORTURE_KEYS[batch % len(TORTURE_KEYS)]


def batch_columns(batch: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Epoch days and column arrays of batch `batch` (every value depends on the batch)."""
    days = FIRST_DAY + np.arange(BATCH_BARS, dtype=np.int64)
    step = np.arange(BATCH_BARS, dtype=float)
    close = 100.0 + batch + step * 1e-3
    volume = 1_000.0 * (batch + 1) + step
    volume[::7] = np.nan  # missing volumes must come back missing, not as 0
    return days, {
        "open": close - 0.25,
        "high": close + 0.5,
        "low": close - 0.5,
        "close": close,
        "volume": volume,
    }


def batch_frame(batch: int):
    from app.bars import bars_from_arrays

    days, columns = batch_columns(batch)
    return bars_from_arrays(days, columns)


def base_frame(index: int):
    """History of BASE_KEYS[index]: a shorter series the child never touches."""
    from app.bars import bars_from_arrays

    count = 5_000 + 1_000 * index
    days = 10_000 + np.arange(count, dtype=np.int64)
    close = 50.0 + index + np.arange(count, dtype=float) * 0.01
    return bars_from_arrays(
        days,
        {
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": np.full(count, 7.0),
        },
    )
