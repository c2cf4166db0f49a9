"""Double entry: two independent entries of the same paper questionnaires, compared cell by cell.

The entries are matched by questionnaire number. Two cells agree when they say the same thing as typed:
spaces and case aside, a code and its drop-down form (« 1 » and « 1 — Homme ») agree, and so do two ways of
ticking a box (« x » and « 1 »); a decimal comma and a point agree. Blank cells are compared too (a box
ticked in one entry and left blank in the other is a disagreement), so the agreement rate is over every
cell of the questionnaires found in both entries, the questionnaire number aside. Contact columns are
compared masked, as ingest leaves them: whether a contact was typed, never what.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, Variable, load_codebook, normalize_value
from assistmed.ingest import ROW_COLUMN, SOURCE_COLUMNS
from assistmed.io import write_parquet

AGREEMENT_COLUMNS = ["variable", "header", "compared", "agreed", "rate"]
DIFFERENCE_COLUMNS = ["questionnaire_id", "row_first", "row_second", "variable", "header", "first", "second"]
UNMATCHED_COLUMNS = ["questionnaire_id", "entry", "source_row", "reason"]
# `entry` of an unmatched row: which entry holds it.
FIRST, SECOND = "1", "2"


def _canonical(codebook: Codebook, variable: Variable, text: str) -> str:
    folded = normalize_value(text)
    if variable.is_categorical:
        return variable.key_for_code.get(folded, folded)
    if variable.type == "checkbox":
        if folded in {normalize_value(t) for t in codebook.checked}:
            return "checked"
        if folded in {normalize_value(t) for t in codebook.unchecked}:
            return ""
    if variable.type in {"numeric", "integer"}:
        return folded.replace(",", ".")
    return folded


def _numbered(entry: pd.DataFrame, codebook: Codebook, which: str) -> tuple[pd.DataFrame, list[dict]]:
    """The rows of one entry with a questionnaire number used once, indexed by it; the others, with why."""
    ids = entry[codebook.id_variable].map(lambda v: " ".join(str(v).split()))
    missing = codebook.missing_codes_for(codebook.variable(codebook.id_variable))
    no_number = ids.map(normalize_value).isin(missing)
    repeated = ids.duplicated(keep="first") & ~no_number
    unmatched = [
        {
            "questionnaire_id": ident,
            "entry": which,
            "source_row": int(row),
            "reason": "sans numéro de questionnaire" if blank else f"numéro {ident} déjà saisi plus haut",
        }
        for ident, row, blank, again in zip(ids, entry[ROW_COLUMN], no_number, repeated)
        if blank or again
    ]
    kept = entry[~no_number & ~repeated].copy()
    kept.index = ids[~no_number & ~repeated]
    return kept, unmatched


def compare_entries(
    first: pd.DataFrame, second: pd.DataFrame, codebook: Codebook
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(agreement, differences, unmatched) of two ingested entries of the same questionnaires.

    agreement: one row per compared variable in codebook order, then the total (``variable`` ""):
    cells compared, cells that agree, their ratio. differences: one row per disagreeing cell.
    unmatched: questionnaires found in one entry only, and rows that cannot be matched (no number, or a
    number typed twice in the same entry: only its first row is compared).
    """
    a, unmatched_a = _numbered(first, codebook, FIRST)
    b, unmatched_b = _numbered(second, codebook, SECOND)
    common = [i for i in a.index if i in b.index]
    only_a = [{"questionnaire_id": i, "entry": FIRST, "source_row": int(a.at[i, ROW_COLUMN]),
               "reason": "absent de la saisie 2"} for i in a.index if i not in b.index]
    only_b = [{"questionnaire_id": i, "entry": SECOND, "source_row": int(b.at[i, ROW_COLUMN]),
               "reason": "absent de la saisie 1"} for i in b.index if i not in a.index]
    headers = first.attrs.get(SOURCE_COLUMNS, {})
    compared = [v for v in codebook.variables if v.name != codebook.id_variable and v.name in a and v.name in b]
    agreement, differences = [], []
    for v in compared:
        header = headers.get(v.name, [v.name])[0]
        agreed = 0
        for ident in common:
            one, two = str(a.at[ident, v.name]), str(b.at[ident, v.name])
            if _canonical(codebook, v, one) == _canonical(codebook, v, two):
                agreed += 1
                continue
            differences.append(
                {"questionnaire_id": ident, "row_first": int(a.at[ident, ROW_COLUMN]),
                 "row_second": int(b.at[ident, ROW_COLUMN]), "variable": v.name, "header": header,
                 "first": one, "second": two}
            )
        agreement.append({"variable": v.name, "header": header, "compared": len(common), "agreed": agreed})
    total_compared = sum(r["compared"] for r in agreement)
    agreement.append(
        {"variable": "", "header": "", "compared": total_compared, "agreed": sum(r["agreed"] for r in agreement)}
    )
    agreement_frame = pd.DataFrame(agreement, columns=AGREEMENT_COLUMNS[:-1])
    agreement_frame["rate"] = (agreement_frame["agreed"] / agreement_frame["compared"]).where(
        agreement_frame["compared"] > 0
    )
    agreement_frame = agreement_frame.astype({"compared": "int64", "agreed": "int64", "rate": "float64"})
    difference_frame = pd.DataFrame(differences, columns=DIFFERENCE_COLUMNS).astype(
        {"row_first": "int64", "row_second": "int64"}
    )
    unmatched = pd.DataFrame([*unmatched_a, *only_a, *unmatched_b, *only_b], columns=UNMATCHED_COLUMNS)
    return agreement_frame, difference_frame, unmatched.astype({"source_row": "int64"})


def compare_entry_files(
    first: str | Path,
    second: str | Path,
    agreement: str | Path,
    differences: str | Path,
    unmatched: str | Path,
    *,
    codebook: str | Path,
    extra_columns: Mapping[str, str] | None = None,
) -> None:
    """Compare two ingested entries (Parquet of ``ingest_file``) and write the three tables, each with
    ``extra_columns`` (e.g. region and practice) first."""
    tables = compare_entries(pd.read_parquet(first), pd.read_parquet(second), load_codebook(codebook))
    for frame, path in zip(tables, (agreement, differences, unmatched)):
        for position, (name, value) in enumerate((extra_columns or {}).items()):
            frame.insert(position, name, value)
        write_parquet(frame, path)
