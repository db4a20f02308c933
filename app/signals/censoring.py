"""Censoring of the Lunde–Timmermann turning points, in the manner of Pagan and Sossounov.

The threshold rule (app.signals.regimes) dates a turning point for every swing of `bull`/`bear`,
so a volatile market gets dozens of phases of a few weeks. Censoring keeps only the turns that
make phases a reader would call bull and bear markets. The rules, with the per-instrument
settings (app.config) that drive them:

1. Start of the data (`censor_days`): no turning point lies less than `censor_days` calendar
   days after the first bar (the first phase's true start is unknown, so a turn dated just
   after it is the least reliable). A turn on the first or the last bar is never a turn.
2. Short cycles (`min_cycle_days`): a cycle is peak to peak or trough to trough, two adjacent
   complete phases. If it spans fewer than `min_cycle_days`, its weaker phase (the smaller
   absolute log move) is removed. (After the relocation below, the middle turn of the cycle
   is gone and the more extreme of its two outer turns stays, whichever phase went; the
   weaker phase's move orders this removal among the others.)
3. Short phases (`min_phase_days`, `min_phase_move`): a complete phase shorter than
   `min_phase_days` is removed unless it moved at least `min_phase_move` (|close at its end ÷
   close at its start − 1|).

Only complete phases (between two dated turns) can be removed by 2 and 3: the first phase
starts before the data and the last is still running. Removing a phase removes its two
turning points, so its neighbours (of the same kind) merge and peaks and troughs still
alternate. After every removal each affected turn moves to the highest close (a peak) or the
lowest close (a trough) strictly between its neighbouring turns (for the first turn: from the
first bar on; for the last: up to the last bar); ties pick the first bar. A turn that moves
puts its neighbours up for the same check, until none moves.

Order, for determinism: the removable phase with the smallest absolute log move goes first
(ties: the earlier one), since removing it can change what else is removable; this repeats
until a full pass finds nothing to remove and no turn to move. Censoring its own output
therefore changes nothing.

Cost: O(bars) vectorised to find the candidate turns that are not yet on their extremes, then a
heap of removable phases (O(turns · log turns)). After a removal the two remaining neighbours
take the more extreme of the removed turns' places in O(1) (each was the extreme of its own
range); any further move searches its range, by a scan when it is short and otherwise through
a block sparse table built once in O(bars), so a long phase is never rescanned as it grows.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from app.signals.regimes import RegimeRule

PEAK, TROUGH = 1, -1
_BLOCK = 256
_SCAN = 1 << 16  # ranges shorter than this are scanned, not looked up


class FirstExtreme:
    """The first index of the largest value in values[lo..hi], in O(block) per query."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=float)
        size = self.values.size
        blocks = max(1, -(-size // _BLOCK))
        padded = np.full(blocks * _BLOCK, -np.inf)
        padded[:size] = self.values
        best = padded.reshape(blocks, _BLOCK).argmax(axis=1) + np.arange(blocks) * _BLOCK
        self._table = [best]  # level k: first best index over blocks j .. j + 2**k - 1
        span = 1
        while 2 * span <= blocks:
            prev = self._table[-1]
            left, right = prev[: blocks - 2 * span + 1], prev[span : blocks - span + 1]
            self._table.append(np.where(padded[right] > padded[left], right, left))
            span *= 2

    def at(self, lo: int, hi: int) -> int:
        first_block, last_block = lo // _BLOCK, hi // _BLOCK
        if first_block == last_block:
            return lo + int(np.argmax(self.values[lo : hi + 1]))
        end_first = (first_block + 1) * _BLOCK
        found = lo + int(np.argmax(self.values[lo:end_first]))
        if last_block - first_block > 1:
            found = self._better(found, self._blocks(first_block + 1, last_block - 1))
        start_last = last_block * _BLOCK
        return self._better(found, start_last + int(np.argmax(self.values[start_last : hi + 1])))

    def _blocks(self, first: int, last: int) -> int:
        level = (last - first + 1).bit_length() - 1
        row = self._table[level]
        return self._better(int(row[first]), int(row[last - (1 << level) + 1]))

    def _better(self, earlier: int, later: int) -> int:
        return later if self.values[later] > self.values[earlier] else earlier


def misplaced_turns(close: np.ndarray, positions: np.ndarray, kinds: list[int]) -> np.ndarray:
    """For each turn, whether it is not the first extreme of its kind strictly between its
    neighbouring turns (the first and last bar standing in at the ends), in O(bars).

    The gaps between consecutive turns are reduced at once (np.maximum/minimum.reduceat); a
    peak is in place when every close before it in its range is lower and none after it is
    higher (a trough: the mirror image).
    """
    size = close.size
    starts = np.concatenate(([0], positions + 1))
    ends = np.concatenate((positions, [size]))
    empty = starts >= ends
    bounds = np.empty(2 * starts.size, dtype=np.intp)
    bounds[0::2], bounds[1::2] = np.minimum(starts, size - 1), ends
    bounds = bounds[:-1]  # the last gap runs to the end of the data
    highest = np.where(empty, -np.inf, np.maximum.reduceat(close, bounds)[0::2])
    lowest = np.where(empty, np.inf, np.minimum.reduceat(close, bounds)[0::2])
    value = close[positions]
    peak = np.array(kinds, dtype=np.int8) == PEAK
    peak_ok = (highest[:-1] < value) & (highest[1:] <= value)
    trough_ok = (lowest[:-1] > value) & (lowest[1:] >= value)
    return ~np.where(peak, peak_ok, trough_ok)


class _Chain:
    """The turning points as a doubly linked list: O(1) removal, order kept."""

    def __init__(self, positions: list[int], kinds: list[int]) -> None:
        count = len(positions)
        self.pos, self.kind = positions, kinds
        self.prev = list(range(-1, count - 1))
        self.next = [*range(1, count), -1]
        self.alive = [True] * count
        self.head, self.tail = (0, count - 1) if count else (-1, -1)

    def remove(self, turn: int) -> None:
        before, after = self.prev[turn], self.next[turn]
        if before >= 0:
            self.next[before] = after
        else:
            self.head = after
        if after >= 0:
            self.prev[after] = before
        else:
            self.tail = before
        self.alive[turn] = False

    def order(self) -> list[int]:
        turns, turn = [], self.head
        while turn >= 0:
            turns.append(turn)
            turn = self.next[turn]
        return turns


def censor_phases(
    days: np.ndarray, close: np.ndarray, phases: list[tuple[int, int, str]], rule: RegimeRule
) -> list[tuple[int, int, str]]:
    """The candidate phases (regime_phases) after censoring (see module doc), same format."""
    if not phases:
        return []
    return _Censor(np.asarray(days, dtype=np.int64), np.asarray(close, dtype=float), rule).run(
        phases
    )


class _Censor:
    def __init__(self, days: np.ndarray, close: np.ndarray, rule: RegimeRule) -> None:
        self.days, self.close, self.rule = days, close, rule
        self._extremes: tuple[FirstExtreme, FirstExtreme] | None = None  # built when needed
        self.heap: list[tuple[float, int, int]] = []
        self.chain = _Chain([], [])
        # Per turn, as Python numbers (numpy scalars cost ten times more in the loops):
        self.day: list[int] = []
        self.price: list[float] = []
        self.log_price: list[float] = []
        self.alone_kind = ""  # the one phase left when every turn is removed
        self._dirty: set[int] = set()  # phases (by first turn) whose removal key may change

    def run(self, phases: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        turns = [(start, PEAK if kind == "bear" else TROUGH) for start, _, kind in phases]
        turns = [t for t in turns if t[0] > 0]
        positions = [t[0] for t in turns]
        self.chain = _Chain(positions, [t[1] for t in turns])
        self.day = self.days[positions].tolist()
        self.price = self.close[positions].tolist()
        self.log_price = [math.log(price) for price in self.price]
        self.alone_kind = phases[-1][2]
        misplaced = misplaced_turns(self.close, np.array(positions, dtype=np.intp), self.chain.kind)
        ends = [t for t in (self.chain.head, self.chain.tail) if t >= 0]
        self._settle([*np.flatnonzero(misplaced).tolist(), *ends])
        while self._removal_pass():
            pass
        return self._phases()

    def _move(self, turn: int, position: int) -> None:
        """Put `turn` on another bar; the phases whose removal test reads it become dirty:
        those starting two turns before it, one before it, at it and one after it."""
        chain = self.chain
        before = chain.prev[turn]
        self._dirty.update((chain.prev[before] if before >= 0 else -1, before, turn))
        self._dirty.add(chain.next[turn])
        chain.pos[turn] = position
        self.day[turn] = int(self.days[position])
        self.price[turn] = float(self.close[position])
        self.log_price[turn] = math.log(self.price[turn])

    def _extreme(self, turn: int, lo: int, hi: int) -> int:
        """The first highest (peak) or lowest (trough) close in lo..hi: a plain scan for a
        short range, the block table (built once, O(bars)) for a long one."""
        if hi - lo < _SCAN:
            window = self.close[lo : hi + 1]
            return lo + int(
                np.argmax(window) if self.chain.kind[turn] == PEAK else np.argmin(window)
            )
        if self._extremes is None:
            self._extremes = FirstExtreme(self.close), FirstExtreme(-self.close)
        highest, lowest = self._extremes
        return (highest if self.chain.kind[turn] == PEAK else lowest).at(lo, hi)

    # -- removal ------------------------------------------------------------------------------

    def _removal_pass(self) -> bool:
        """Remove removable phases, weakest first, until none is left; True if any was."""
        self.heap = self._removable(self.chain.order())
        heapq.heapify(self.heap)
        removed = False
        while self.heap:
            move, start, turn = heapq.heappop(self.heap)
            key = self._removal_key(turn) if self.chain.alive[turn] else None
            if key is None:
                continue
            if key != (move, start):  # stale entry: requeue with the current key
                heapq.heappush(self.heap, (*key, turn))
                continue
            self._remove_phase(turn)
            self._push_dirty()
            removed = True
        return removed

    def _removable(self, turns: list[int]) -> list[tuple[float, int, int]]:
        """(|log move|, start, turn) of every removable phase among consecutive `turns`: the
        test of _removal_key, vectorised over the whole chain (same numbers, same result)."""
        if len(turns) < 2:
            return []
        rule = self.rule
        day = np.array([self.day[t] for t in turns])
        log_price = np.array([self.log_price[t] for t in turns])
        price = np.array([self.price[t] for t in turns])
        move = np.abs(np.diff(log_price))
        length = np.diff(day)
        removable = (length < rule.min_phase_days) & (
            np.abs(price[1:] / price[:-1] - 1) < rule.min_phase_move
        )
        cycle = length[:-1] + length[1:] < rule.min_cycle_days  # phases j and j + 1
        removable[1:] |= cycle & (move[1:] < move[:-1])  # weaker than the one before
        removable[:-1] |= cycle & (move[:-1] <= move[1:])  # equal: the earlier is weaker
        positions = [self.chain.pos[t] for t in turns]
        return [(float(move[j]), positions[j], turns[j]) for j in np.flatnonzero(removable)]

    def _removal_key(self, turn: int) -> tuple[float, int] | None:
        """(|log move|, start) of the complete phase from `turn` if a rule removes it: short
        with a small move, or the weaker half (equal moves: the earlier) of a short cycle with
        the phase before or after it."""
        chain, day, log_price, rule = self.chain, self.day, self.log_price, self.rule
        after = chain.next[turn]
        if after < 0:
            return None
        key = (abs(log_price[after] - log_price[turn]), chain.pos[turn])
        short = day[after] - day[turn] < rule.min_phase_days
        if short and abs(self.price[after] / self.price[turn] - 1) < rule.min_phase_move:
            return key
        before, beyond = chain.prev[turn], chain.next[after]
        cycle = before >= 0 and day[after] - day[before] < rule.min_cycle_days
        if cycle and key < (abs(log_price[turn] - log_price[before]), chain.pos[before]):
            return key
        cycle = beyond >= 0 and day[beyond] - day[turn] < rule.min_cycle_days
        if cycle and key < (abs(log_price[beyond] - log_price[after]), chain.pos[after]):
            return key
        return None

    def _remove_phase(self, turn: int) -> None:
        """Remove the phase from `turn` (both its turns); its neighbours take the extremes."""
        chain = self.chain
        after = chain.next[turn]
        before, beyond = chain.prev[turn], chain.next[after]
        chain.remove(turn)
        chain.remove(after)
        if before < 0 and beyond < 0:  # first and last phase merge: the last one's kind
            self.alone_kind = "bear" if chain.kind[after] == PEAK else "bull"
        self._dirty.update((before, beyond, chain.prev[before] if before >= 0 else -1))
        pending = []
        if before >= 0 and self._absorb(before, (before, turn, after)):
            pending.append(chain.prev[before])
        if beyond >= 0:
            # Its range now starts after `before`; each candidate is the first extreme of a
            # part of that range, unless `before` took the removed peak's or trough's place
            # itself (a degenerate series): then search the range.
            start = chain.pos[before] if before >= 0 else -1
            if start == chain.pos[turn]:
                pending.append(beyond)
            else:
                candidates = tuple(t for t in (turn, after, beyond) if chain.pos[t] > start)
                if self._absorb(beyond, candidates):
                    pending.append(chain.next[beyond])
        ends = [t for t in (before, beyond) if t >= 0]
        self._settle([t for t in pending if t >= 0], ends)

    def _absorb(self, turn: int, candidates: tuple[int, ...]) -> bool:
        """Move `turn` to the first extreme of its kind among the candidates' positions
        (turns removed or alive, each the first extreme of its own range, in date order);
        True if it moved."""
        price, peak = self.price, self.chain.kind[turn] == PEAK
        best = candidates[0]
        for other in candidates[1:]:
            if (price[other] > price[best]) if peak else (price[other] < price[best]):
                best = other
        position = self.chain.pos[best]
        if position == self.chain.pos[turn]:
            return False
        self._move(turn, position)
        return True

    def _push(self, turn: int) -> None:
        key = self._removal_key(turn)
        if key is not None:
            heapq.heappush(self.heap, (*key, turn))

    def _push_dirty(self) -> None:
        for turn in self._dirty:
            if turn >= 0 and self.chain.alive[turn]:
                self._push(turn)
        self._dirty.clear()

    # -- moving turns -------------------------------------------------------------------------

    def _settle(self, pending: list[int], check_ends: Sequence[int] = ()) -> None:
        """Move the pending turns (and any neighbour that then must move) to their extremes;
        drop a first turn inside the censored start and a turn on the first or last bar (of
        the pending turns and of `check_ends`)."""
        work = list(reversed(pending))
        for turn in check_ends:
            dropped = self._drop_at_ends(turn)
            if dropped >= 0:
                work.append(dropped)
        while work:
            turn = work.pop()
            if not self.chain.alive[turn]:
                continue
            if self._relocate(turn):
                work += [t for t in (self.chain.next[turn], self.chain.prev[turn]) if t >= 0]
            dropped = self._drop_at_ends(turn)
            if dropped >= 0:
                work.append(dropped)

    def _relocate(self, turn: int) -> bool:
        chain = self.chain
        before, after = chain.prev[turn], chain.next[turn]
        lo = chain.pos[before] + 1 if before >= 0 else 0
        hi = chain.pos[after] - 1 if after >= 0 else self.close.size - 1
        moved = self._extreme(turn, lo, hi)
        if moved == chain.pos[turn]:
            return False
        self._move(turn, moved)
        return True

    def _drop_at_ends(self, turn: int) -> int:
        """Remove `turn` if the start censoring or the last bar rules it out; returns the turn
        that became first or last (to be settled in turn), else -1."""
        chain, position = self.chain, self.chain.pos[turn]
        if turn != chain.head and turn != chain.tail:
            return -1
        too_early = self.day[turn] - int(self.days[0]) < self.rule.censor_days or position == 0
        if turn == chain.head and too_early:
            chain.remove(turn)
            self.alone_kind = "bear" if chain.kind[turn] == PEAK else "bull"
            self._dirty.add(chain.head)  # it has no phase before it now
            return chain.head
        if turn == chain.tail and position == self.close.size - 1:
            chain.remove(turn)
            self.alone_kind = "bull" if chain.kind[turn] == PEAK else "bear"
            before = chain.prev[chain.tail] if chain.tail >= 0 else -1
            self._dirty.update((chain.tail, before))  # their phases end sooner now
            return chain.tail
        return -1

    # -- result -------------------------------------------------------------------------------

    def _phases(self) -> list[tuple[int, int, str]]:
        turns = self.chain.order()
        last_bar = self.close.size - 1
        if not turns:
            return [(0, last_bar, self.alone_kind)]
        positions = [self.chain.pos[t] for t in turns]
        kinds = ["bear" if self.chain.kind[t] == PEAK else "bull" for t in turns]
        first_kind = "bull" if kinds[0] == "bear" else "bear"
        bounds = [0, *positions, last_bar]
        return [(bounds[i], bounds[i + 1], kind) for i, kind in enumerate([first_kind, *kinds])]
