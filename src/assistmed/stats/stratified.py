"""Association within strata (here: practices), pooled over strata so that between-practice differences
do not masquerade as association: Cochran–Mantel–Haenszel for K 2×2 tables (Mantel & Haenszel 1959;
Agresti 2002, §6.3) and the general association statistic for K r×c tables (Landis, Heyman & Koch 1978,
Int Stat Rev 46:237–254; Agresti 2002, §7.5.3)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import chdtrc

from assistmed.stats.contingency import as_count_array


def _informative_strata(tables: Sequence[np.ndarray], shape: tuple[int, int] | None = None) -> np.ndarray:
    # A stratum with fewer than two respondents has no variance and adds nothing to any of the sums.
    strata = [as_count_array(t) for t in tables]
    shapes = {s.shape for s in strata}
    if len(shapes) > 1 or (shape is not None and shapes and shapes != {shape}):
        expected = f"{shape[0]}×{shape[1]}" if shape else "the same shape"
        raise ValueError(f"stratified test: every stratum must be {expected}, got shapes {sorted(shapes)}")
    return np.array([s for s in strata if s.sum() >= 2], dtype=np.int64)


def cmh_test(tables: Sequence[np.ndarray]) -> tuple[float, float, float]:
    """Cochran–Mantel–Haenszel test of conditional independence over K 2×2 strata, without continuity
    correction (1 df), its p-value, and the Mantel–Haenszel common odds ratio (statsmodels
    StratifiedTable). Strata with fewer than two respondents are skipped; none left gives nan."""
    strata = _informative_strata(tables, (2, 2))
    if len(strata) == 0:
        return (math.nan, math.nan, math.nan)
    from statsmodels.stats.contingency_tables import StratifiedTable

    stratified = StratifiedTable(np.moveaxis(strata, 0, -1).astype(float))
    result = stratified.test_null_odds(correction=False)
    return (float(result.statistic), float(result.pvalue), float(stratified.oddsratio_pooled))


def generalized_cmh(tables: Sequence[np.ndarray]) -> tuple[float, int, float]:
    """General association statistic Q for K r×c strata (Landis et al. 1978), its degrees of freedom
    (r−1)(c−1) and p-value. Rows and columns empty in every stratum are dropped; if the summed covariance
    is still singular (a category confined to strata where it has no variance), its generalised inverse is
    used and df is its rank. With one stratum Q = (n−1)/n·X²; with 2×2 strata it is the uncorrected CMH."""
    strata = _informative_strata(tables)
    if len(strata) == 0:
        return (math.nan, 0, math.nan)
    pooled = strata.sum(axis=0)
    strata = strata[:, pooled.sum(axis=1) > 0][:, :, pooled.sum(axis=0) > 0]
    _, r, c = strata.shape
    if r < 2 or c < 2:
        return (math.nan, 0, math.nan)
    deviation = np.zeros((r - 1) * (c - 1))
    covariance = np.zeros((deviation.size, deviation.size))
    for table in strata:
        n = table.sum()
        p_row, p_col = table.sum(axis=1) / n, table.sum(axis=0) / n
        deviation += (table[:-1, :-1] - n * np.outer(p_row[:-1], p_col[:-1])).ravel()
        v_row = (np.diag(p_row) - np.outer(p_row, p_row))[:-1, :-1]
        v_col = (np.diag(p_col) - np.outer(p_col, p_col))[:-1, :-1]
        covariance += n * n / (n - 1) * np.kron(v_row, v_col)
    dof = int(np.linalg.matrix_rank(covariance))
    if dof == 0:
        return (math.nan, 0, math.nan)
    statistic = float(deviation @ np.linalg.pinv(covariance) @ deviation)
    return (statistic, dof, float(chdtrc(dof, statistic)))


def stratified_association(tables: np.ndarray) -> tuple[str, float]:
    """Association test over K strata given as a K×r×c array of counts (same levels in every stratum): the
    CMH test ('cmh') when the table is 2×2, the general association statistic ('gcmh') when larger.
    A stratum in which either variable takes a single level has no variance and is dropped (it adds
    nothing to either statistic); with no stratum left, or a pooled table with fewer than two rows or
    columns, no test is computed: ('', nan)."""
    counts = np.asarray(tables, dtype=np.int64)
    if counts.ndim != 3:
        raise ValueError(f"stratified test: expected K×r×c counts, got shape {counts.shape}")
    rows_used = (counts.sum(axis=2) > 0).sum(axis=1)
    cols_used = (counts.sum(axis=1) > 0).sum(axis=1)
    counts = counts[(rows_used >= 2) & (cols_used >= 2)]
    if len(counts) == 0 or min(counts.shape[1:]) < 2:
        return ("", math.nan)
    if counts.shape[1:] == (2, 2):
        return ("cmh", cmh_test(list(counts))[1])
    statistic, _, p_value = generalized_cmh(list(counts))
    return ("gcmh", p_value) if not math.isnan(statistic) else ("", math.nan)
