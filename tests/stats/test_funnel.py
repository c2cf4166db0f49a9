"""Funnel plot control limits: exact binomial quantiles interpolated as in Spiegelhalter (2005)."""

import math

import pytest

from assistmed.stats.funnel import binomial_limit, control_limits

# R: lim <- function(p0, n, q) { r <- qbinom(q, n, p0); Fr <- pbinom(r, n, p0); Fm <- pbinom(r - 1, n, p0)
#                               (r - (Fr - q) / (Fr - Fm)) / n }
R_LIMITS = [
    (0.8596, 40, 0.001, 0.654151187063),
    (0.8596, 40, 0.025, 0.730430304172),
    (0.8596, 40, 0.975, 0.946292662352),
    (0.8596, 40, 0.999, 0.989380997186),
    (0.8596, 8, 0.025, 0.513820875222),
    (0.8596, 8, 0.999, 0.999580686584),
    (0.15, 60, 0.001, 0.018355519968),
    (0.15, 60, 0.975, 0.237762579764),
]


@pytest.mark.parametrize(("p0", "n", "q", "expected"), R_LIMITS)
def test_limits_are_interpolated_binomial_quantiles(p0, n, q, expected):
    assert binomial_limit(p0, n, q) == pytest.approx(expected, abs=1e-12)


def test_the_95_and_998_limits_widen_and_approach_the_normal_ones_for_large_n():
    low_95, high_95 = control_limits(0.3, 100_000, 0.95)
    low_998, high_998 = control_limits(0.3, 100_000, 0.998)
    assert low_998 < low_95 < 0.3 < high_95 < high_998
    se = math.sqrt(0.3 * 0.7 / 100_000)
    assert (low_95, high_95) == pytest.approx((0.3 - 1.959964 * se, 0.3 + 1.959964 * se), abs=2e-5)
    assert (low_998, high_998) == pytest.approx((0.3 - 3.090232 * se, 0.3 + 3.090232 * se), abs=2e-5)


def test_limits_stay_within_0_and_1():
    # One respondent, p0 = 0.5: R's formula gives -0.95 and 0.95; a proportion's limit is clipped at 0.
    assert control_limits(0.5, 1, 0.95) == (0.0, 0.95)
    assert control_limits(0.0, 30, 0.95) == (0.0, 0.0)
    assert all(math.isnan(x) for x in control_limits(0.5, 0, 0.95))
