"""Per-practice and pooled analyses of the patient questionnaire.

Each scope (a practice, or a region pooling its practices) gets its indicators, every item's distribution
and its association tests; the tests of one scope form one family for the multiple-testing correction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.indicators import compute_indicators, indicator_series
from assistmed.io import read_parquet_stack, write_parquet
from assistmed.stats.contingency import crosstab, test_association
from assistmed.stats.multiple import adjust_pvalues
from assistmed.stats.stratified import stratified_association

log = logging.getLogger("assistmed.patients")

DISTRIBUTION_COLUMNS = ["scope", "variable", "category", "n", "N", "prop"]
ASSOCIATION_COLUMNS = [
    "scope", "var_a", "var_b", "test", "statistic", "dof", "p_value", "p_adjusted", "cramers_v", "n",
    "stratified_test", "p_stratified",
]


@dataclass(frozen=True)
class AnalysisSettings:
    confidence: float = 0.95
    min_expected: float = 5.0
    fisher_mc_tables: int = 100_000
    seed: int = 20210101
    p_adjust: str = "holm"

    @classmethod
    def from_config(cls, mapping: Mapping) -> AnalysisSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in mapping.items() if k in names})


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


def _series(clean: pd.DataFrame, codebook: Codebook, name: str) -> pd.Series:
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


def association_tests(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    scope: str,
    pairs: Sequence[tuple[str, str]],
    settings: AnalysisSettings,
    strata: str | None = None,
) -> pd.DataFrame:
    """One row per testable pair; p_adjusted corrects within this scope's family of tests.

    With `strata` (a column of `clean`, e.g. "practice"), each pair also gets a sensitivity test that
    respects the clustering of respondents within strata (stratified_association: "cmh" or "gcmh", and
    its p-value, not adjusted); a pair whose variable is constant within every stratum (the stratum
    itself, or a region at national scope where practices are nested in regions) gets "" and NaN, as does
    every pair when `strata` is None."""
    rows = []
    for var_a, var_b in pairs:
        a, b = _series(clean, codebook, var_a), _series(clean, codebook, var_b)
        table = crosstab(a, b)
        result = test_association(
            table.to_numpy(), mc_tables=settings.fisher_mc_tables, seed=settings.seed,
            min_expected=settings.min_expected,
        )
        if result.test == "none":
            log.info("%s : %s × %s non testable (moins de deux modalités observées)", scope, var_a, var_b)
            continue
        stratified_test, p_stratified = (
            stratified_association(stratified_tables(a, b, clean[strata], table)) if strata else ("", float("nan"))
        )
        rows.append([scope, var_a, var_b, result.test, result.statistic, result.dof, result.p_value,
                     float("nan"), result.cramers_v, result.n, stratified_test, p_stratified])
    frame = pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS).astype(
        {"dof": "int64", "n": "int64", "p_adjusted": "float64", "stratified_test": "str", "p_stratified": "float64"}
    )
    if len(frame):
        frame["p_adjusted"] = adjust_pvalues(frame["p_value"].to_numpy(), settings.p_adjust)
    return frame


def region_pairs(codebook: Codebook, by: str = "practice") -> list[tuple[str, str]]:
    """The codebook's pairs, then `by` (practice, or region at national scope) × each indicator's variable
    (× the indicator for a group)."""
    pairs = list(codebook.associations)
    for ind in codebook.indicators:
        if ind.kind == "response_rate":
            continue
        target = ind.variable if ind.group is None else ind.name
        if (by, target) not in pairs:
            pairs.append((by, target))
    return pairs


def analyse_practice(
    clean: str | Path,
    *,
    indicators: str | Path,
    distributions: str | Path,
    associations: str | Path,
    codebook: str | Path,
    practice: str,
    distributed: int,
    settings: Mapping,
) -> None:
    cb = load_codebook(codebook)
    options = AnalysisSettings.from_config(settings)
    frame = pd.read_parquet(clean)
    write_parquet(compute_indicators(frame, cb, scope=practice, distributed=distributed, confidence=options.confidence), indicators)
    write_parquet(item_distributions(frame, cb, scope=practice), distributions)
    write_parquet(association_tests(frame, cb, scope=practice, pairs=cb.associations, settings=options), associations)


def pool_region(
    clean: Sequence[str | Path],
    practice_indicators: Sequence[str | Path],
    practice_distributions: Sequence[str | Path],
    practice_associations: Sequence[str | Path],
    *,
    codebook: str | Path,
    indicators: str | Path,
    distributions: str | Path,
    associations: str | Path,
    region: str,
    distributed: Mapping[str, int],
    settings: Mapping,
) -> None:
    """The region's tables: every practice's rows (config order), then the pooled region scope."""
    cb = load_codebook(codebook)
    options = AnalysisSettings.from_config(settings)
    pooled = read_parquet_stack(clean)
    pooled["practice"] = pd.Categorical(pooled["practice"], categories=list(distributed))

    def stack(paths: Sequence[str | Path], region_rows: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([*(pd.read_parquet(p) for p in paths), region_rows], ignore_index=True)

    region_indicators = compute_indicators(
        pooled, cb, scope=region, distributed=sum(distributed.values()), confidence=options.confidence
    )
    write_parquet(stack(practice_indicators, region_indicators), indicators)
    write_parquet(stack(practice_distributions, item_distributions(pooled, cb, scope=region)), distributions)
    tests = association_tests(
        pooled, cb, scope=region, pairs=region_pairs(cb), settings=options, strata="practice"
    )
    write_parquet(stack(practice_associations, tests), associations)
