"""Reading data-entry files as entered, and refusing files that are not the questionnaire."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from assistmed.codebook import load_codebook
from assistmed.ingest import IngestError, map_headers, read_raw

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"


def test_french_excel_csv_is_read_as_text_with_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_bytes("N° questionnaire;Distance (km);Sexe\r\n007;3,5;2\r\n;;\r\n8; 1 ;NSP\r\n".encode("cp1252"))
    frame = read_raw(path)
    assert list(frame.columns) == ["N° questionnaire", "Distance (km)", "Sexe", "source_row"]
    assert list(frame["N° questionnaire"]) == ["007", "8"]  # no number inference: leading zero kept
    assert list(frame["source_row"]) == [2, 4]  # the blank row 3 is not data
    assert frame.loc[1, "Distance (km)"] == " 1 "


def test_utf8_bom_csv_with_commas_is_detected(tmp_path):
    path = tmp_path / "cab.csv"
    path.write_bytes("\ufeffid,Sexe\n1,2\n".encode("utf-8"))
    assert list(read_raw(path).columns) == ["id", "Sexe", "source_row"]


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
