"""Each unit (a practice, or a region at national scope) against the rest of its pool, indicator by indicator.

The comparison is with the rest of the pool — the region without the practice — not with the pool itself,
which contains the unit and would shrink every difference towards 0 (the more so the larger the unit).
The rest's counts are the pool's minus the unit's: indicators count respondents (and the response rate
questionnaires), so they add up over units. The difference of the two proportions gets Newcombe's hybrid
score interval (1998b, method 10); a unit differs from the rest when that interval excludes 0.

These intervals treat patients as independent and are not adjusted for the number of comparisons (units ×
indicators): with 6 practices and 9 indicators, about 3 of 54 comparisons would flag a difference by chance
alone at 95 %. Reports say so beside any message drawn from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assistmed.stats.proportions import newcombe_difference_interval

COMPARISON_COLUMNS = [
    "scope", "pool", "indicator", "n", "N", "prop", "n_rest", "N_rest", "prop_rest",
    "difference", "diff_low", "diff_high", "differs",
]


def compare_with_rest(
    indicators: pd.DataFrame, *, units: Sequence[str], pool: str, confidence: float = 0.95
) -> pd.DataFrame:
    """One row per (unit, indicator) present in both the unit's and the pool's rows of ``indicators``
    (columns scope, indicator, n, N): the unit's n / N, the rest's, the difference of proportions (unit −
    rest) with its interval, and ``differs`` (the interval excludes 0). A unit that is the whole pool, or
    an empty side, has NaN difference and ``differs`` False."""
    table = indicators.set_index(["scope", "indicator"])
    rows = []
    for unit in units:
        for indicator in indicators.loc[indicators["scope"] == unit, "indicator"]:
            if (pool, indicator) not in table.index:
                continue
            n, N = int(table.at[(unit, indicator), "n"]), int(table.at[(unit, indicator), "N"])
            n_pool, N_pool = int(table.at[(pool, indicator), "n"]), int(table.at[(pool, indicator), "N"])
            n_rest, N_rest = n_pool - n, N_pool - N
            if not 0 <= n_rest <= N_rest:
                raise ValueError(
                    f"{unit} / {indicator} : {n} / {N} ne tient pas dans {pool} ({n_pool} / {N_pool}) — "
                    "the unit's counts exceed the pool's"
                )
            low, high = newcombe_difference_interval(n, N, n_rest, N_rest, confidence)
            prop = n / N if N else float("nan")
            prop_rest = n_rest / N_rest if N_rest else float("nan")
            rows.append([
                unit, pool, indicator, n, N, prop, n_rest, N_rest, prop_rest, prop - prop_rest, low, high,
                bool(low > 0 or high < 0),
            ])
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    return frame.astype({"n": "int64", "N": "int64", "n_rest": "int64", "N_rest": "int64", "differs": "bool"})
