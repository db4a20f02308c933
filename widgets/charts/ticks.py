"""Where the value axes put their labelled ticks, and how the labels read (no Qt here).

A price axis must show at least three labelled ticks at any zoom, or a reader cannot tell the
scale (a lone "1,000" on a pane that spans 700 to 1,150 says nothing). On a log axis the
labels are whole decades when the view spans many of them, then 1-3, 1-2-5 and finer
mantissas per decade; when even those leave fewer than three labels (a view inside one decade),
the axis falls back to evenly spaced values (1,050, 1,100, 1,150 …), placed on the log scale.
Linear axes use the same even steps. A short axis (a pane of a small window) that the round
steps leave with fewer than three labels also tries the less round ones (125, 150, 300, 750 …
apart): between 100 and 200 apart no round step fits, so 0 to 450 on 48 px was labelled only
"250" where "125, 250, 375" fit. A label is only placed where pyqtgraph will draw it: half
a label height inside both ends of the axis (it drops labels that would cross an end).

Numbers read one way on every axis: "3,000" and "10,000" with thousands separators; only an
axis whose largest label reaches a million switches, as a whole, to "500k", "1M", "10M" (a
label wider than "100,000" would not fit beside the axis title).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence

# Per decade, sparsest first; sets of one density differ only in where their ticks fall.
MANTISSA_SETS = (
    ((1.0,), (2.0,), (5.0,)),
    ((1.0, 3.0),),
    ((1.0, 2.0, 5.0),),
    ((1.0, 1.5, 2.0, 3.0, 5.0, 7.0),),
)
NICE_STEPS = (1.0, 2.0, 2.5, 4.0, 5.0)
SHORT_AXIS_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5)
MIN_LABELS = 3
MAX_TICKS = 64
TOUCHING = 1.0  # labels closer than this many label heights would overlap
SUFFIX_FROM = 1e6  # an axis with a label this large reads 500k, 1M … (no label is wider)

Levels = list[tuple[float | None, list[float]]]


def value_ticks(
    low: float,
    high: float,
    pixels: float,
    label_px: float,
    gap_px: float,
    log: bool,
    top_reserved_px: float = 0.0,
) -> Levels:
    """pyqtgraph tick levels for a value axis `pixels` long showing [low, high].

    `low`/`high` are view coordinates (log10 of the value on a log axis). `label_px` is the
    height of one label, `gap_px` the comfortable distance between two. The top
    `top_reserved_px` pixels get no tick (the pane's date labels sit there, above the data).
    The first level holds the labelled ticks, the second (unlabelled) extra grid lines.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low or pixels <= 0:
        return [(1.0, []), (None, [])]
    per_unit = (high - low) / pixels
    # Labels whose box would cross an end of the axis are not drawn by pyqtgraph.
    margin = (label_px / 2 + 1) * per_unit
    top_margin = max(margin, min(top_reserved_px, pixels / 2) * per_unit)
    low, high = low + margin, high - top_margin
    if high <= low:
        return [(1.0, []), (None, [])]
    per_px = 1.0 / per_unit
    touching = label_px * TOUCHING
    if log:
        return _log_levels(low, high, per_px, gap_px, touching)

    def gap(values: list[float]) -> float:
        return _min_gap(values) * per_px

    passes = ((gap_px, NICE_STEPS), (touching, NICE_STEPS), (touching, SHORT_AXIS_STEPS))
    for need, steps in passes:
        values = _even_ticks(low, high, gap, need, steps)
        if values:
            return [(1.0, values), (None, [])]
    return [(1.0, _most_even_ticks(low, high, gap, touching)), (None, [])]


def _log_levels(
    low: float, high: float, per_decade_px: float, gap_px: float, touching: float
) -> Levels:
    """Decades, then mantissas per decade, then even steps: the first with three labels."""
    measure = _log_measure(per_decade_px)
    for need in (gap_px, touching):
        if per_decade_px < need:  # dozens of decades: label every 2nd, 5th, 10th … decade
            majors = _thinned_decades(low, high, per_decade_px, need)
            if len(majors) >= MIN_LABELS:
                return [(1.0, majors), (None, [])]
        majors = _mantissa_ticks(low, high, per_decade_px, need, sparsest=need < gap_px)
        if len(majors) >= MIN_LABELS:
            minors = _log_minors(low, high, per_decade_px, gap_px, majors)
            return [(1.0, majors), (None, minors)]
        values = _even_ticks(10.0**low, 10.0**high, measure, need)
        if values:
            return [(1.0, [math.log10(v) for v in values]), (None, [])]
    values = _even_ticks(10.0**low, 10.0**high, measure, touching, SHORT_AXIS_STEPS)
    if values:
        return [(1.0, [math.log10(v) for v in values]), (None, [])]
    # Too short for three: as many labels as fit without touching.
    even = _most_even_ticks(10.0**low, 10.0**high, measure, touching)
    options = [
        _thinned_decades(low, high, per_decade_px, touching),
        _mantissa_ticks(low, high, per_decade_px, touching),
        [math.log10(v) for v in even],
    ]
    return [(1.0, max(options, key=len)), (None, [])]


def _log_measure(per_decade_px: float) -> Callable[[list[float]], float]:
    """Pixels between the closest two of some values on a log axis."""
    return lambda values: _log_gap(values) * per_decade_px


def _thinned_decades(low: float, high: float, per_decade_px: float, gap_px: float) -> list[float]:
    step = next(s for s in _decade_steps() if s * per_decade_px >= gap_px)
    first = math.ceil(low / step) * step
    return [float(d) for d in range(first, math.floor(high) + 1, step)]


def _mantissa_ticks(
    low: float, high: float, per_decade_px: float, need: float, sparsest: bool = False
) -> list[float]:
    """The densest 1 / 1-3 / 1-2-5 / … set of ticks whose labels stay `need` pixels apart
    (with `sparsest`: the sparsest such set that still has three labels)."""
    chosen: list[float] = []
    for same_density in MANTISSA_SETS:
        options = [_decade_points(low, high, mantissas) for mantissas in same_density]
        points = max(options, key=len)  # e.g. 20-200-2,000 when 10 sits too close to an end
        if _min_gap(points) * per_decade_px >= need:
            chosen = points
            if sparsest and len(points) >= MIN_LABELS:
                break
    return chosen


def _log_minors(
    low: float, high: float, per_decade_px: float, gap_px: float, majors: list[float]
) -> list[float]:
    """Unlabelled grid lines at every 1…9 × 10ⁿ when a decade is tall enough for them."""
    if per_decade_px < 3 * gap_px:
        return []
    every = tuple(float(m) for m in range(1, 10))
    return [v for v in _decade_points(low, high, every) if not _near_any(v, majors)]


def _log_gap(values: list[float]) -> float:
    """The closest two values' distance in decades."""
    if not values or values[0] <= 0:
        return 0.0
    return _min_gap([math.log10(v) for v in values])


def _even_ticks(
    low: float,
    high: float,
    gap: Callable[[list[float]], float],
    need: float,
    steps: Sequence[float] = NICE_STEPS,
) -> list[float]:
    """Multiples of the widest step (`steps` × 10ⁿ) inside [low, high] that gives at least
    three ticks `need` pixels apart (as `gap` measures them), or [] if none does."""
    if not high > low:
        return []
    for step in _nice_steps(high - low, steps):
        values = _multiples(low, high, step)
        if len(values) >= MIN_LABELS and gap(values) >= need:
            return values
    return []


def _most_even_ticks(
    low: float, high: float, gap: Callable[[list[float]], float], need: float
) -> list[float]:
    """The step multiples with the most ticks still `need` pixels apart: of a round step,
    unless one of the SHORT_AXIS_STEPS fits more."""
    if not high > low:
        return []
    best: list[float] = []
    for steps in (NICE_STEPS, SHORT_AXIS_STEPS):
        candidates = [_multiples(low, high, step) for step in _nice_steps(high - low, steps)]
        fitting = [values for values in candidates if gap(values) >= need]
        most = max(fitting, key=len) if fitting else []
        if len(most) > len(best):
            best = most
    return best


def _nice_steps(span: float, mantissas: Sequence[float] = NICE_STEPS) -> Iterator[float]:
    """Steps (`mantissas` × 10ⁿ) from about the whole span down to a 64th of it (no axis holds
    more labels)."""
    step_top = 10.0 ** math.ceil(math.log10(span))
    for exponent in range(0, -4, -1):
        for mantissa in reversed(mantissas):
            step = step_top * mantissa / 10.0 * 10.0**exponent
            if step * MAX_TICKS < span:
                return
            if step <= span:
                yield step


def _multiples(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]


def _clean(value: float) -> float:
    """Remove float noise (0.30000000000000004 → 0.3) so labels and grid agree."""
    return float(f"{value:.12g}")


def _decade_steps() -> Iterator[int]:
    """1, 2, 5, 10, 20, 50, … decades."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            yield m * scale
        scale *= 10


def _decade_points(low: float, high: float, mantissas: Sequence[float]) -> list[float]:
    points = [
        d + math.log10(m) for d in range(math.floor(low), math.ceil(high) + 1) for m in mantissas
    ]
    return [p for p in points if low <= p <= high]


def _min_gap(values: Sequence[float]) -> float:
    if len(values) < 2:
        return math.inf
    ordered = sorted(values)
    return min(b - a for a, b in itertools.pairwise(ordered))


def _near_any(value: float, others: Sequence[float]) -> bool:
    return any(abs(value - other) < 1e-9 for other in others)


def _spacing(values: Sequence[float]) -> float:
    return values[1] - values[0] if len(values) > 1 else 1.0


# ----- label text -------------------------------------------------------------------------


def tick_labels(values: Sequence[float]) -> list[str]:
    """The labels of one axis's ticks, in one style (see the module docstring)."""
    if not values:
        return []
    largest = max(abs(v) for v in values)
    if largest >= SUFFIX_FROM:
        return [_suffixed(v) for v in values]
    decimals = _decimals(values)
    return [_plain(v, decimals) for v in values]


def _decimals(values: Sequence[float]) -> int:
    """Decimals that tell every label apart and show each value exactly (at most 8)."""
    for decimals in range(0, 9):
        texts = [f"{v:.{decimals}f}" for v in values]
        pairs = zip(texts, values, strict=True)
        exact = all(abs(float(t) - v) <= abs(v) * 1e-9 + 1e-12 for t, v in pairs)
        if exact and len(set(texts)) == len(texts):
            return decimals
    return 8


def _plain(value: float, decimals: int) -> str:
    """ "0.05", "1.5", "2,500", "120,000": a value needs no more decimals than it has."""
    own = next(
        (d for d in range(decimals + 1) if abs(round(value, d) - value) <= abs(value) * 1e-9),
        decimals,
    )
    return f"{value:,.{own}f}"


def _suffixed(value: float) -> str:
    magnitude = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"
