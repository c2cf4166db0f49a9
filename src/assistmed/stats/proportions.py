"""Confidence intervals for a proportion and for a difference of two proportions.

References: Newcombe RG (1998a), Two-sided confidence intervals for the single proportion: comparison of
seven methods, Stat Med 17:857–872; Newcombe RG (1998b), Interval estimation for the difference between
independent proportions: comparison of eleven methods, Stat Med 17:873–890.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Proportion:
    """n respondents out of N with the attribute, the proportion (0–1) and its 95 % Wilson interval."""

    n: int
    N: int
    prop: float
    ci_low: float
    ci_high: float


def _check_counts(k: int, n: int) -> None:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"counts must satisfy 0 ≤ k ≤ n, got k={k}, n={n}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")


def _z(confidence: float) -> float:
    _check_confidence(confidence)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    k: int, n: int, confidence: float = 0.95, continuity: bool = False
) -> tuple[float, float]:
    """Wilson score interval for k/n, optionally with continuity correction (Newcombe 1998a, methods 3
    and 4; R `prop.test(k, n, correct=...)$conf.int`). n == 0 gives (nan, nan); bounds lie in [0, 1]."""
    _check_counts(k, n)
    z = _z(confidence)
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 2 * (n + z * z)
    if not continuity:
        centre = 2 * n * p + z * z
        half = z * math.sqrt(z * z + 4 * n * p * (1 - p))
        low, high = (centre - half) / denom, (centre + half) / denom
    else:  # the square roots are only defined away from the bound each formula does not apply to
        low = (
            0.0
            if k == 0
            else (2 * n * p + z * z - 1 - z * math.sqrt(z * z - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denom
        )
        high = (
            1.0
            if k == n
            else (2 * n * p + z * z + 1 + z * math.sqrt(z * z + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denom
        )
    # At k = 0 (k = n) the lower (upper) bound is exactly 0 (1); in floating point the formula gives
    # 0.9999999999999999 for 7/7 to 12/12, below the proportion itself. Set the exact bounds, and keep
    # low ≤ p ≤ high against rounding elsewhere.
    low = 0.0 if k == 0 else min(max(low, 0.0), p)
    high = 1.0 if k == n else max(min(high, 1.0), p)
    return (low, high)


def clopper_pearson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson 'exact' interval from beta quantiles (Newcombe 1998a, method 5; R `binom.test`).
    n == 0 gives (nan, nan)."""
    from scipy.special import betaincinv

    _check_counts(k, n)
    _check_confidence(confidence)
    alpha = 1 - confidence
    if n == 0:
        return (math.nan, math.nan)
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - alpha / 2))
    return (low, high)


def newcombe_difference_interval(
    k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Interval for p1 − p2 by the hybrid score method built from the two Wilson intervals (Newcombe
    1998b, method 10). Either group empty gives (nan, nan)."""
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return (d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2))


def proportion(k: int, n: int, confidence: float = 0.95) -> Proportion:
    """k/n with its Wilson score interval, no continuity correction (Newcombe 1998a, method 3); prop is
    nan when n == 0."""
    low, high = wilson_interval(k, n, confidence)
    return Proportion(n=k, N=n, prop=k / n if n else math.nan, ci_low=low, ci_high=high)
