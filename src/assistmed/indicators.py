"""Derived indicators defined in a codebook: one success/failure/missing value per respondent."""

from __future__ import annotations

import pandas as pd

from assistmed.codebook import Codebook, Indicator
from assistmed.stats.proportions import proportion

INDICATOR_COLUMNS = ["scope", "indicator", "n", "N", "prop", "ci_low", "ci_high"]


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
    clean: pd.DataFrame, codebook: Codebook, *, scope: str, distributed: int | None, confidence: float
) -> pd.DataFrame:
    """Every codebook indicator for one scope: n successes among N who answered, Wilson interval."""
    rows = []
    for ind in codebook.indicators:
        if ind.kind == "response_rate":
            if distributed is None:
                continue
            k, n = len(clean), int(distributed)
        else:
            series = indicator_series(clean, codebook, ind).dropna()
            k, n = int(series.sum()), len(series)
        p = proportion(k, n, confidence)
        rows.append([scope, ind.name, p.n, p.N, p.prop, p.ci_low, p.ci_high])
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    return frame.astype({"scope": "object", "indicator": "object", "n": "int64", "N": "int64"})
