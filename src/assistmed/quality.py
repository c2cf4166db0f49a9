"""What cleaning refused, as tables for the person who typed the questionnaires.

Two tables per practice, written by the clean step beside its rejects: the nulled cells (each cell that
became missing: spreadsheet row, column letter and header as typed, the value scrubbed of identifiers, why
it was refused, what the codebook allows) and a summary of counts (raw rows, kept, rejected per reason,
nulled cells per column) that the quality workbook and the reports read. Only pandas here: the clean job
imports this module.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from assistmed.codebook import Codebook
from assistmed.privacy import scrub_identifiers

NULLED_COLUMNS = ["source_row", "variable", "letter", "header", "value", "problem", "allowed"]
SUMMARY_COLUMNS = ["measure", "detail", "n"]
# Measures of the summary table; `detail` is "" for a total, a reason for `rejected`, a variable for `nulled_cells`.
RAW_ROWS, KEPT, REJECTED, NULLED = "raw_rows", "kept", "rejected", "nulled_cells"
DIGITS = re.compile(r"\d+")


def nulled_cells(issues: pd.DataFrame, codebook: Codebook, source_columns: dict[str, list[str]]) -> pd.DataFrame:
    """The cleaning's cell problems (``CleanResult.cell_issues``) as the person who typed them reads them.

    ``source_columns`` maps a variable to [header as typed, column letter] (the ingested table's
    ``attrs["source_columns"]``). Values and messages go through the identifier scrubber: a phone number
    typed in the wrong column must not be echoed back outside ``restricted/``.
    """
    rows = []
    for issue in issues.itertuples(index=False):
        header, letter = source_columns.get(issue.column, [issue.column, ""])
        rows.append(
            {
                "source_row": int(issue.source_row),
                "variable": issue.column,
                "letter": letter,
                "header": header,
                "value": scrub_identifiers(str(issue.value)),
                "problem": scrub_identifiers(str(issue.problem)),
                "allowed": codebook.allowed_fr(codebook.variable(issue.column)),
            }
        )
    frame = pd.DataFrame(rows, columns=NULLED_COLUMNS)
    return frame.astype({"source_row": "int64"} | {c: "str" for c in NULLED_COLUMNS[1:]})


def reason_kind(reason: str) -> str:
    """A reject reason without its numbers (« … 102 déjà saisi ligne 3 » → « … N déjà saisi ligne N »)."""
    return DIGITS.sub("N", reason)


def quality_summary(
    raw_rows: int, kept: int, rejects: pd.DataFrame, nulled: pd.DataFrame, variables: list[str]
) -> pd.DataFrame:
    """Counts of one file: raw rows, kept, rejected (in all, then per kind of reason, most frequent first),
    nulled cells (in all, then per variable in codebook order, zeros included)."""
    records = [(RAW_ROWS, "", raw_rows), (KEPT, "", kept), (REJECTED, "", len(rejects))]
    kinds = Counter(reason_kind(reason) for reason in rejects["reason"])
    # sorted() is stable: kinds as frequent as each other keep the order of their first row.
    records += [(REJECTED, kind, count) for kind, count in sorted(kinds.items(), key=lambda item: -item[1])]
    per_variable = nulled["variable"].value_counts()
    records.append((NULLED, "", len(nulled)))
    records += [(NULLED, name, int(per_variable.get(name, 0))) for name in variables]
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS).astype({"measure": "str", "detail": "str", "n": "int64"})


def summary_count(summary: pd.DataFrame, measure: str, detail: str = "") -> int:
    """One count of a quality summary table (0 when absent)."""
    hit = summary[(summary["measure"] == measure) & (summary["detail"] == detail)]
    return int(hit["n"].iloc[0]) if len(hit) else 0


def reject_kinds(summary: pd.DataFrame) -> list[tuple[str, int]]:
    """(kind of reason, rows) of a quality summary, most frequent first."""
    rows = summary[(summary["measure"] == REJECTED) & (summary["detail"] != "")]
    return [(r.detail, int(r.n)) for r in rows.itertuples(index=False)]
