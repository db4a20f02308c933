"""The t-interval of the excess log return, and the exact t quantile behind it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.signals.interval import excess_interval, regularized_beta, t_cdf, t_quantile

# Two-sided 95 % (p = 0.975) and 99 % (p = 0.995) critical values from the standard t table.
KNOWN = [
    (0.975, 1, 12.706204736),
    (0.975, 2, 4.302652730),
    (0.975, 3, 3.182446305),
    (0.975, 4, 2.776445105),
    (0.975, 9, 2.262157163),
    (0.975, 30, 2.042272456),
    (0.975, 100, 1.983971519),
    (0.995, 5, 4.032142984),
    (0.995, 20, 2.845340),
    (0.95, 10, 1.812461123),
]


@pytest.mark.parametrize(("p", "df", "expected"), KNOWN)
def test_t_quantile_matches_the_table(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)


def test_t_quantile_agrees_with_integrating_the_density():
    # An independent check: the t density integrated numerically (Simpson) up to the quantile.
    df = 6
    q = t_quantile(0.975, df)
    norm = math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
    x = np.linspace(0.0, q, 20_001)
    density = norm * (1 + x**2 / df) ** (-(df + 1) / 2)
    h = x[1] - x[0]
    area = (
        h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum() + 2 * density[2:-1:2].sum())
    )
    assert 0.5 + area == pytest.approx(0.975, abs=1e-10)


def test_t_cdf_known_points_and_symmetry():
    assert t_cdf(0.0, 5) == pytest.approx(0.5)
    assert t_cdf(1.0, 1) == pytest.approx(0.75)  # Cauchy: 1/2 + atan(1)/pi
    assert t_cdf(-2.0, 7) == pytest.approx(1 - t_cdf(2.0, 7))
    # Tends to the normal: Phi(1.96) = 0.9750021, less about pdf·(t³ + t) / (4·df) = 1.4e-6.
    assert t_cdf(1.96, 100_000) == pytest.approx(0.9750007, abs=2e-7)
    assert regularized_beta(0.3, 2.0, 3.0) == pytest.approx(0.3483)  # 1 - sum of binomials


def test_t_quantile_refuses_what_it_cannot_mean():
    with pytest.raises(ValueError, match="probability"):
        t_quantile(0.4, 3)
    with pytest.raises(ValueError, match="df"):
        t_quantile(0.975, 0)


def test_interval_by_hand():
    excess = np.array([0.1, 0.2, 0.3, 0.4, 0.5])  # mean 0.3, sd sqrt(0.025), n 5, df 4
    half = 2.776445105 * math.sqrt(0.025) / math.sqrt(5)
    low, high = excess_interval(excess)
    assert (low, high) == pytest.approx((math.exp(0.3 - half), math.exp(0.3 + half)))
    assert all(math.isnan(v) for v in excess_interval(np.array([0.2])))
