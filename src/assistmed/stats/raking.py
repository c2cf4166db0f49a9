"""Raking (iterative proportional fitting) of survey weights to known margins (Deming & Stephan 1940,
Ann Math Stat 11:427–444; Lumley 2010, §7.4; R's `survey::rake`).

Starting from equal weights, each margin in turn is met exactly by scaling the weights of each of its
categories; cycles repeat until every margin is met to a relative `tolerance` (or `max_iterations` cycles
have run). The result does not depend on the starting weights when they are equal, as they are within a
practice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

TOLERANCE = 1e-10
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class Raking:
    """The raked weights (one per respondent) and the convergence report: cycles run, the largest relative
    gap between a margin and its weighted total after the last cycle, whether it fell below the tolerance."""

    weights: np.ndarray
    iterations: int
    max_margin_error: float
    converged: bool


def rake(
    values: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Raking:
    """Weights of the respondents (rows of `values`, one column per margin variable, no missing value) whose
    weighted counts meet `margins` (variable → category → population count). Every category with
    respondents must have a target; every margin must have the same total."""
    codes = {}
    targets = {}
    for name, margin in margins.items():
        categories = list(margin)
        index = pd.Index(categories).get_indexer(values[name].astype(object))
        if (index < 0).any():
            unknown = sorted(set(values[name].astype(object)[index < 0]))
            raise ValueError(f"raking: {name} has respondents in {unknown}, which have no margin")
        codes[name] = index
        targets[name] = np.array([float(margin[c]) for c in categories])
    weights = np.ones(len(values))
    error = np.inf
    for iteration in range(1, max_iterations + 1):
        for name, index in codes.items():
            achieved = np.bincount(index, weights, minlength=len(targets[name]))
            factor = np.divide(targets[name], achieved, out=np.zeros_like(achieved), where=achieved > 0)
            weights = weights * factor[index]
        error = max(
            float(np.max(np.abs(np.bincount(index, weights, minlength=len(targets[name])) - targets[name])
                         / targets[name].sum()))
            for name, index in codes.items()
        )
        if error < tolerance:
            return Raking(weights, iteration, error, True)
    return Raking(weights, max_iterations, error, False)
