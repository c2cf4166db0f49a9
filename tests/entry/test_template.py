"""The entry workbook, read back with openpyxl as a spreadsheet would use it, and round-tripped."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from assistmed.clean import clean_table
from assistmed.codebook import load_codebook
from assistmed.ingest import map_headers, protect_identifiers, read_raw
from assistmed.synth.patients import generate_patients, workbook_entries
from assistmed.template import entry_workbook, fill_entry_workbook, main, write_entry_workbook
from assistmed.xlsx import save_workbook

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_PATH = ROOT / "resources/codebooks/patients.yaml"
CODEBOOK = load_codebook(CODEBOOK_PATH)


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "saisie.xlsx"
    write_entry_workbook(CODEBOOK_PATH, path)
    return load_workbook(path)


def validation_of(sheet, cell: str):
    hits = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(hits) == 1, cell
    return hits[0]


def choices(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    sheet = workbook[sheet_name.strip("'")]
    return [c.value for row in sheet[cells.replace("$", "")] for c in row]


def column_of(name: str) -> str:
    from assistmed.ingest import column_letter

    return column_letter(CODEBOOK.names.index(name))


def test_headers_are_the_french_labels_in_questionnaire_order_and_ingest_recognises_them(blank):
    sheet = blank["Saisie"]
    assert [c.value for c in sheet[1]] == [v.label_fr for v in CODEBOOK.variables]
    assert "Variable : sex" in sheet[f"{column_of('sex')}1"].comment.text


def test_coded_questions_have_a_drop_down_of_code_and_label_from_the_codes_sheet(blank):
    sheet = blank["Saisie"]
    sex = validation_of(sheet, f"{column_of('sex')}2")
    assert sex.type == "list" and sex.errorStyle == "stop" and sex.allow_blank
    assert choices(blank, sex.formula1) == ["1 — Homme", "2 — Femme"]
    opinion = validation_of(sheet, f"{column_of('overall_opinion')}500")
    assert choices(blank, opinion.formula1) == [
        "1 — Très favorable", "2 — Plutôt favorable", "3 — Plutôt défavorable", "4 — Très défavorable"
    ]
    assert choices(blank, validation_of(sheet, f"{column_of('services_time')}2").formula1) == ["x"]


def test_numbers_and_dates_are_held_to_the_codebook_ranges_and_a_number_cannot_be_typed_twice(blank):
    sheet = blank["Saisie"]
    distance = validation_of(sheet, f"{column_of('distance_km')}2")
    assert (distance.type, distance.operator, distance.formula1, distance.formula2) == ("decimal", "between", "0", "150")
    returned = validation_of(sheet, f"{column_of('return_date')}2")
    assert (returned.type, returned.formula1, returned.formula2) == ("date", "DATE(2021,1,1)", "DATE(2021,5,31)")
    number = validation_of(sheet, "A2")
    assert number.type == "custom" and number.formula1.startswith("COUNTIF($A$2:$A$")


def test_every_column_has_an_input_message_and_the_header_is_frozen_and_protected(blank):
    sheet = blank["Saisie"]
    for index, v in enumerate(CODEBOOK.variables):
        validation = validation_of(sheet, f"{column_of(v.name)}2")
        assert validation.showInputMessage and validation.prompt, v.name
        assert sheet.column_dimensions[column_of(v.name)].protection.locked is False, v.name
    assert sheet.freeze_panes == "B2"
    assert sheet.protection.sheet and sheet["A1"].protection.locked
    assert sheet.protection.insertRows is False and sheet.protection.sort is False  # allowed


def test_contact_columns_are_visibly_marked_as_restricted(blank):
    sheet = blank["Saisie"]
    for name in CODEBOOK.restricted:
        header = sheet[f"{column_of(name)}1"]
        assert header.fill.fgColor.rgb.endswith("F4CCCC") and "DONNÉE IDENTIFIANTE" in header.comment.text
    unrestricted = sheet[f"{column_of('sex')}1"]
    assert not unrestricted.fill.fgColor.rgb.endswith("F4CCCC")


def test_the_codes_sheet_lists_every_question_its_codes_and_its_missing_codes(blank):
    rows = list(blank["Codes"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == set(CODEBOOK.names)
    assert ("sex", "Sexe", "2", "Femme", "2 — Femme", "vide, NSP, NR, NA, N/A, ?, 9, 99, -") in rows


def filled(tmp_path) -> Path:
    frame = generate_patients(CODEBOOK, {"p": 80}, seed=11, calibrated=False)
    workbook = entry_workbook(CODEBOOK, label="Cabinet P")
    fill_entry_workbook(workbook, CODEBOOK, workbook_entries(frame, CODEBOOK))
    save_workbook(workbook, tmp_path / "filled.xlsx", creator="test")
    return tmp_path / "filled.xlsx"


def cleaned(path: Path):
    ingested = protect_identifiers(map_headers(read_raw(path), CODEBOOK, source=str(path)), CODEBOOK)
    return clean_table(ingested, CODEBOOK, source=str(path))


def french_excel_csv(xlsx: Path, target: Path) -> Path:
    """What French Excel writes for « CSV (séparateur : point-virgule) »: cells as displayed, decimal comma,
    dates in the cell's format, cp1252, CRLF."""
    def shown(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime | date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, float):
            return f"{value:.15g}".replace(".", ",")
        return str(value)

    sheet = load_workbook(xlsx)["Saisie"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in sheet.iter_rows(values_only=True):
        writer.writerow([shown(v) for v in row])
    target.write_bytes(buffer.getvalue().encode("cp1252"))
    return target


def test_a_workbook_filled_by_the_generator_reads_back_with_no_reject_and_no_nulled_cell(tmp_path):
    result = cleaned(filled(tmp_path))
    assert len(result.clean) == 80
    assert result.rejects.empty and result.cell_issues.empty
    assert result.clean["sex"].notna().sum() > 70 and result.clean["distance_km"].notna().all()


def test_its_french_excel_csv_export_reads_back_identically(tmp_path):
    xlsx = filled(tmp_path)
    from_csv = cleaned(french_excel_csv(xlsx, tmp_path / "filled.csv"))
    from_xlsx = cleaned(xlsx)
    assert from_csv.rejects.empty and from_csv.cell_issues.empty
    pd.testing.assert_frame_equal(from_csv.clean, from_xlsx.clean)


def test_the_same_codebook_gives_the_same_bytes(tmp_path):
    write_entry_workbook(CODEBOOK_PATH, tmp_path / "a.xlsx", label="Cabinet A")
    write_entry_workbook(CODEBOOK_PATH, tmp_path / "b.xlsx", label="Cabinet A")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_the_console_command_names_the_practice_from_the_config(tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    main(["--out", str(out), "--practice", "vendee-a", "--config", str(ROOT / "config/config.yaml"),
          "--codebook", str(CODEBOOK_PATH)])
    book = load_workbook(out)
    assert book.properties.title == "Saisie des questionnaires — Cabinet A"
    assert book.sheetnames == ["Saisie", "Codes", "Mode d'emploi"]
    with pytest.raises(SystemExit):
        main(["--out", str(out), "--practice", "nowhere", "--config", str(ROOT / "config/config.yaml")])
