"""The patients' free comments of a region, tidied and counted (assistmed.texts), per practice and pooled.

Grouped by the respondent's overall opinion (the codebook's categories of ``overall_opinion``), so that a
reader sees what the satisfied and the dissatisfied write; one row per distinct comment and scope with its
number of occurrences. The reports print the most frequent ones and this table is the complete annex.
"""

from __future__ import annotations

import pandas as pd

from assistmed.patients import OPINION
from assistmed.texts import TEXT_COLUMNS, distinct_texts

COMMENT = "comment"


def comment_table(clean: pd.DataFrame, *, region: str) -> pd.DataFrame:
    """Columns scope (each practice, in order of appearance, then ``region``), group (the opinion's category
    key, "" when not answered), text, n."""
    frame = clean[["practice", OPINION, COMMENT]].astype({"practice": "str", OPINION: "object"})
    frame[OPINION] = frame[OPINION].fillna("")
    per_practice = distinct_texts(frame, text=COMMENT, by=["practice", OPINION])
    practices = pd.unique(frame["practice"])
    per_practice["practice"] = pd.Categorical(per_practice["practice"], categories=practices)
    per_practice = per_practice.sort_values("practice", kind="mergesort").astype({"practice": "str"})
    pooled = distinct_texts(frame, text=COMMENT, by=[OPINION]).assign(practice=region)
    table = pd.concat([per_practice, pooled], ignore_index=True).rename(columns={"practice": "scope", OPINION: "group"})
    return table[TEXT_COLUMNS]
