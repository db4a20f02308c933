"""A t-interval for the events' excess log return over their era, shown as multiples.

Each event's excess is its log return minus the mean log return of its era pool (see
app.signals.era). With n events, mean m and sample standard deviation s of the excesses, the
95 % interval is m ± t(0.975, n - 1) · s / √n, reported as exp(bound): ×0.67 to ×3.07 means
"between a third less and three times what a random day of the same era returned". The
quantile comes from the exact Student t distribution (regularised incomplete beta function,
evaluated by its continued fraction), so the project needs no statistics library.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

CONFIDENCE = 0.95
_EPS = 1e-15
_TINY = 1e-300


def excess_interval(excess: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """(low, high) multiples exp(m ∓ t·s/√n) of the excess log returns; NaN for n < 2."""
    n = excess.size
    if n < 2:
        return float("nan"), float("nan")
    mean = float(np.mean(excess))
    half = t_quantile(0.5 + confidence / 2, n - 1) * float(np.std(excess, ddof=1)) / math.sqrt(n)
    return math.exp(mean - half), math.exp(mean + half)


@lru_cache(maxsize=256)
def t_quantile(probability: float, df: int) -> float:
    """The Student t quantile for 0.5 <= probability < 1 and df >= 1 (bisection on the CDF).

    Bisection on a monotone function needs no starting guess and cannot diverge; 200 halvings
    of [0, 1e6] reach the float resolution. Cached: analyses ask for a handful of df values.
    """
    if not 0.5 <= probability < 1 or df < 1:
        raise ValueError(
            f"t_quantile needs 0.5 <= probability < 1 and df >= 1, got {probability}, {df}"
        )
    low, high = 0.0, 1e6
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < probability:
            low = middle
        else:
            high = middle
        if high - low <= 1e-14 * max(1.0, high):
            break
    return (low + high) / 2


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with df degrees of freedom."""
    tail = 0.5 * regularized_beta(df / (df + t * t), df / 2, 0.5)
    return 1.0 - tail if t >= 0 else tail


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1.0 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The incomplete beta continued fraction by the modified Lentz method."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 1_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1.0) < _EPS:
            break
    return result
