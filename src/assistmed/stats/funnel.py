"""Control limits of a funnel plot for proportions (Spiegelhalter DJ 2005, Funnel plots for comparing
institutional performance, Stat Med 24:1185–1202): around a target proportion p₀, the limits within which
a unit of n respondents falls with the given probability when its true proportion is p₀.

Exact binomial limits, interpolated so that they vary smoothly with n (Spiegelhalter 2005, appendix
A.1.1): for the q-quantile, r_q is the smallest count with P(R ≤ r_q) ≥ q, R ~ Binomial(n, p₀), and the
limit is (r_q − α)/n with α = (P(R ≤ r_q) − q) / (P(R ≤ r_q) − P(R ≤ r_q − 1)), kept within [0, 1].
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import bdtr


def binomial_limit(p0: float, n: int, q: float) -> float:
    """The interpolated q-quantile of the proportion of events among n when each has probability p0."""
    if n <= 0 or math.isnan(p0):
        return math.nan
    if p0 <= 0 or p0 >= 1:
        return float(p0)
    cdf = bdtr(np.arange(n + 1), n, p0)
    r = int(np.searchsorted(cdf, q, side="left"))
    below = cdf[r - 1] if r > 0 else 0.0
    alpha = (cdf[r] - q) / (cdf[r] - below)
    # Below the smallest count the interpolation would leave [0, 1]: a proportion's limit is clipped to it.
    return min(1.0, max(0.0, (r - alpha) / n))


def control_limits(p0: float, n: int, coverage: float) -> tuple[float, float]:
    """(low, high): the limits a unit of n respondents stays within with probability `coverage` (0.95,
    0.998) when its proportion is p0."""
    tail = (1 - coverage) / 2
    return binomial_limit(p0, n, tail), binomial_limit(p0, n, 1 - tail)
