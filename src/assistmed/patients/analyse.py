"""Per-practice and pooled analyses of the patient questionnaire.

Each scope (a practice, or a region pooling its practices) gets its indicators, every item's distribution
and its association tests (computed as in every strand: assistmed.survey).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.indicators import compute_indicators
from assistmed.io import read_parquet_stack, write_parquet
from assistmed.settings import AnalysisSettings
from assistmed.survey import association_tests, item_distributions


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
