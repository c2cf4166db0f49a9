"""Reading data-entry files as entered, and refusing files that are not the questionnaire."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from assistmed.codebook import load_codebook
from assistmed.ingest import IngestError, ingest_file, map_headers, read_raw

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"


def test_french_excel_csv_is_read_as_text_with_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_bytes("N° questionnaire;Distance (km);Sexe\r\n007;3,5;2\r\n;;\r\n8; 1 ;NSP\r\n;;\r\n".encode("cp1252"))
    frame = read_raw(path)
    assert list(frame.columns) == ["N° questionnaire", "Distance (km)", "Sexe", "source_row", "row_fault"]
    assert list(frame["N° questionnaire"]) == ["007", "", "8"]  # no number inference: leading zero kept
    # The blank row 3 stays (cleaning rejects it, so raw = kept + rejected as the user counts rows);
    # the blank row 5 after the last data row is not data.
    assert list(frame["source_row"]) == [2, 3, 4]
    assert frame.loc[2, "Distance (km)"] == " 1 "


def test_utf8_bom_csv_with_commas_is_detected(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_bytes("\ufeffid,Sexe\n1,2\n".encode("utf-8"))
    assert list(read_raw(path).columns) == ["id", "Sexe", "source_row", "row_fault"]


def test_xlsx_numbers_come_back_without_a_spurious_decimal(tmp_path):
    wb = Workbook()
    wb.active.append(["N° questionnaire", "Sexe"])
    wb.active.append([101, 2.0])
    wb.save(tmp_path / "cab.xlsx")
    frame = read_raw(tmp_path / "cab.xlsx")
    assert frame.loc[0, "N° questionnaire"] == "101" and frame.loc[0, "Sexe"] == "2"


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_name(tmp_path):
    path = tmp_path / "vendee-z.csv"
    path.write_bytes(b"\x00\x01PK garbage")
    with pytest.raises(IngestError, match="vendee-z.csv"):
        read_raw(path)


def test_wrong_columns_are_refused_with_the_missing_variables_named(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(IngestError, match="other.csv.*questionnaire_id"):
        map_headers(read_raw(path), load_codebook(CODEBOOK), source=str(path))


def test_an_old_xls_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "vendee-x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(IngestError, match=r"vendee-x.xls.*\.xlsx ou en CSV"):
        read_raw(path)


def test_a_header_entered_twice_is_refused_with_both_columns_named(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_text("N° questionnaire;Sexe;Sexe\n1;2;1\n", encoding="utf-8")
    with pytest.raises(IngestError, match="« Sexe » apparaît deux fois.*colonnes B et C"):
        read_raw(path)


def test_an_untitled_column_with_content_is_kept_under_its_letter_and_trailing_separators_dropped(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_text("N° questionnaire;;Sexe;\n1;note;2;\n", encoding="utf-8")
    frame = read_raw(path)
    assert list(frame.columns) == ["N° questionnaire", "(colonne B sans titre)", "Sexe", "source_row", "row_fault"]


def test_a_filled_cell_beyond_the_last_header_is_a_fault_of_its_row_only(tmp_path):
    # It used to stop the whole practice (issue #12); the row goes to the rejects with its reason instead.
    path = tmp_path / "cab.csv"
    path.write_text("N° questionnaire;Sexe\n1;2\n2;1;oops\n3;2\n", encoding="utf-8")
    frame = read_raw(path).set_index("source_row")
    assert list(frame.index) == [2, 3, 4]
    assert frame.loc[3, "row_fault"].startswith("cellule remplie en colonne C, au-delà du dernier en-tête")
    assert frame.loc[2, "row_fault"] == frame.loc[4, "row_fault"] == ""
    # A separator too many may have shifted every cell of a text row: none is kept.
    assert list(frame.loc[3, ["N° questionnaire", "Sexe"]]) == ["", ""]


def test_ingested_cells_hold_no_contact_detail_in_clear(tmp_path):
    codebook = load_codebook(CODEBOOK)
    raw = tmp_path / "cab.csv"
    headers = {name: codebook.variable(name).headers[0] for name in codebook.names}
    row = {name: "" for name in codebook.names} | {codebook.id_variable: "12", "comment": "rappelez le 06 12 34 56 78"}
    for name in codebook.restricted:
        row[name] = "jean.dupont@example.fr"
    raw.write_text(
        ";".join(headers.values()) + "\n" + ";".join(row[n] for n in headers) + "\n", encoding="utf-8"
    )
    out = tmp_path / "ingested.parquet"
    ingest_file(raw, out, codebook_path=CODEBOOK)
    cells = " ".join(pd.read_parquet(out).astype(str).to_numpy().ravel())
    assert "jean.dupont" not in cells and "06 12 34 56 78" not in cells
    assert "<masqué>" in cells and "rappelez le [retiré]" in cells


def test_the_ingested_table_remembers_each_column_header_as_typed_and_its_letter(tmp_path):
    codebook = load_codebook(CODEBOOK)
    headers = [codebook.variable(name).headers[0] for name in codebook.names]
    raw = tmp_path / "cab.csv"
    # An untitled empty column B: it is dropped, yet the columns after it keep their letters.
    raw.write_text(";".join([headers[0], "", *headers[1:]]) + "\n1;;12/01/2021\n", encoding="utf-8")
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOK)
    columns = pd.read_parquet(tmp_path / "ingested.parquet").attrs["source_columns"]
    assert columns["questionnaire_id"] == ["N° questionnaire", "A"]
    assert columns["return_date"] == ["Date", "C"]
    assert columns["contact_email"] == ["Mail", "AB"]
