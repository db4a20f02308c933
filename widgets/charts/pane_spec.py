"""The four panes of the chart stack, by name, and what each one is (no Qt here).

Code says `Pane.FOLLOWER`, never `1`: the stack keeps its plots, items and state in mappings by
pane (as vn.py's chart keeps its plots by name), and everything that differs from one pane to
the next — its share of the height, its shape as an image of its own, whether it shows prices
(log scale, compare mode), a fixed value range, its axis titles — is written down here, once.
`Pane` is an IntEnum so a pane still travels through a Qt `Signal(int)` and an old caller's
index keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Pane(IntEnum):
    """The panes, top to bottom."""

    LEADER = 0
    FOLLOWER = 1
    CORRELATION = 2
    VOLATILITY = 3

    @property
    def spec(self) -> PaneSpec:
        return PANE_SPECS[self]


@dataclass(frozen=True)
class PaneSpec:
    """What a pane is.

    Attributes:
        stretch: its share of the stack's height (relative to the other panes').
        export_aspect: height ÷ width of an image of this pane alone.
        prices: it shows prices (log or linear scale, indexed in compare mode).
        fixed_y: the value range it always shows, or None to fit the values in view.
    """

    stretch: int
    export_aspect: float
    prices: bool = False
    fixed_y: tuple[float, float] | None = None


PANE_SPECS = {
    Pane.LEADER: PaneSpec(stretch=30, export_aspect=0.36, prices=True),
    Pane.FOLLOWER: PaneSpec(stretch=30, export_aspect=0.36, prices=True),
    Pane.CORRELATION: PaneSpec(stretch=13, export_aspect=0.24, fixed_y=(-1.0, 1.0)),
    Pane.VOLATILITY: PaneSpec(stretch=15, export_aspect=0.26),
}
ALL_PANES: tuple[Pane, ...] = tuple(Pane)
PRICE_PANES: tuple[Pane, ...] = tuple(p for p in Pane if p.spec.prices)


@dataclass(frozen=True)
class Markets:
    """How the charts name the two markets: in words (legends) and by ticker (short titles)."""

    leader: str = "Leader"
    follower: str = "Follower"
    leader_ticker: str = "Leader"
    follower_ticker: str = "Follower"


def axis_titles(
    pane: Pane, markets: Markets, *, log: bool, compare: bool, vol_window: int = 30
) -> tuple[str, ...]:
    """The pane's left-axis titles, longest first; the axis shows the longest that fits.

    The legend strip above each pane names the series in full, so a title only has to say
    what the numbers are; on a short pane it shrinks to a word, or disappears.
    """
    scale = "log" if log else "linear"
    if pane in PRICE_PANES:
        if compare and pane is Pane.LEADER:
            return (f"Index, both = 100 ({scale})", f"Index ({scale})", "Index")
        ticker = markets.leader_ticker if pane is Pane.LEADER else markets.follower_ticker
        return (f"{ticker} price ({scale})", f"{ticker} ({scale})", ticker)
    if pane is Pane.CORRELATION:
        return ("Correlation of daily returns", "Correlation", "Corr.")
    # "%" last: at the default window the volatility pane is too short for "% a year", and
    # without any title its numbers had no unit (the legend names the series, not the unit).
    return (f"{vol_window}-day volatility, % a year", "Volatility, % a year", "% a year", "%")
