"""Design-based estimates and tests for a one-stage cluster sample: respondents (patients) clustered in
primary sampling units (PSUs: practices), the PSUs possibly stratified (regions at national scope), each
respondent with a weight.

Everything follows R's survey package (Lumley T, Complex Surveys, Wiley 2010; survey 4.1), which the tests
use as the oracle, convention for convention:

- variance by Taylor linearisation, PSUs drawn with replacement (no finite population correction): for
  stratum h of n_h PSUs, n_h/(n_h − 1) · Σ_c (z_hc − z̄_h)², where z_hc is PSU c's total of the estimate's
  influence values (R's `svyrecvar`);
- a subset (the respondents who answered an item) keeps each stratum's number of PSUs of the whole sample,
  a PSU left without respondent counting as a zero total (R's `subset` of a design);
- a stratum with a single PSU (a region of one practice at national scope) contributes that PSU's squared
  deviation from the overall estimate: R's `options(survey.lonely.psu = "adjust")`, the conservative
  choice (R's default, "fail", would stop the analysis);
- degrees of freedom: PSUs minus strata among the respondents kept (R's `degf`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, fdtrc, logit, stdtrit


@dataclass(frozen=True)
class ClusterDesign:
    """Respondents' PSU and stratum (integer codes) and weights; `psus_in_stratum[h]` is the number of PSUs
    of stratum h in the whole sample, which a subset keeps."""

    psu: np.ndarray
    stratum: np.ndarray
    weight: np.ndarray
    psu_stratum: np.ndarray
    psus_in_stratum: np.ndarray

    @classmethod
    def build(cls, psu: Sequence, stratum: Sequence | None = None, weight: Sequence | None = None) -> ClusterDesign:
        """The design of a sample given each respondent's PSU, stratum (none: one stratum) and weight (none:
        1). A PSU must lie in a single stratum."""
        psu_codes, psu_ids = pd.factorize(pd.Series(psu), sort=False)
        if (psu_codes < 0).any():
            raise ValueError("design: every respondent needs a PSU (practice)")
        n = len(psu_codes)
        stratum_codes = np.zeros(n, dtype=np.int64) if stratum is None else pd.factorize(pd.Series(stratum))[0]
        psu_stratum = np.full(len(psu_ids), -1, dtype=np.int64)
        psu_stratum[psu_codes] = stratum_codes
        if not np.array_equal(psu_stratum[psu_codes], stratum_codes):
            raise ValueError("design: a PSU (practice) lies in two strata (regions)")
        weights = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
        if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("design: weights must be one finite, non-negative number per respondent")
        return cls(
            psu=psu_codes.astype(np.int64),
            stratum=stratum_codes.astype(np.int64),
            weight=weights,
            psu_stratum=psu_stratum,
            psus_in_stratum=np.bincount(psu_stratum, minlength=stratum_codes.max(initial=-1) + 1),
        )

    def subset(self, keep: np.ndarray) -> ClusterDesign:
        """The respondents where `keep` is true (and whose weight is not zero), the PSU counts kept."""
        keep = np.asarray(keep, dtype=bool) & (self.weight > 0)
        return ClusterDesign(self.psu[keep], self.stratum[keep], self.weight[keep], self.psu_stratum,
                             self.psus_in_stratum)

    @property
    def n(self) -> int:
        return len(self.psu)

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata among these respondents (R's degf)."""
        return len(np.unique(self.psu)) - len(np.unique(self.stratum))


def linearised_variance(design: ClusterDesign, influence: np.ndarray) -> np.ndarray:
    """k×k covariance of estimates whose influence values (one row per respondent, one column per estimate)
    are given, by the with-replacement formula of the module's docstring (R's svyrecvar, lonely PSUs
    "adjust")."""
    values = np.asarray(influence, dtype=float).reshape(design.n, -1)
    k = values.shape[1]
    n_psu = len(design.psu_stratum)
    totals = np.column_stack([np.bincount(design.psu, values[:, j], minlength=n_psu) for j in range(k)])
    present = np.bincount(design.psu, minlength=n_psu) > 0
    covariance = np.zeros((k, k))
    for h, n_h in enumerate(design.psus_in_stratum):
        rows = totals[present & (design.psu_stratum == h)]
        if n_h == 1:
            covariance += rows.T @ rows
            continue
        mean = rows.sum(axis=0) / n_h
        centred = rows - mean
        absent = n_h - len(rows)
        covariance += n_h / (n_h - 1) * (centred.T @ centred + absent * np.outer(mean, mean))
    return covariance


@dataclass(frozen=True)
class DesignProportion:
    """A proportion estimated under the design: its estimate, variance, confidence interval (logit, design
    degrees of freedom), design effect and degrees of freedom."""

    prop: float
    variance: float
    ci_low: float
    ci_high: float
    deff: float
    df: int


def design_mean(design: ClusterDesign, y: np.ndarray) -> tuple[float, float]:
    """Weighted mean (a ratio: Σwy / Σw) and its linearised variance (R's svymean)."""
    y = np.asarray(y, dtype=float)
    total = design.weight.sum()
    mean = float(design.weight @ y / total)
    influence = design.weight * (y - mean) / total
    return mean, float(linearised_variance(design, influence)[0, 0])


def design_proportion(design: ClusterDesign, y: Sequence, confidence: float = 0.95) -> DesignProportion:
    """The proportion of `y` (True/False, missing as NaN or None: left out, the design subset to those who
    answered) with R's `svyciprop(~y, design, method = "logit")` interval — logit(p) ± t(df) · SE/(p(1 − p)),
    df = degf — and `deff(svymean(~y, design, deff = "replace"))`: the variance over that of a simple random
    sample with replacement of the same respondents, svyvar/n. A proportion of 0 or 1 has no variance and no
    logit interval: NaN (R returns a zero-width interval and a NaN design effect); so does df = 0 (one PSU)."""
    values = pd.array(y, dtype="boolean")
    keep = ~np.asarray(values.isna()) & (design.weight > 0)
    answered = design.subset(keep)
    outcome = values[keep].to_numpy(dtype=float)
    n, df = answered.n, answered.df
    if n == 0:
        return DesignProportion(math.nan, math.nan, math.nan, math.nan, math.nan, df)
    prop, variance = design_mean(answered, outcome)
    # R's svyvar (the weighted variance with the n/(n − 1) correction) over n.
    spread = float(answered.weight @ (outcome - prop) ** 2 / answered.weight.sum())
    deff = variance / (spread / (n - 1)) if n > 1 and spread > 0 else math.nan
    if not 0 < prop < 1 or df < 1 or variance <= 0:
        return DesignProportion(prop, variance, math.nan, math.nan, deff, df)
    half = stdtrit(df, 0.5 + confidence / 2) * math.sqrt(variance) / (prop * (1 - prop))
    centre = logit(prop)
    return DesignProportion(prop, variance, float(expit(centre - half)), float(expit(centre + half)), deff, df)


def icc_anova(y: Sequence, cluster: Sequence) -> float:
    """Intraclass correlation by the one-way ANOVA estimator, truncated at 0:
    (MSB − MSW) / (MSB + (n₀ − 1)·MSW), n₀ = (N − Σ n_c²/N)/(k − 1) for k clusters of sizes n_c
    (Donner 1986, Int Stat Rev 54:67–82; Snedecor & Cochran). Missing values are left out; NaN with fewer
    than two clusters or no within-cluster replication."""
    values = pd.array(y, dtype="Float64")
    keep = ~np.asarray(values.isna())
    outcome = np.asarray(values[keep], dtype=float)
    codes, _ = pd.factorize(pd.Series(cluster)[keep].to_numpy())
    sizes = np.bincount(codes).astype(float)
    k, N = len(sizes), outcome.size
    if k < 2 or N - k < 1:
        return math.nan
    means = np.bincount(codes, outcome) / sizes
    msb = float(sizes @ (means - outcome.mean()) ** 2) / (k - 1)
    msw = float(((outcome - means[codes]) ** 2).sum()) / (N - k)
    n0 = (N - (sizes**2).sum() / N) / (k - 1)
    denominator = msb + (n0 - 1) * msw
    if denominator <= 0:
        return math.nan
    return max(0.0, (msb - msw) / denominator)


@dataclass(frozen=True)
class RaoScott:
    """Rao–Scott second-order corrected F test of independence: F = X²/tr(Δ) on d₀ and d₀·ν degrees of
    freedom, d₀ = tr(Δ)²/tr(Δ²), ν the design degrees of freedom."""

    statistic: float
    ndf: float
    ddf: float
    p_value: float


def rao_scott_test(design: ClusterDesign, a: Sequence, b: Sequence) -> RaoScott:
    """R's `svychisq(~a + b, design, statistic = "F")` on the respondents who answered both (Rao JNK, Scott AJ
    1984, Ann Stat 12:46–60; Thomas DR, Rao JNK 1987, JASA 82:630–636): Pearson's X² of the weighted table
    scaled to the n respondents, divided by the mean generalised design effect tr(Δ), with
    Δ = (C'D⁻¹C/n)⁻¹ (C'D⁻¹VD⁻¹C), V the design covariance of the cell proportions, D their diagonal, C the
    interaction contrasts orthogonal to the rows and columns; NaN when it cannot be computed (a single row or
    column, fewer than two PSUs, no between-PSU variance)."""
    a_values, b_values = pd.Series(a).reset_index(drop=True), pd.Series(b).reset_index(drop=True)
    keep = (a_values.notna() & b_values.notna()).to_numpy() & (design.weight > 0)
    answered = design.subset(keep)
    row_codes, rows = pd.factorize(a_values[keep].astype(object), sort=True)
    col_codes, cols = pd.factorize(b_values[keep].astype(object), sort=True)
    r, c, n, nu = len(rows), len(cols), answered.n, answered.df
    nothing = RaoScott(math.nan, math.nan, math.nan, math.nan)
    if r < 2 or c < 2 or nu < 1:
        return nothing
    # Cells in R's order: rows vary fastest.
    cell = row_codes + r * col_codes
    indicators = np.zeros((n, r * c))
    indicators[np.arange(n), cell] = 1.0
    total = answered.weight.sum()
    proportions = answered.weight @ indicators / total
    influence = answered.weight[:, None] * (indicators - proportions) / total
    V = linearised_variance(answered, influence)
    observed = (proportions * n).reshape(c, r).T
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    pearson = float(((observed - expected) ** 2 / expected).sum())
    grid_rows, grid_cols = np.tile(np.arange(r), c), np.repeat(np.arange(c), r)
    main = np.column_stack([np.ones(r * c), *(grid_rows == i for i in range(1, r)), *(grid_cols == j for j in range(1, c))])
    interaction = np.column_stack(
        [(grid_rows == i) & (grid_cols == j) for j in range(1, c) for i in range(1, r)]
    ).astype(float)
    contrasts = interaction - main @ np.linalg.lstsq(main, interaction, rcond=None)[0]
    inverse = np.where(proportions == 0, 0.0, 1 / np.where(proportions == 0, 1, proportions))
    weighted = contrasts * inverse[:, None]
    denominator = contrasts.T @ weighted / n
    numerator = weighted.T @ V @ weighted
    delta = np.linalg.solve(denominator, numerator)
    trace = float(np.trace(delta))
    if not trace > 0:
        return nothing
    d0 = trace**2 / float(np.trace(delta @ delta))
    statistic = pearson / trace
    return RaoScott(statistic, d0, d0 * nu, float(fdtrc(d0, d0 * nu, statistic)))
