"""The cached close prices of the pair, sent to the window before the analysis is ready.

Plain numpy arrays (no pandas): the load worker builds it straight from the cache, and the
charts draw it as the first picture while the analysis runs. It lives in app/ because both
the jobs that produce it and the charts that draw it may import app/, and neither may import
the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Preview:
    """Close prices of the pair as epoch days and closes, oldest first (numpy only, no pandas)."""

    leader_key: str
    leader_days: np.ndarray
    leader_close: np.ndarray
    follower_key: str
    follower_days: np.ndarray
    follower_close: np.ndarray
