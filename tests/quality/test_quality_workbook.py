"""The quality workbook, read back with openpyxl as the person who typed the file opens it."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistmed.clean import clean_file
from assistmed.double_entry import compare_entry_files
from assistmed.ingest import ingest_file
from assistmed.reports.batch import BatchError
from assistmed.reports.quality import write_quality_workbook, write_quality_workbooks
from tests.quality.test_double_entry import FIRST, SECOND
from tests.quality.test_double_entry import write as ingest_rows
from tests.quality.test_quality import HEADER, ROWS

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"


def build(folder: Path, name: str, *, double_entry: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "cab.csv"
    raw.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    tables = {t: folder / f"{t}.parquet" for t in ("ingested", "rejects", "nulled", "summary")}
    ingest_file(raw, tables["ingested"], codebook_path=CODEBOOK)
    clean_file(tables["ingested"], folder / "clean.parquet", tables["rejects"], codebook_path=CODEBOOK,
               extra_columns={"region": "r", "practice": "cab"}, nulled=tables["nulled"], summary=tables["summary"])
    extra = {}
    if double_entry:
        extra = {t: folder / f"{t}.parquet" for t in ("agreement", "differences", "unmatched")}
        compare_entry_files(ingest_rows(folder / "one.csv", FIRST), ingest_rows(folder / "two.csv", SECOND), **extra,
                            codebook=CODEBOOK)
    write_quality_workbook(**tables, codebook=CODEBOOK, xlsx=folder / name, label="Cabinet A", source=str(raw),
                           **extra)
    return folder / name


def rows(sheet) -> list[tuple]:
    return [tuple("" if v is None else v for v in r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def workbook(tmp_path):
    return load_workbook(build(tmp_path, "q.xlsx"))


def test_rejected_rows_keep_their_spreadsheet_row_reason_and_raw_cells_with_contacts_masked(workbook):
    sheet = rows(workbook["Lignes rejetées"])
    assert sheet[0][:4] == ("Ligne", "Motif", "N° questionnaire (A)", "Date (B)")
    assert "Nom (Y)" in sheet[0] and "Telephone (Z)" in sheet[0]
    by_row = {r[0]: r for r in sheet[1:]}
    assert sorted(by_row) == [4, 6, 7]
    assert by_row[4][1] == "numéro de questionnaire 102 déjà saisi ligne 3"
    assert by_row[4][2:4] == ("102", "12/01/2021")
    assert by_row[7][1] == "ligne sans aucune réponse"
    text = repr(sheet)
    assert "Jean Test" not in text and "06 00 00 11 22" not in text


def test_nulled_cells_sheet_lists_row_column_header_value_reason_and_what_was_allowed(workbook):
    sheet = rows(workbook["Cellules refusées"])
    assert sheet[0] == ("Ligne", "Colonne", "En-tête", "Valeur saisie", "Pourquoi refusée", "Valeurs admises")
    assert (3, "F", "Distance (km)", "850", "valeur impossible : 850 (attendu entre 0 et 150)",
            "nombre (virgule décimale) de 0 à 150") in sheet
    assert {(r[0], r[1]) for r in sheet[1:]} == {(3, "B"), (3, "E"), (3, "F"), (5, "C")}


def test_summary_sheet_gives_the_counts_and_the_nulled_cells_per_column(workbook):
    sheet = rows(workbook["Résumé"])
    assert ("Lignes saisies (sous l'en-tête)", 6) in [r[:2] for r in sheet]
    assert ("Questionnaires conservés", 3) in [r[:2] for r in sheet]
    assert ("Lignes rejetées (feuille « Lignes rejetées »)", 3) in [r[:2] for r in sheet]
    assert ("Diplome", "E", "Diplôme le plus élevé", 1) in sheet
    assert ("Nb contacts", "G", "Nombre de contacts avec l'assistante", 0) in sheet


def test_double_entry_sheets_give_the_agreement_and_each_disagreement(tmp_path):
    book = load_workbook(build(tmp_path, "q.xlsx", double_entry=True))
    summary = rows(book["Double saisie"])
    assert summary[0][0].startswith("Concordance des deux saisies : 96,2\u202f% des cellules (50 sur 52")
    assert ("Diplome", 2, 1, "50,0\u202f%") in summary
    differences = rows(book["Désaccords"])
    assert ("102", 3, 3, "Diplome", "3", "4") in differences
    assert ("103", "1", 4, "absent de la saisie 2", "", "") in differences


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = build(tmp_path, "q.xlsx")
    book = load_workbook(path)
    cells = [c for row in book["Lignes rejetées"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)


def test_the_same_tables_give_the_same_bytes(tmp_path):
    first = build(tmp_path / "a", "q.xlsx", double_entry=True).read_bytes()
    second = build(tmp_path / "b", "q.xlsx", double_entry=True).read_bytes()
    assert first == second


def test_a_chunk_writes_each_practice_s_workbook_as_alone_and_names_the_one_that_failed(tmp_path):
    """A job writes its chunk's workbooks (one typed twice, one once) with the same bytes as one job each; a
    practice whose tables are missing is named in the error, and the others are still written."""
    alone = {"a": build(tmp_path / "a", "alone.xlsx", double_entry=True), "b": build(tmp_path / "b", "alone.xlsx")}
    tables = {p: {t: tmp_path / p / f"{t}.parquet" for t in ("ingested", "rejects", "nulled", "summary")} for p in "ab"}
    chunk = dict(
        practices=["a", "b"], **{t: [tables[p][t] for p in "ab"] for t in ("ingested", "rejects", "nulled", "summary")},
        codebook=CODEBOOK, labels={"a": "Cabinet A", "b": "Cabinet A"},
        sources={p: str(tmp_path / p / "cab.csv") for p in "ab"}, double_entered=["a"],
        **{t: [tmp_path / "a" / f"{t}.parquet"] for t in ("agreement", "differences", "unmatched")},
    )
    write_quality_workbooks(**chunk, xlsx=[tmp_path / p / "chunk.xlsx" for p in "ab"])
    for p in "ab":
        assert (tmp_path / p / "chunk.xlsx").read_bytes() == alone[p].read_bytes()
    (tmp_path / "a" / "nulled.parquet").unlink()
    with pytest.raises(BatchError, match="^Classeur qualité non écrit / quality workbook not written — a : "):
        write_quality_workbooks(**chunk, xlsx=[tmp_path / p / "again.xlsx" for p in "ab"])
    assert not (tmp_path / "a" / "again.xlsx").exists() and (tmp_path / "b" / "again.xlsx").is_file()
