"""Multiple-testing adjustment of a family of p-values (Holm 1979; Hochberg 1988; Benjamini & Hochberg
1995), through statsmodels' `multipletests`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_METHODS = {
    "holm": "holm",
    "bonferroni": "bonferroni",
    "fdr_bh": "fdr_bh",
    "simes-hochberg": "simes-hochberg",
    "hochberg": "simes-hochberg",
}


def adjust_pvalues(p: Sequence[float], method: str = "holm") -> np.ndarray:
    """Adjusted p-values, in the input order, by Holm, Bonferroni, Benjamini–Hochberg ('fdr_bh') or
    Hochberg ('simes-hochberg', alias 'hochberg'). NaNs (tests not done) stay NaN and are left out of
    the family."""
    if method not in _METHODS:
        raise ValueError(f"unknown p-value adjustment '{method}'; choose one of {sorted(_METHODS)}")
    values = np.asarray(p, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"p-values must be a flat sequence, got shape {values.shape}")
    tested = ~np.isnan(values)
    if np.any((values[tested] < 0) | (values[tested] > 1)):
        raise ValueError(f"p-values must lie in [0, 1], got {values[tested].tolist()}")
    adjusted = np.full(values.shape, np.nan)
    if tested.any():
        from statsmodels.stats.multitest import multipletests

        adjusted[tested] = multipletests(values[tested], method=_METHODS[method])[1]
    return adjusted
