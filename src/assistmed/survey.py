"""What every survey strand computes the same way: item distributions and association tests.

A scope (a practice, a region, the GPs of a region…) gets every coded item's distribution and one
association test per pair of variables; the tests of one scope form one family for the multiple-testing
correction. Pairs of ordered variables (ordinal in the codebook) also get the linear-by-linear trend test;
pooled scopes get a sensitivity test stratified by practice and the design-based (Rao–Scott) test. The settings come from
`assistmed.settings.AnalysisSettings`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook
from assistmed.indicators import indicator_series
from assistmed.settings import AnalysisSettings
from assistmed.stats.contingency import crosstab, test_association
from assistmed.stats.design import ClusterDesign, rao_scott_test
from assistmed.stats.multiple import adjust_pvalues
from assistmed.stats.stratified import stratified_association
from assistmed.stats.trend import linear_trend_test

log = logging.getLogger("assistmed.survey")

DISTRIBUTION_COLUMNS = ["scope", "variable", "category", "n", "N", "prop"]
ASSOCIATION_COLUMNS = [
    "scope", "var_a", "var_b", "test", "statistic", "dof", "p_value", "p_adjusted", "cramers_v", "n",
    "stratified_test", "p_stratified", "p_design", "p_trend", "weighting",
]


def item_distributions(clean: pd.DataFrame, codebook: Codebook, *, scope: str) -> pd.DataFrame:
    """Counts of every category (zeros included) of every coded item, and of every ticked box."""
    rows = []
    for v in codebook.variables:
        if v.name not in clean or not (v.is_categorical or v.type == "checkbox"):
            continue
        answered = clean[v.name].dropna()
        N = len(answered)
        if v.is_categorical:
            counts = answered.astype("object").value_counts()
            categories = [(key, int(counts.get(key, 0))) for key in v.keys]
        else:
            categories = [("checked", int(answered.astype(bool).sum()))]
        for category, n in categories:
            rows.append([scope, v.name, category, n, N, n / N if N else float("nan")])
    return pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS).astype({"n": "int64", "N": "int64"})


def variable_series(clean: pd.DataFrame, codebook: Codebook, name: str) -> pd.Series:
    """A column of `clean` (a codebook variable, or `practice` / `region`), or a codebook indicator."""
    if name in clean:
        return clean[name]
    return indicator_series(clean, codebook, codebook.indicator(name))


def stratified_tables(a: pd.Series, b: pd.Series, strata: pd.Series, table: pd.DataFrame) -> np.ndarray:
    """Counts of `table` (the crosstab of a and b) split by stratum: a K×r×c array with the rows and
    columns of `table`, one layer per stratum. Built in one pass over the respondents (no per-stratum
    crosstab), so that a thousand practices stay cheap."""
    both = a.notna() & b.notna() & strata.notna()
    layer, _ = pd.factorize(strata[both])
    rows = pd.Index(list(table.index)).get_indexer(a[both].astype(object))
    cols = pd.Index(list(table.columns)).get_indexer(b[both].astype(object))
    counts = np.zeros((layer.max() + 1 if len(layer) else 0, len(table.index), len(table.columns)), dtype=np.int64)
    np.add.at(counts, (layer, rows, cols), 1)
    return counts


def ordinal_scores(codebook: Codebook, name: str, levels: Sequence) -> list[float] | None:
    """Equally spaced scores (the level's position on the codebook's scale: 0, 1, 2, …) of the levels
    present in a table, for an ordered variable; None for any other (nominal, indicator, practice)."""
    if name not in codebook.by_name or not codebook.variable(name).ordered:
        return None
    position = {key: i for i, key in enumerate(codebook.variable(name).keys)}
    return [float(position[level]) for level in levels]


def trend_p_value(codebook: Codebook, var_a: str, var_b: str, table: pd.DataFrame) -> float:
    """p of the linear-by-linear association test (Agresti 2002, §3.4.1: M² = (n − 1)r², 1 df, equally
    spaced scores) when both variables are ordered; NaN otherwise."""
    rows = ordinal_scores(codebook, var_a, table.index)
    cols = ordinal_scores(codebook, var_b, table.columns)
    if rows is None or cols is None:
        return float("nan")
    return linear_trend_test(table.to_numpy(), rows, cols)[1]


def association_tests(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    scope: str,
    pairs: Sequence[tuple[str, str]],
    settings: AnalysisSettings | Mapping | None = None,
    strata: str | None = None,
    design: ClusterDesign | None = None,
    weighting: str = "none",
) -> pd.DataFrame:
    """One row per testable pair (ASSOCIATION_COLUMNS); p_adjusted corrects within this scope's family.

    `p_trend` is the linear-by-linear trend test where both variables are ordered (NaN otherwise), not
    adjusted. With `strata` (a column of `clean`, e.g. "practice"), each pair also gets a sensitivity test
    that respects the clustering of respondents within strata (stratified_association: "cmh" or "gcmh",
    and its p-value, not adjusted); a pair whose variable is constant within every stratum (the stratum
    itself, or a region at national scope where practices are nested in regions) gets "" and NaN, as does
    every pair when `strata` is None.

    With the scope's survey `design` (the respondents of `clean`, in its order, whose PSUs are the `strata`
    column's practices), each pair gets `p_design`, the Rao–Scott design-based test (rao_scott_test, not
    adjusted), except a comparison of the PSUs themselves (`strata` × item: how much practices differ is
    the ICC's and the funnel plot's question); NaN without a design. `weighting` names the design's weights
    ("none" without a design)."""
    options = AnalysisSettings.of(settings)
    rows = []
    for var_a, var_b in pairs:
        a, b = variable_series(clean, codebook, var_a), variable_series(clean, codebook, var_b)
        table = crosstab(a, b)
        result = test_association(
            table.to_numpy(), mc_tables=options.fisher_mc_tables, seed=options.seed,
            min_expected=options.min_expected,
        )
        if result.test == "none":
            log.info("%s : %s × %s non testable (moins de deux modalités observées)", scope, var_a, var_b)
            continue
        stratified_test, p_stratified = (
            stratified_association(stratified_tables(a, b, clean[strata], table)) if strata else ("", float("nan"))
        )
        p_design = (
            rao_scott_test(design, a, b).p_value
            if design is not None and strata not in (var_a, var_b)
            else float("nan")
        )
        rows.append([scope, var_a, var_b, result.test, result.statistic, result.dof, result.p_value,
                     float("nan"), result.cramers_v, result.n, stratified_test, p_stratified, p_design,
                     trend_p_value(codebook, var_a, var_b, table), weighting])
    frame = pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS).astype(
        {"dof": "int64", "n": "int64", "p_adjusted": "float64", "stratified_test": "str", "p_stratified": "float64",
         "p_design": "float64", "p_trend": "float64", "weighting": "object"}
    )
    if len(frame):
        frame["p_adjusted"] = adjust_pvalues(frame["p_value"].to_numpy(), options.p_adjust)
    return frame
