"""One scan of the ladder: the rung table and the pair matrix, computed from cached bars.

The window runs it in a worker after each refresh; `scan` prints it; `report` draws it
(ladder.png). It reads the cache only, never the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ladder.pairs import PairCell
from app.ladder.rungs import RungState


@dataclass(frozen=True)
class LadderScan:
    """Every rung's state and every scanned pair's event study at one horizon.

    Attributes:
        keys: the ladder, safest first (the rows of the table, the rows and columns of the
            matrix).
        horizon: the horizon of every cell (days).
        all_pairs: whether every ordered pair was scanned, or only leader above follower.
        rungs: one RungState per key, in ladder order.
        cells: one PairCell per scanned pair, leaders in ladder order, then followers.
        seed, bootstrap_draws: the bootstrap's seed and number of draws (reproducible).
        seconds: how long the scan took.
    """

    keys: tuple[str, ...]
    horizon: int
    all_pairs: bool
    rungs: tuple[RungState, ...]
    cells: tuple[PairCell, ...]
    seed: int
    bootstrap_draws: int
    seconds: float = 0.0

    def cell(self, leader: str, follower: str) -> PairCell | None:
        """The cell of one ordered pair, or None when it was not scanned."""
        for cell in self.cells:
            if cell.leader == leader and cell.follower == follower:
                return cell
        return None

    def rung(self, key: str) -> RungState | None:
        """The state of one rung, or None when it is not on this ladder."""
        return next((r for r in self.rungs if r.key == key), None)
