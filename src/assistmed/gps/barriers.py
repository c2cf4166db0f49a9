"""Barriers to working with a medical assistant, as the GPs cited them, ranked.

For each box of the barrier question (and its « Autre » text, a barrier cited when filled), the number of
GPs who cited it among those who answered the question (`N`: ticked at least one box, « aucun frein »
included, or wrote an « Autre »), with its Wilson interval; for all respondents and for GPs with and
without an assistant. `rank` orders the barriers within each subgroup, most cited first, ties sharing the
smaller rank (1, 2, 2, 4); the « aucun frein » row is given for its proportion, without a rank.
"""

from __future__ import annotations

import pandas as pd

from assistmed.codebook import Codebook, Variable
from assistmed.gps.determinants import OUTCOME, WITH, WITHOUT
from assistmed.stats.proportions import proportion

BARRIER_COLUMNS = ["barrier", "n", "N", "prop", "ci_low", "ci_high", "rank", "subgroup"]
SUBGROUPS = {"all": None, "with_assistant": WITH, "without_assistant": WITHOUT}


def cited(column: pd.Series, variable: Variable) -> pd.Series:
    """True where the box is ticked or the text is filled."""
    if variable.type == "text":
        return column.map(lambda text: isinstance(text, str) and bool(text.strip())).astype(bool)
    return column.astype("boolean").fillna(False).astype(bool)


def barriers(clean: pd.DataFrame, codebook: Codebook, *, confidence: float, group: str = "barriers") -> pd.DataFrame:
    """The barriers table (BARRIER_COLUMNS): subgroups in the order all / with / without an assistant, and
    within each, barriers by rank (codebook order among ties), « aucun frein » last."""
    members = codebook.group_members(group)
    if not members:
        raise ValueError(f"{codebook.source or codebook.name} : aucun groupe de questions « {group} »")
    names = [v.name for v in members]
    answered = clean[names].notna().any(axis=1)
    frames = []
    for subgroup, answer in SUBGROUPS.items():
        inside = answered if answer is None else answered & (clean[OUTCOME] == answer).fillna(False)
        N = int(inside.sum())
        rows = []
        for v in members:
            p = proportion(int((cited(clean[v.name], v) & inside).sum()), N, confidence)
            rows.append([v.name, p.n, p.N, p.prop, p.ci_low, p.ci_high, v.none_option])
        frame = pd.DataFrame(rows, columns=["barrier", "n", "N", "prop", "ci_low", "ci_high", "none"])
        ranked = ~frame["none"]
        frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame.loc[ranked, "rank"] = frame.loc[ranked, "n"].rank(ascending=False, method="min").astype("int64")
        frame["subgroup"] = subgroup
        order = frame.assign(_last=frame["none"], _pos=range(len(frame)))
        frames.append(frame.loc[order.sort_values(["_last", "rank", "_pos"]).index, BARRIER_COLUMNS])
    result = pd.concat(frames, ignore_index=True)
    return result.astype({"barrier": "object", "n": "int64", "N": "int64", "subgroup": "object", "rank": "Int64"})
