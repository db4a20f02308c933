"""Small bar frames for core tests."""

from __future__ import annotations

import numpy as np

from app.bars import bars_from_arrays


def make_bars(first_day: int, closes: list[float] | np.ndarray, step: int = 1):
    """Bars on epoch days first_day, first_day+step, … with plausible open/high/low/volume."""
    closes = np.asarray(closes, dtype=float)
    days = first_day + step * np.arange(len(closes))
    opens = np.concatenate([[closes[0]], closes[:-1]]) if len(closes) else closes
    return bars_from_arrays(
        days,
        {
            "open": opens,
            "high": np.maximum(opens, closes) * 1.01,
            "low": np.minimum(opens, closes) * 0.99,
            "close": closes,
            "volume": np.arange(len(closes), dtype=float) * 1000,
        },
    )
