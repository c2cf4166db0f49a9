"""Univariate determinants of working with a medical assistant.

Each candidate variable is crossed with `has_assistant` among the respondents who answered both questions
(their number is `n`), and tested as every strand tests an association (`test_association`: Pearson χ²
without continuity correction when Cochran's rule holds, otherwise the exact Fisher /
Freeman–Halton test, or its seeded Monte Carlo version when enumeration is out of reach). The p-values of the
candidates form one family for the Holm correction (one p-value per variable).

One row per level of each variable, in codebook order, with that level's counts among GPs with and without
an assistant, and the row percentage: the share of the level's GPs who work with an assistant
(`prop_with` = `n_with` / `n_level`, with its Wilson interval). The test columns (`n`, `test`, `statistic`, `p_value`,
`p_adjusted`) describe the variable, so they are repeated on each of its rows: a row read alone is
complete, and a report shows them once per variable. Every level other than the reference (« non » for a
yes/no question, else the first level of the codebook; `reference` on every row) carries the odds ratio
of having an assistant at that level versus the reference, from the 2×2 table of those two levels, with
Woolf's interval and the Haldane–Anscombe correction when a cell is zero; the reference row leaves the
odds-ratio columns empty.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

import pandas as pd

from assistmed.codebook import Codebook, Variable
from assistmed.settings import AnalysisSettings
from assistmed.stats.contingency import crosstab, test_association
from assistmed.stats.multiple import adjust_pvalues
from assistmed.stats.odds import woolf_odds_ratio
from assistmed.stats.proportions import proportion

log = logging.getLogger("assistmed.gps")

OUTCOME = "has_assistant"
WITH, WITHOUT = "yes", "no"
DETERMINANT_COLUMNS = [
    "variable", "level", "reference", "n_with", "N_with", "n_without", "N_without", "n_level", "prop_with", "prop_ci_low",
    "prop_ci_high", "n", "test", "statistic", "p_value", "p_adjusted", "odds_ratio", "or_ci_low", "or_ci_high",
]


def reference_level(variable: Variable) -> str:
    """The level odds ratios compare against: « no » for a yes/no question, else the codebook's first level."""
    keys = variable.keys
    return WITHOUT if set(keys) == {WITH, WITHOUT} else keys[0]


def candidate_variables(codebook: Codebook) -> list[str]:
    """The variables the codebook pairs with `has_assistant` in its associations, in codebook order."""
    return [a if b == OUTCOME else b for a, b in codebook.associations if OUTCOME in (a, b)]


def _categorical(codebook: Codebook, name: str) -> Variable:
    variable = codebook.variable(name)
    if not variable.is_categorical:
        raise ValueError(
            f"{codebook.source or codebook.name} : {name} n'est pas une question à modalités (type {variable.type}) ;"
            f" seules les variables catégorielles ou ordinales peuvent être des déterminants"
        )
    return variable


def determinants(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    candidates: Sequence[str],
    settings: AnalysisSettings | Mapping,
) -> pd.DataFrame:
    """The determinants table (DETERMINANT_COLUMNS), one row per level of each candidate."""
    options = AnalysisSettings.of(settings)
    outcome_var = _categorical(codebook, OUTCOME)
    if set(outcome_var.keys) != {WITH, WITHOUT}:
        raise ValueError(f"{codebook.source or codebook.name} : {OUTCOME} doit avoir les modalités yes / no")
    outcome = clean[OUTCOME]
    rows: list[list] = []
    family: list[float] = []
    for name in candidates:
        variable = _categorical(codebook, name)
        values = clean[name]
        both = values.notna() & outcome.notna()
        table = crosstab(values, outcome)
        result = test_association(
            table.to_numpy(), mc_tables=options.fisher_mc_tables, seed=options.seed,
            min_expected=options.min_expected,
        )
        if result.test == "none":
            log.info("%s × %s non testable (moins de deux modalités observées)", name, OUTCOME)
        family.append(result.p_value)
        counts = {
            (level, answer): int((both & (values == level) & (outcome == answer)).sum())
            for level in variable.keys
            for answer in (WITH, WITHOUT)
        }
        N_with = sum(counts[(level, WITH)] for level in variable.keys)
        N_without = sum(counts[(level, WITHOUT)] for level in variable.keys)
        reference = reference_level(variable)
        answered = {level: counts[(level, WITH)] + counts[(level, WITHOUT)] for level in variable.keys}
        odds: dict[str, tuple[float, float, float]] = {}
        if result.test != "none" and answered[reference]:
            for level in variable.keys:
                if level == reference or not answered[level]:
                    continue
                ratio = woolf_odds_ratio(
                    counts[(level, WITH)], counts[(level, WITHOUT)], counts[(reference, WITH)],
                    counts[(reference, WITHOUT)], confidence=options.confidence,
                )
                odds[level] = (ratio.odds_ratio, ratio.ci_low, ratio.ci_high)
        for level in variable.keys:
            share = proportion(counts[(level, WITH)], answered[level], options.confidence)
            rows.append([
                name, level, reference, counts[(level, WITH)], N_with, counts[(level, WITHOUT)], N_without,
                answered[level], share.prop, share.ci_low, share.ci_high, int(both.sum()), result.test, result.statistic,
                result.p_value, math.nan, *odds.get(level, (math.nan, math.nan, math.nan)),
            ])
    frame = pd.DataFrame(rows, columns=DETERMINANT_COLUMNS)
    adjusted = dict(zip(candidates, adjust_pvalues(family, options.p_adjust))) if family else {}
    frame["p_adjusted"] = frame["variable"].map(adjusted).astype("float64")
    ints = {c: "int64" for c in ("n_with", "N_with", "n_without", "N_without", "n_level", "n")}
    floats = {
        c: "float64"
        for c in ("prop_with", "prop_ci_low", "prop_ci_high", "statistic", "p_value", "odds_ratio", "or_ci_low",
                  "or_ci_high")
    }
    text = dict.fromkeys(("variable", "level", "reference", "test"), "object")
    return frame.astype({**text, **ints, **floats})
