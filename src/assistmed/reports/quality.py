"""The data-quality workbook of a practice, for the person who typed its questionnaires.

It only formats tables written by the clean step (rejects, nulled cells, quality summary) and, with a
second entry, by the double-entry comparison: every number in it comes from those Parquet files. Contact
columns are masked there already (ingest masks them), as everywhere outside ``restricted/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import load_codebook
from assistmed.ingest import ROW_COLUMN, SOURCE_COLUMNS
from assistmed.quality import KEPT, NULLED, RAW_ROWS, REJECTED, reject_kinds, summary_count
from assistmed.reports.batch import render_each
from assistmed.reports.fmt import fmt_percent
from assistmed.xlsx import save_workbook, set_text

HEADER_FILL = "DDE6F0"
WIDTHS = {"narrow": 10, "medium": 24, "wide": 60}


def _table(sheet, first_row: int, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
    """Write a header line and rows from ``first_row`` (« aucune » under the header when there is no row);
    return the next free row."""
    from openpyxl.styles import Font, PatternFill

    rows = rows or [["aucune"]]

    for column, title in enumerate(headers, start=1):
        cell = set_text(sheet.cell(first_row, column), title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(first_row + offset, column)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
            else:
                set_text(cell, value)
    return first_row + len(rows) + 2


def _sheet(workbook, title: str, widths: Sequence[str], *, first: bool = False):
    from openpyxl.utils import get_column_letter

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(width, 14)
    return sheet


def _note(sheet, row: int, text: str) -> int:
    set_text(sheet.cell(row, 1), text)
    return row + 2


def write_quality_workbook(
    *,
    ingested: str | Path,
    rejects: str | Path,
    nulled: str | Path,
    summary: str | Path,
    codebook: str | Path,
    xlsx: str | Path,
    label: str,
    source: str,
    agreement: str | Path | None = None,
    differences: str | Path | None = None,
    unmatched: str | Path | None = None,
) -> None:
    """Résumé, rejected rows, nulled cells and, with a second entry, the double-entry comparison."""
    from openpyxl import Workbook

    cb = load_codebook(codebook)
    columns = pd.read_parquet(ingested).attrs.get(SOURCE_COLUMNS, {})
    counts, rejected, cells = pd.read_parquet(summary), pd.read_parquet(rejects), pd.read_parquet(nulled)
    workbook = Workbook()

    sheet = _sheet(workbook, "Résumé", ["wide", "narrow", "wide", "narrow"], first=True)
    row = _note(sheet, 1, f"Qualité de la saisie — {label} — fichier {Path(source).name}")
    row = _table(
        sheet, row, ["Lignes", "Nombre"],
        [
            ["Lignes saisies (sous l'en-tête)", summary_count(counts, RAW_ROWS)],
            ["Questionnaires conservés", summary_count(counts, KEPT)],
            ["Lignes rejetées (feuille « Lignes rejetées »)", summary_count(counts, REJECTED)],
            ["Cellules mises à manquant (feuille « Cellules refusées »)", summary_count(counts, NULLED)],
        ],
    )
    row = _table(sheet, row, ["Motif de rejet", "Lignes"], reject_kinds(counts))
    per_column = counts[(counts["measure"] == NULLED) & (counts["detail"] != "")]
    _table(
        sheet, row, ["En-tête", "Colonne", "Question", "Cellules mises à manquant"],
        [
            [columns.get(r.detail, [r.detail, ""])[0], columns.get(r.detail, ["", ""])[1],
             cb.variable(r.detail).label_fr, int(r.n)]
            for r in per_column.itertuples(index=False)
        ],
    )

    sheet = _sheet(workbook, "Lignes rejetées", ["narrow", "wide", *["medium"] * len(columns)])
    raw_columns = [c for c in columns if c in rejected]
    _table(
        sheet, 1, ["Ligne", "Motif", *(f"{columns[c][0]} ({columns[c][1]})" for c in raw_columns)],
        [[int(r[ROW_COLUMN]), r["reason"], *(r[c] for c in raw_columns)] for _, r in rejected.iterrows()],
    )
    sheet.freeze_panes = "C2"

    sheet = _sheet(workbook, "Cellules refusées", ["narrow", "narrow", "medium", "medium", "wide", "wide"])
    _table(
        sheet, 1, ["Ligne", "Colonne", "En-tête", "Valeur saisie", "Pourquoi refusée", "Valeurs admises"],
        [[int(r.source_row), r.letter, r.header, r.value, r.problem, r.allowed] for r in cells.itertuples(index=False)],
    )
    sheet.freeze_panes = "A2"

    if agreement is not None:
        _double_entry_sheets(workbook, pd.read_parquet(agreement), pd.read_parquet(differences),
                             pd.read_parquet(unmatched))
    save_workbook(workbook, xlsx, creator="assistmed")


def write_quality_workbooks(
    *,
    practices: Sequence[str],
    ingested: Sequence[str | Path],
    rejects: Sequence[str | Path],
    nulled: Sequence[str | Path],
    summary: Sequence[str | Path],
    codebook: str | Path,
    xlsx: Sequence[str | Path],
    labels: Mapping[str, str],
    sources: Mapping[str, str],
    double_entered: Sequence[str] = (),
    agreement: Sequence[str | Path] = (),
    differences: Sequence[str | Path] = (),
    unmatched: Sequence[str | Path] = (),
) -> None:
    """The quality workbooks of a chunk of practices, in one job: the per-practice lists follow ``practices``;
    ``agreement``, ``differences`` and ``unmatched`` follow ``double_entered`` (the practices of the chunk typed
    twice). Every workbook is attempted; one error then names each practice whose workbook failed."""
    files = {
        p: {"ingested": i, "rejects": r, "nulled": n, "summary": s, "xlsx": x}
        for p, i, r, n, s, x in zip(practices, ingested, rejects, nulled, summary, xlsx, strict=True)
    }
    for p, a, d, u in zip(double_entered, agreement, differences, unmatched, strict=True):
        files[p] |= {"agreement": a, "differences": d, "unmatched": u}

    def write(practice: str) -> None:
        write_quality_workbook(**files[practice], codebook=codebook, label=labels[practice], source=sources[practice])

    render_each(practices, write, unwritten="Classeur qualité non écrit / quality workbook not written")


def _double_entry_sheets(workbook, agreement: pd.DataFrame, differences: pd.DataFrame, unmatched: pd.DataFrame):
    total = agreement[agreement["variable"] == ""].iloc[0]
    sheet = _sheet(workbook, "Double saisie", ["medium", "narrow", "narrow", "narrow"])
    row = _note(
        sheet, 1,
        f"Concordance des deux saisies : {fmt_percent(total['rate'], 1)} des cellules ({int(total['agreed'])} sur "
        f"{int(total['compared'])}, cases vides comprises) ; {len(differences)} désaccord(s) ; "
        f"{len(unmatched)} questionnaire(s) dans une seule saisie ou non appariable(s).",
    )
    _table(
        sheet, row, ["En-tête", "Cellules comparées", "Concordantes", "Concordance"],
        [[r.header, int(r.compared), int(r.agreed), fmt_percent(r.rate, 1)]
         for r in agreement[agreement["variable"] != ""].itertuples(index=False)],
    )
    sheet = _sheet(workbook, "Désaccords", ["medium", "narrow", "narrow", "medium", "medium", "medium"])
    row = _table(
        sheet, 1, ["N° questionnaire", "Ligne saisie 1", "Ligne saisie 2", "En-tête", "Saisie 1", "Saisie 2"],
        [[r.questionnaire_id, int(r.row_first), int(r.row_second), r.header, r.first, r.second]
         for r in differences.itertuples(index=False)],
    )
    _table(
        sheet, row, ["N° questionnaire", "Saisie", "Ligne", "Pourquoi non comparé"],
        [[r.questionnaire_id, r.entry, int(r.source_row), r.reason] for r in unmatched.itertuples(index=False)],
    )
    sheet.freeze_panes = "A2"
