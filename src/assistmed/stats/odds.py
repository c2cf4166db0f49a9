"""Odds ratio of a 2×2 table with Woolf's logit interval (Woolf 1955; Agresti 2002, §3.1.1), with the
Haldane–Anscombe correction when a cell is zero (Haldane 1956; Anscombe 1956)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class OddsRatio:
    """Odds ratio, its confidence interval, the standard error of its log, and whether 0.5 was added to
    every cell because one was zero."""

    odds_ratio: float
    ci_low: float
    ci_high: float
    se_log: float
    corrected: bool


def woolf_odds_ratio(a: int, b: int, c: int, d: int, confidence: float = 0.95) -> OddsRatio:
    """OR = ad/bc of the table [[a, b], [c, d]] with the Woolf interval exp(log OR ± z·SE),
    SE = sqrt(1/a + 1/b + 1/c + 1/d); 0.5 is added to every cell when any cell is zero (Haldane–Anscombe)."""
    cells = (a, b, c, d)
    if any(x < 0 for x in cells):
        raise ValueError(f"odds ratio: cells must be non-negative counts, got {cells}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")
    corrected = any(x == 0 for x in cells)
    aa, bb, cc, dd = (x + 0.5 for x in cells) if corrected else (float(x) for x in cells)
    log_or = math.log(aa * dd / (bb * cc))
    se = math.sqrt(1 / aa + 1 / bb + 1 / cc + 1 / dd)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return OddsRatio(
        odds_ratio=math.exp(log_or),
        ci_low=math.exp(log_or - z * se),
        ci_high=math.exp(log_or + z * se),
        se_log=se,
        corrected=corrected,
    )
