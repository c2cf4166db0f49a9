"""A hostile corpus, generated: data-entry files with the faults of issue #15 (and the row faults of #12).

Nothing here is copied from anywhere: every file is built from the patient codebook's headers and a
respondent written below. Planted identifiers are distinctive so that a test can look for them in every
output; none of them may appear outside ``results/*/restricted/``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

from assistmed.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_PATH = ROOT / "resources/codebooks/patients.yaml"
CODEBOOK = load_codebook(CODEBOOK_PATH)
HEADERS = {v.name: v.headers[0] if v.headers else v.name for v in CODEBOOK.variables}

# Planted identifiers: a name, phones, e-mails that must never leave restricted/.
NAME = "Zéphirine Quasimodo"
SURNAME = "Quasimodo"
PHONE = "06 48 27 19 53"
PHONE_DIGITS = "0648271953"
EMAIL = "zephirine.quasimodo@planted.example"
OTHER_NAME = "Barnabé Tournesol"
OTHER_SURNAME = "Tournesol"
OTHER_PHONE = "07 81 62 53 44"
OTHER_EMAIL = "barnabe.tournesol@planted.example"
# What a test looks for (case-insensitive): every planted value, phones also without their spaces.
PLANTED = [SURNAME, OTHER_SURNAME, PHONE, PHONE_DIGITS, EMAIL, OTHER_PHONE, OTHER_PHONE.replace(" ", ""), OTHER_EMAIL,
           "planted.example"]

# A respondent who answered everything, favourably; every test row starts from it.
RESPONDENT = {
    "questionnaire_id": "1",
    "return_date": "15/03/2021",
    "sex": "2",
    "age_group": "3",
    "diploma": "3",
    "distance_km": "4,5",
    "contacts": "2",
    "overall_opinion": "1",
    "services_time": "x",
    "services_vitals": "",
    "services_paperwork": "",
    "services_appointments": "",
    "services_prevention": "",
    "services_none": "",
    "discomfort_confidentiality": "",
    "discomfort_intermediary": "",
    "discomfort_doctor_time": "",
    "discomfort_competence": "",
    "discomfort_none": "x",
    "evolution_wait": "1",
    "evolution_quality": "1",
    "role_approval": "1",
    "comment": "",
    "interview_consent": "2",
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
}
# A respondent the interview selection picks: agrees to be called, two negative answers, a phone given.
TO_CALL_BACK = {
    "overall_opinion": "4", "evolution_wait": "3", "interview_consent": "1",
    "contact_name": NAME, "contact_phone": PHONE, "contact_email": EMAIL,
}


def respondent(number: int, **answers: str) -> dict[str, str]:
    return {**RESPONDENT, "questionnaire_id": str(number), **answers}


def respondents(count: int, first: int = 1, **answers: str) -> list[dict[str, str]]:
    return [respondent(first + i, **answers) for i in range(count)]


def csv_line(cells: Sequence[str], delimiter: str = ";") -> str:
    """One row as French Excel writes it: a cell is quoted when it holds the separator, a quote or a line break."""
    def quoted(cell: str) -> str:
        if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return delimiter.join(quoted(c) for c in cells)


def row_cells(row: Mapping[str, str], columns: Sequence[str]) -> list[str]:
    return [row.get(c, "") for c in columns]


def csv_text(rows: Sequence[Mapping[str, str]], columns: Sequence[str] | None = None,
             headers: Mapping[str, str] | None = None, extra_lines: Sequence[str] = ()) -> str:
    """Header, rows and then ``extra_lines`` as they are (hostile lines are written by hand), CRLF endings."""
    columns = list(columns or HEADERS)
    names = {**HEADERS, **(headers or {})}
    lines = [csv_line([names[c] for c in columns]), *(csv_line(row_cells(r, columns)) for r in rows), *extra_lines]
    return "".join(line + "\r\n" for line in lines)


def write_csv(path: Path, text: str, encoding: str = "cp1252") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def raw_line(row: Mapping[str, str], columns: Sequence[str] | None = None) -> list[str]:
    return row_cells(row, list(columns or HEADERS))


def unbalanced_quote_text(before: int, after: int) -> str:
    """The issue's case: « "Très content » with no closing quote in a comment, then rows with contact details.

    The quote would make the comment swallow every following row (and the names in them) into one cell.
    """
    columns = list(HEADERS)
    broken = row_cells(respondent(before + 1, comment="PLACEHOLDER"), columns)
    line = ";".join(broken).replace("PLACEHOLDER", '"Très content')
    rows_after = [respondent(before + 2 + i, contact_name=NAME if i % 2 else OTHER_NAME) for i in range(after)]
    return csv_text(respondents(before), extra_lines=[line, *(csv_line(row_cells(r, columns)) for r in rows_after)])


def hostile_rows(first: int) -> tuple[list[str], dict[int, str]]:
    """Lines to append to a practice's file (issue #12, « Done when »), and the reason expected per line offset.

    Offsets count from the first appended line; every line is one spreadsheet row.
    """
    columns = list(HEADERS)
    width = len(columns)
    good = row_cells(respondent(first), columns)
    lines, expected = [], {}

    def add(line: str, reason: str | None) -> None:
        if reason is not None:
            expected[len(lines)] = reason
        lines.append(line)

    add(csv_line(good), None)  # a good questionnaire among them: kept
    add(csv_line(row_cells(respondent(first + 1), columns)) + ";;" + OTHER_NAME, "au-delà du dernier en-tête")
    add(csv_line(row_cells(respondent(first + 2), columns)[: width - 6]), "cellules pour")
    add(";" * (width - 1), "ligne vide")
    add("", "ligne vide")
    add(csv_line(row_cells(respondent(first + 3, sex="Z", age_group="99999", diploma="<b>3</b>", distance_km="NaN",
                                      contacts="1;2"), columns)), None)
    add(csv_line(row_cells(respondent(first + 4, comment="<script>alert(1)</script> {{ config }} $x^2$"), columns)),
        None)
    add(csv_line(row_cells(respondent(first + 5, distance_km=OTHER_PHONE, sex=OTHER_EMAIL,
                                      comment=f"rappelez Mme {OTHER_SURNAME} au {OTHER_PHONE}"), columns)), None)
    add(";".join(row_cells(respondent(first + 6, comment='"Très content'), columns)), "guillemet ouvert")
    add(csv_line(row_cells(respondent(first + 7, contact_name=NAME, contact_phone=PHONE), columns)), None)
    add(csv_line(["#N/A", *row_cells(respondent(first + 8), columns)[1:]]), "erreur de formule")
    add(csv_line(row_cells(respondent(first + 9, return_date=" 16/03/2021 "), columns)), None)
    return lines, expected


def two_sheet_workbook(path: Path, first_sheet_rows: int, second_sheet_rows: int, second_header: bool = True) -> Path:
    """Questionnaires that continue on a second sheet of the workbook."""
    workbook = Workbook()
    columns = list(HEADERS)
    first = workbook.active
    first.title = "Saisie"
    first.append([HEADERS[c] for c in columns])
    for row in respondents(first_sheet_rows):
        first.append(row_cells(row, columns))
    second = workbook.create_sheet("Suite")
    if second_header:
        second.append([HEADERS[c] for c in columns])
    for row in respondents(second_sheet_rows, first=first_sheet_rows + 1):
        second.append(row_cells(row, columns))
    codes = workbook.create_sheet("Codes")
    codes.append(["Variable", "Code", "Libellé"])
    codes.append(["Sexe", "1", "Homme"])
    workbook.save(path)
    return path


def formula_workbook(path: Path, rows: int) -> Path:
    """A workbook whose « Avis global » cells are formulas saved without their result (written by a script)."""
    workbook = Workbook()
    columns = list(HEADERS)
    sheet = workbook.active
    sheet.append([HEADERS[c] for c in columns])
    for row in respondents(rows):
        sheet.append(row_cells({**row, "overall_opinion": "=1+0"}, columns))
    workbook.save(path)  # openpyxl stores formulas without a cached value, as a script would
    return path


def zip_bomb_workbook(path: Path, unpacked_bytes: int) -> Path:
    """A valid-looking .xlsx whose shared strings unpack to ``unpacked_bytes`` (a few kilobytes on disk)."""
    formula_workbook(path.with_suffix(".base.xlsx"), 1)
    with zipfile.ZipFile(path.with_suffix(".base.xlsx")) as base, zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED
    ) as bomb:
        for item in base.infolist():
            bomb.writestr(item, base.read(item.filename))
        chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(unpacked_bytes // len(chunk) + 1):
                stream.write(chunk)
            stream.write(b"</sst>")
    path.with_suffix(".base.xlsx").unlink()
    return path
