"""Derived indicators defined in a codebook: one success/failure/missing value per respondent."""

from __future__ import annotations

import math

import pandas as pd

from assistmed.codebook import Codebook, Indicator
from assistmed.stats.design import ClusterDesign, design_proportion, icc_anova
from assistmed.stats.proportions import proportion

INDICATOR_COLUMNS = [
    "scope", "indicator", "n", "N", "prop", "ci_low", "ci_high", "design_prop", "design_ci_low", "design_ci_high",
    "deff", "icc", "design_df", "weighting",
]
DESIGN_COLUMNS = INDICATOR_COLUMNS[7:-1]


def indicator_series(clean: pd.DataFrame, codebook: Codebook, indicator: Indicator) -> pd.Series:
    """Nullable boolean per respondent: success, failure, or missing when the item was not answered.

    A group indicator is a success when any box other than the group's « none » box is ticked, and missing
    when the respondent ticked no box of the group at all.
    """
    if indicator.group is not None:
        members = [v.name for v in codebook.group_members(indicator.group)]
        answers = [v.name for v in codebook.group_members(indicator.group, include_none=False)]
        answered = clean[members].notna().any(axis=1)
        success = clean[answers].fillna(False).astype(bool).any(axis=1)
        return success.astype("boolean").where(answered, pd.NA).rename(indicator.name)
    values = clean[indicator.variable]
    result = values.isin(indicator.success).astype("boolean")
    return result.where(values.notna(), pd.NA).rename(indicator.name)


def compute_indicators(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    scope: str,
    distributed: int | None,
    confidence: float,
    design: ClusterDesign | None = None,
    weighting: str = "none",
) -> pd.DataFrame:
    """Every codebook indicator for one scope: n successes among N who answered, Wilson interval.

    With the scope's survey `design` (respondents of `clean`, in its order, clustered in practices, weighted
    as `weighting` says), each proportion also gets its design-based estimate, interval, design effect and
    degrees of freedom (design_proportion) and the intraclass correlation between practices (icc_anova,
    unweighted); without it (a practice: `weighting` "none") and for the response rate (not a survey
    estimate: every questionnaire handed out is counted) those columns are NaN."""
    rows = []
    for ind in codebook.indicators:
        design_figures = [math.nan] * len(DESIGN_COLUMNS)
        if ind.kind == "response_rate":
            if distributed is None:
                continue
            k, n = len(clean), int(distributed)
        else:
            answers = indicator_series(clean, codebook, ind)
            series = answers.dropna()
            k, n = int(series.sum()), len(series)
            if design is not None:
                estimate = design_proportion(design, answers, confidence)
                design_figures = [estimate.prop, estimate.ci_low, estimate.ci_high, estimate.deff,
                                  icc_anova(answers, design.psu), float(estimate.df)]
        p = proportion(k, n, confidence)
        rows.append([scope, ind.name, p.n, p.N, p.prop, p.ci_low, p.ci_high, *design_figures, weighting])
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    return frame.astype(
        {"scope": "object", "indicator": "object", "n": "int64", "N": "int64", **dict.fromkeys(DESIGN_COLUMNS, "float64"),
         "weighting": "object"}
    )
