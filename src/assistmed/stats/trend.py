"""Linear-by-linear association (Mantel 1963) for tables with ordered rows and columns: M² = (n − 1)·r²,
r the Pearson correlation of the row and column scores over respondents (Agresti 2002, §3.4.1)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import chdtrc

from assistmed.stats.contingency import as_count_array


def linear_trend_test(
    table,
    row_scores: Sequence[float] | None = None,
    col_scores: Sequence[float] | None = None,
) -> tuple[float, float]:
    """Mantel's M² = (n − 1)r² on 1 df and its p-value (Agresti 2002, §3.4); scores default to 0, 1, 2, …
    Scores are given for every row and column of the table as passed (empty ones weigh nothing)."""
    values = as_count_array(table).astype(float)
    u = np.arange(values.shape[0], dtype=float) if row_scores is None else np.asarray(row_scores, float)
    v = np.arange(values.shape[1], dtype=float) if col_scores is None else np.asarray(col_scores, float)
    if u.shape != (values.shape[0],) or v.shape != (values.shape[1],):
        raise ValueError(
            f"trend test: {values.shape[0]} row and {values.shape[1]} column scores needed, "
            f"got {u.size} and {v.size}"
        )
    n = values.sum()
    rows, cols = values.sum(axis=1), values.sum(axis=0)
    u_mean, v_mean = rows @ u / n, cols @ v / n
    covariance = ((u - u_mean)[:, None] * (v - v_mean)[None, :] * values).sum()
    spread = math.sqrt((rows @ (u - u_mean) ** 2) * (cols @ (v - v_mean) ** 2))
    if n < 2 or spread == 0:
        return (math.nan, math.nan)
    statistic = (n - 1) * (covariance / spread) ** 2
    return (float(statistic), float(chdtrc(1, statistic)))
