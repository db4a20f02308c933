"""Small synthetic daily series for the provider fakes (tests never read real data)."""

from __future__ import annotations

import time

Row = tuple[int, float | None, float | None, float | None, float | None, float | None]


def today_epoch_day() -> int:
    """Today's UTC date as days since 1970-01-01."""
    return int(time.time() // 86_400)


def daily_rows(count: int, last_day: int | None = None, first_price: float = 100.0) -> list[Row]:
    """`count` consecutive days ending at `last_day` (default: yesterday, UTC), gently rising.

    Every row is a valid bar: low <= open, close <= high, positive prices and volume.
    """
    last = today_epoch_day() - 1 if last_day is None else last_day
    rows: list[Row] = []
    for offset in range(count):
        day = last - count + 1 + offset
        close = round(first_price + offset * 0.5 + (offset % 7) * 0.25, 2)
        rows.append((day, close - 0.5, close + 1.0, close - 1.0, close, float(1000 + offset)))
    return rows


def expected_frame(rows: list[Row]):
    """The bars frame a source should return for valid `rows` (sorted by day)."""
    import numpy as np

    from app.bars import bars_from_arrays

    ordered = sorted(rows, key=lambda row: row[0])
    table = np.array([row[1:] for row in ordered], dtype=float)
    days = np.array([row[0] for row in ordered], dtype="int64")
    names = ("open", "high", "low", "close", "volume")
    return bars_from_arrays(days, {name: table[:, i] for i, name in enumerate(names)})
