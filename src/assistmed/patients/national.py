"""National pooling of the patient questionnaire: every region side by side, the national scope (all
practices of all regions together), and the comparisons between regions.

Each practice's clean table is read once; the regions' rows are taken from their pooled tables, not
recomputed, so that a thousand practices cost one pass over their respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.indicators import compute_indicators
from assistmed.io import read_parquet_stack, write_parquet
from assistmed.patients import NATIONAL
from assistmed.patients.weights import respondent_weights
from assistmed.settings import AnalysisSettings
from assistmed.stats.design import ClusterDesign
from assistmed.survey import association_tests


def between_region_pairs(codebook: Codebook) -> list[tuple[str, str]]:
    """The codebook's pairs, then region × each indicator's variable (× the indicator for a group)."""
    pairs = list(codebook.associations)
    for ind in codebook.indicators:
        if ind.kind == "response_rate":
            continue
        target = ind.variable if ind.group is None else ind.name
        if ("region", target) not in pairs:
            pairs.append(("region", target))
    return pairs


def _region_rows(paths: Sequence[str | Path], regions: Sequence[str]) -> list[pd.DataFrame]:
    """The pooled region scope of each region's table (its practices' rows left out)."""
    frames = []
    for region, path in zip(regions, paths, strict=True):
        table = pd.read_parquet(path)
        frames.append(table[table["scope"] == region])
    return frames


def pool_national(
    clean: Sequence[str | Path],
    region_indicators: Sequence[str | Path],
    region_associations: Sequence[str | Path],
    *,
    codebook: str | Path,
    indicators: str | Path,
    associations: str | Path,
    regions: Sequence[str],
    distributed: Mapping[str, int],
    settings: Mapping,
    margins: Mapping[str, Mapping] | None = None,
) -> None:
    """The national tables: each region's pooled rows (config order), then the national scope.

    `region_indicators` and `region_associations` are the regions' pooled tables, in the order of
    `regions`; `distributed` gives the questionnaires handed out in every practice (`margins` their
    patient-list margins, for calibrated weights). The national associations are the codebook's pairs and
    region × each indicator's variable (between-region comparisons), one family for the multiple-testing
    correction, each with its sensitivity test stratified by practice and its design-based test (patients
    are clustered in practices, themselves nested in regions: practices are the clusters, regions the
    strata), weighted as in the regions."""
    cb = load_codebook(codebook)
    options = AnalysisSettings.from_config(settings)
    pooled = read_parquet_stack(clean)
    pooled["region"] = pd.Categorical(pooled["region"], categories=list(regions))
    respondent_weight, _ = respondent_weights(
        pooled, cb, scheme=options.weights, distributed=distributed, margins=margins
    )
    design = ClusterDesign.build(pooled["practice"], pooled["region"], respondent_weight)
    national_indicators = compute_indicators(
        pooled, cb, scope=NATIONAL, distributed=sum(distributed.values()), confidence=options.confidence,
        design=design, weighting=options.weights,
    )
    write_parquet(
        pd.concat([*_region_rows(region_indicators, regions), national_indicators], ignore_index=True), indicators
    )
    tests = association_tests(
        pooled, cb, scope=NATIONAL, pairs=between_region_pairs(cb), settings=options, strata="practice",
        design=design, weighting=options.weights,
    )
    write_parquet(pd.concat([*_region_rows(region_associations, regions), tests], ignore_index=True), associations)
