"""The normalised shape of daily bars, and the checks every source's output goes through.

Bars are a DataFrame indexed by a tz-naive `DatetimeIndex` named ``date`` (unit seconds, at
midnight of the trading date) with float columns open, high, low, close, volume. open, high,
low and volume may be NaN (close-only history); close never is. Trading date means the
exchange's local date for stocks and indices and the UTC date for crypto, so a bar shows the
same date whatever the computer's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from app.errors import BadDataError

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("open", "high", "low", "close", "volume")
PRICE_COLUMNS = ("open", "high", "low", "close")
EPOCH_DAY_SECONDS = 86_400
#: Day 0 of the epoch days the cache and the signals count in.
EPOCH_DATE = dt.date(1970, 1, 1)
#: The years a bar may fall in (imports refuse others; a kept drawing is checked against them).
FIRST_YEAR, LAST_YEAR = 1800, 2200


def epoch_date(epoch_day: int) -> dt.date:
    """The date of an epoch day (days since 1970-01-01)."""
    return EPOCH_DATE + dt.timedelta(days=int(epoch_day))


def empty_bars() -> pd.DataFrame:
    import pandas as pd

    index = pd.DatetimeIndex(np.array([], dtype="datetime64[s]"), name="date")
    return pd.DataFrame({c: np.array([], dtype=float) for c in COLUMNS}, index=index)


def bars_from_arrays(days: np.ndarray, values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Build a bars frame from epoch-day integers and column arrays (no copies where possible)."""
    import pandas as pd

    seconds = np.asarray(days, dtype="int64") * EPOCH_DAY_SECONDS
    index = pd.DatetimeIndex(seconds.astype("datetime64[s]"), name="date")
    return pd.DataFrame({c: np.asarray(values[c], dtype=float) for c in COLUMNS}, index=index)


def epoch_days(index: pd.DatetimeIndex) -> np.ndarray:
    """Integer days since 1970-01-01 for a tz-naive date index (any datetime unit)."""
    return index.as_unit("s").asi8 // EPOCH_DAY_SECONDS


def latest_valid_day() -> int:
    """Epoch day of tomorrow (UTC): a bar dated later is a typo or a clock/unit bug.

    Tomorrow, not today: a market far east of UTC already trades on tomorrow's UTC date.
    """
    import time

    return int(time.time() // EPOCH_DAY_SECONDS) + 1


def validate_bars(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Sort, de-duplicate and check bars from a provider; raise BadDataError on what can't be fixed.

    Rows without a close (a provider's null candle) are dropped; exact duplicate dates keep the
    last row (providers repeat the live bar at page edges); prices must be finite and positive
    and high must not be below low. Bars dated after tomorrow (UTC) are left for app.fetch,
    which drops them and says so.
    """
    frame = frame.loc[frame["close"].notna()]
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    prices = frame[list(PRICE_COLUMNS)].to_numpy(dtype=float)
    present = ~np.isnan(prices)
    if np.any(present & ~(np.isfinite(prices) & (prices > 0))):
        raise BadDataError(f"{origin} sent a price that is zero, negative or infinite")
    high, low = frame["high"].to_numpy(), frame["low"].to_numpy()
    both = ~np.isnan(high) & ~np.isnan(low)
    if np.any(high[both] < low[both]):
        raise BadDataError(f"{origin} sent a bar whose high is below its low")
    return frame
