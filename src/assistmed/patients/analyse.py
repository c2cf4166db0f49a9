"""Per-practice and pooled analyses of the patient questionnaire.

Each scope (a practice, or a region pooling its practices) gets its indicators, every item's distribution
and its association tests (computed as in every strand: assistmed.survey).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import load_codebook
from assistmed.indicators import compute_indicators
from assistmed.io import read_parquet_stack, write_parquet
from assistmed.patients.weights import respondent_weights
from assistmed.settings import AnalysisSettings
from assistmed.stats.design import ClusterDesign
from assistmed.stats.funnel import control_limits
from assistmed.survey import association_tests, item_distributions

# Funnel plots: control limits at 95 % and 99.8 % (about 2 and 3 standard errors; Spiegelhalter 2005).
FUNNEL_COVERAGES = (0.95, 0.998)
FUNNEL_COLUMNS = [
    "scope", "indicator", "practice", "n", "N", "prop", "pooled_prop", "low_95", "high_95", "low_998", "high_998",
    "outside_95", "outside_998",
]


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
    funnel: str | Path,
    weights: str | Path,
    region: str,
    distributed: Mapping[str, int],
    settings: Mapping,
    margins: Mapping[str, Mapping] | None = None,
) -> None:
    """The region's tables: every practice's rows (config order), then the pooled region scope, whose
    design-based figures treat the practices as clusters and weigh the respondents as `settings` says
    (`margins`: each practice's patient-list margins, for calibrated weights); the funnel plot's data; and
    the weights' report.

    The region scope tests the codebook's pairs. How much practices differ is not tested practice × item
    (at a thousand practices, « are they all identical? » costs Monte Carlo tests and answers nothing): it is
    described by each indicator's ICC and by the funnel plot, which shows which practices stand out."""
    cb = load_codebook(codebook)
    options = AnalysisSettings.from_config(settings)
    pooled = read_parquet_stack(clean)
    pooled["practice"] = pd.Categorical(pooled["practice"], categories=list(distributed))
    respondent_weight, report = respondent_weights(
        pooled, cb, scheme=options.weights, distributed=distributed, margins=margins
    )
    write_parquet(report, weights)
    design = ClusterDesign.build(pooled["practice"], weight=respondent_weight)

    def stack(paths: Sequence[str | Path], region_rows: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([*(pd.read_parquet(p) for p in paths), region_rows], ignore_index=True)

    region_indicators = compute_indicators(
        pooled, cb, scope=region, distributed=sum(distributed.values()), confidence=options.confidence,
        design=design, weighting=options.weights,
    )
    table = stack(practice_indicators, region_indicators)
    write_parquet(table, indicators)
    write_parquet(practice_funnel(table, region, list(distributed)), funnel)
    write_parquet(stack(practice_distributions, item_distributions(pooled, cb, scope=region)), distributions)
    tests = association_tests(
        pooled, cb, scope=region, pairs=cb.associations, settings=options, strata="practice", design=design,
        weighting=options.weights,
    )
    write_parquet(stack(practice_associations, tests), associations)


def practice_funnel(indicators: pd.DataFrame, region: str, practices: Sequence[str]) -> pd.DataFrame:
    """The funnel plot's data (FUNNEL_COLUMNS): for each indicator and practice, its n, N and proportion,
    the region's pooled proportion and the 95 % and 99.8 % control limits around it for the practice's N
    (control_limits); `outside_95` / `outside_998` say whether the practice falls outside them."""
    pooled = indicators[indicators["scope"] == region].set_index("indicator")["prop"]
    order = {practice: i for i, practice in enumerate(practices)}
    units = indicators[indicators["scope"].isin(order) & indicators["indicator"].isin(pooled.index)]
    # Indicators in the table's order, practices in config order; one pass, no lookup per row.
    units = units.assign(
        _indicator=units["indicator"].map({name: i for i, name in enumerate(pooled.index)}),
        _practice=units["scope"].map(order),
    ).sort_values(["_indicator", "_practice"], kind="stable")
    targets = pooled.astype(float).to_dict()
    rows = []
    for r in units.itertuples(index=False):
        target = targets[r.indicator]
        limits = [control_limits(target, int(r.N), coverage) for coverage in FUNNEL_COVERAGES]
        outside = [bool(r.N > 0 and not low <= r.prop <= high) for low, high in limits]
        rows.append([region, r.indicator, r.scope, int(r.n), int(r.N), float(r.prop), target,
                     *(x for pair in limits for x in pair), *outside])
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS).astype(
        {"scope": "object", "indicator": "object", "practice": "object", "n": "int64", "N": "int64",
         "outside_95": "bool", "outside_998": "bool"}
    )
