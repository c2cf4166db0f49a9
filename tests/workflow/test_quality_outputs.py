"""The data-entry person's view of the example run: quality workbooks and the double entry of vendee-f."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from assistmed.ingest import read_raw

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"


def practices(workdir) -> dict:
    config = yaml.safe_load((workdir / "config/config.yaml").read_text(encoding="utf-8"))
    return config["regions"][REGION]["patients"]["practices"]


def sheet_rows(sheet) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] not in (None, "aucune")]


def test_quality_workbooks_list_every_reject_and_nulled_cell_that_the_logs_list(example_run):
    for practice in practices(example_run):
        log = (example_run / f"results/logs/{REGION}/patients/clean/{practice}.log").read_text(encoding="utf-8")
        logged_cells = {(int(row), column) for row, column in re.findall(r"ligne (\d+), colonne (\w+) :", log)}
        logged_rejects = {int(row) for row in re.findall(r"ligne (\d+) rejetée", log)}
        book = load_workbook(example_run / f"results/{REGION}/quality/{practice}.xlsx")
        headers = {v: h for v, h in
                   pd.read_parquet(example_run / f"results/{REGION}/patients/ingested/{practice}.parquet")
                   .attrs["source_columns"].items()}
        cells = {(r[0], r[2]) for r in sheet_rows(book["Cellules refusées"])}
        assert cells == {(row, headers[column][0]) for row, column in logged_cells}, practice
        assert {r[0] for r in sheet_rows(book["Lignes rejetées"])} == logged_rejects, practice
    assert sum(len(sheet_rows(load_workbook(example_run / f"results/{REGION}/quality/{p}.xlsx")["Cellules refusées"]))
               for p in practices(example_run)) == 5


def test_the_double_entry_of_the_example_reports_every_cell_that_differs_between_the_two_files(example_run):
    spec = practices(example_run)["vendee-f"]
    first, second = (read_raw(example_run / spec[key]) for key in ("file", "second_entry"))
    ident = first.columns[0]
    common = first[first[ident].isin(second[ident])].set_index(ident).drop(columns=["source_row", "row_fault"])
    typed = second.set_index(ident).drop(columns=["source_row", "row_fault"]).loc[common.index]
    differing = {(i, column) for column in common for i in common.index if common.at[i, column] != typed.at[i, column]}
    folder = example_run / f"results/{REGION}/patients/double_entry/vendee-f"
    differences = pd.read_parquet(folder / "differences.parquet")
    assert {(r.questionnaire_id, r.header) for r in differences.itertuples()} == differing
    total = pd.read_parquet(folder / "agreement.parquet").set_index("variable").loc[""]
    cells = len(common) * len(common.columns)
    assert (total["compared"], total["agreed"]) == (cells, cells - len(differing))
    unmatched = pd.read_parquet(folder / "unmatched.parquet")
    assert list(unmatched["questionnaire_id"]) == sorted(set(first[ident]) - set(second[ident]))
    book = load_workbook(example_run / f"results/{REGION}/quality/vendee-f.xlsx")
    listed = [r for r in sheet_rows(book["Désaccords"]) if isinstance(r[1], int) and isinstance(r[2], int)]
    assert len(listed) == len(differing)
