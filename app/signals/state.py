"""Where the leader stands on its last bar, for the status line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.signals.breakouts import record_mask
from app.signals.common import EPOCH_DAY_SECONDS

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class LeaderState:
    """Where the leader stands on its last bar (for the status line)."""

    last_date: pd.Timestamp | None
    last_close: float
    at_ath: bool
    last_ath_date: pd.Timestamp | None
    days_since_ath: int | None
    drawdown: float  # last close / all-time high - 1 (<= 0)


def leader_state(days: np.ndarray, values: np.ndarray, close: np.ndarray) -> LeaderState:
    """At an all-time high now, days since the last one, and the drawdown from it.

    `values` is the basis that sets records (close, or high). "At an all-time high" means the
    last bar set a record by the strict rule (a bar equal to the old high did not). The
    drawdown compares the last close with the all-time high of the basis, so on the high basis
    it is slightly negative even on a record day when the close is below the day's high.
    """
    import pandas as pd

    if len(days) == 0:
        return LeaderState(None, float("nan"), False, None, None, float("nan"))
    records = np.flatnonzero(record_mask(values))
    last_record = int(records[-1])
    return LeaderState(
        last_date=pd.Timestamp(int(days[-1]) * EPOCH_DAY_SECONDS, unit="s"),
        last_close=float(close[-1]),
        at_ath=last_record == len(days) - 1,
        last_ath_date=pd.Timestamp(int(days[last_record]) * EPOCH_DAY_SECONDS, unit="s"),
        days_since_ath=int(days[-1] - days[last_record]),
        drawdown=float(close[-1] / values[last_record] - 1.0),
    )
