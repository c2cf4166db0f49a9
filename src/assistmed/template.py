"""The entry workbook: an .xlsx, generated from the codebook, in which a practice types its questionnaires.

One column per codebook variable in questionnaire order, headed with its French label (which ingest
recognises); drop-down lists « code — libellé » for coded questions, number and date rules from the
codebook's ranges, refusal of a questionnaire number typed twice, an input message per column, the header
row frozen and protected, a « Codes » sheet listing every question's codes and how « no answer » is typed,
and the contact columns marked as restricted. The variable names are in each header's note and in the
« Codes » sheet: a second header row would be read as a questionnaire.

    assistmed-template --out saisie.xlsx [--practice vendee-a] [--config config/config.yaml]
    python -m assistmed.template --out saisie.xlsx
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from assistmed.codebook import Codebook, Variable, load_codebook
from assistmed.xlsx import save_workbook, set_text

DEFAULT_CONFIG = "config/config.yaml"
DEFAULT_CODEBOOK = "resources/codebooks/patients.yaml"
ENTRY_SHEET, CODES_SHEET, HELP_SHEET = "Saisie", "Codes", "Mode d'emploi"
# Rows under the header that carry the validation rules (far more than any practice returns).
ENTRY_ROWS = 5000
HEADER_FILL, RESTRICTED_FILL = "DDE6F0", "F4CCCC"
RESTRICTED_NOTE = (
    "DONNÉE IDENTIFIANTE (recontact pour un entretien) : à ne jamais transmettre en dehors de l'équipe ; "
    "l'analyse la masque et ne la garde que dans results/<région>/restricted/."
)
TEXT_FORMAT, DATE_FORMAT = "@", "DD/MM/YYYY"


def _prompt(codebook: Codebook, variable: Variable) -> str:
    if variable.restricted:
        return "Donnée identifiante, confidentielle. Sans réponse : laisser vide."
    if variable.is_categorical:
        how = "Choisissez dans la liste (Alt+↓)."
    elif variable.type == "checkbox":
        how = "Case cochée : x ; non cochée : laisser vide."
    else:
        how = codebook.allowed_fr(variable)[:1].upper() + codebook.allowed_fr(variable)[1:] + "."
    return f"{how} Sans réponse : laisser vide."


def _validation(codebook: Codebook, variable: Variable, letter: str, codes_range: str | None):
    """The DataValidation of one entry column (input message always; a rule where the codebook gives one)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rule: dict = {}
    error = codebook.allowed_fr(variable)
    if variable.is_categorical or variable.type == "checkbox":
        rule = {"type": "list", "formula1": codes_range}
    elif variable.type in {"numeric", "integer"} and (variable.range_min, variable.range_max) != (None, None):
        rule = {"type": "whole" if variable.type == "integer" else "decimal", "operator": "between",
                "formula1": str(variable.range_min), "formula2": str(variable.range_max)}
    elif variable.type == "date" and (variable.range_min, variable.range_max) != (None, None):
        low, high = (date.fromisoformat(str(d)) for d in (variable.range_min, variable.range_max))
        rule = {"type": "date", "operator": "between",
                "formula1": f"DATE({low.year},{low.month},{low.day})",
                "formula2": f"DATE({high.year},{high.month},{high.day})"}
    elif variable.type == "identifier":
        rule = {"type": "custom", "formula1": f"COUNTIF(${letter}$2:${letter}${ENTRY_ROWS + 1},{letter}2)=1"}
        error = "Ce numéro de questionnaire est déjà saisi plus haut."
    validation = DataValidation(
        **rule,
        allow_blank=True,
        showInputMessage=True,
        promptTitle=variable.label_fr[:32],
        prompt=_prompt(codebook, variable)[:255],
        showErrorMessage=bool(rule),
        errorStyle="stop",
        errorTitle="Valeur refusée",
        error=f"Valeurs admises : {error}"[:255],
    )
    validation.add(f"{letter}2:{letter}{ENTRY_ROWS + 1}")
    return validation


def _codes_sheet(workbook, codebook: Codebook) -> dict[str, str]:
    """The « Codes » sheet; returns variable → the range of its drop-down choices."""
    from openpyxl.styles import Font, PatternFill

    sheet = workbook.create_sheet(CODES_SHEET)
    headers = ["Variable", "Question", "Code", "Libellé", "Choix dans la liste", "Sans réponse"]
    for column, title in enumerate(headers, start=1):
        cell = set_text(sheet.cell(1, column), title)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    ranges, row = {}, 2
    for v in codebook.variables:
        choices = [(c.code, c.fr, c.entry_text) for c in v.codes]
        if v.type == "checkbox":
            choices = [("x", "case cochée", "x")]
        if not choices:
            choices = [("", codebook.allowed_fr(v), "")]
        first = row
        for code, label, entry in choices:
            for column, value in enumerate([v.name, v.label_fr, code, label, entry, codebook.missing_fr(v)], start=1):
                set_text(sheet.cell(row, column), value)
            if v.restricted:
                sheet.cell(row, 4).fill = PatternFill("solid", fgColor=RESTRICTED_FILL)
                set_text(sheet.cell(row, 4), RESTRICTED_NOTE)
            row += 1
        if v.is_categorical or v.type == "checkbox":
            ranges[v.name] = f"'{CODES_SHEET}'!$E${first}:$E${row - 1}"
    for column, width in zip("ABCDEF", (28, 50, 8, 40, 40, 30)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    return ranges


def _help_sheet(workbook, codebook: Codebook, label: str | None) -> None:
    lines = [
        f"{codebook.title_fr} — classeur de saisie" + (f" — {label}" if label else ""),
        f"Codebook {codebook.name}, version {codebook.version}.",
        "",
        "Une ligne par questionnaire, dans la feuille « Saisie », en commençant ligne 2 ; ne modifiez pas la ligne d'en-tête.",
        "Numéro du questionnaire : celui écrit sur le questionnaire papier, une seule fois.",
        "Questions à choix : choisissez dans la liste (Alt+↓) ; si deux cases sont cochées pour une question à choix "
        "unique, laissez la cellule vide.",
        "Cases à cocher (plusieurs réponses possibles) : x si la case est cochée, rien sinon.",
        "Question sans réponse : laissez la cellule vide.",
        "Colonnes en rouge : coordonnées pour un entretien, confidentielles ; ne les saisissez que si le patient "
        "a accepté d'être recontacté.",
        "La feuille « Codes » donne, pour chaque question, les codes et leur libellé.",
        "Enregistrez au format .xlsx (ou CSV séparateur point-virgule) et transmettez le fichier à l'équipe "
        "d'évaluation ; après chaque analyse, elle vous renvoie un classeur « qualité » qui liste les lignes "
        "et les cellules à vérifier.",
    ]
    sheet = workbook.create_sheet(HELP_SHEET)
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(lines, start=1):
        set_text(sheet.cell(row, 1), line)


def entry_workbook(codebook: Codebook, *, label: str | None = None):
    """The entry workbook of ``codebook`` (an openpyxl Workbook), for the practice ``label`` or blank."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ENTRY_SHEET
    ranges = _codes_sheet(workbook, codebook)
    _help_sheet(workbook, codebook, label)
    for index, v in enumerate(codebook.variables):
        letter = get_column_letter(index + 1)
        cell = set_text(sheet.cell(1, index + 1), v.label_fr)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor=RESTRICTED_FILL if v.restricted else HEADER_FILL)
        note = f"Variable : {v.name}\nValeurs admises : {codebook.allowed_fr(v)}\nSans réponse : {codebook.missing_fr(v)}"
        if v.restricted:
            note = f"{RESTRICTED_NOTE}\nVariable : {v.name}"
        cell.comment = Comment(note, "assistmed", width=300, height=150)
        column = sheet.column_dimensions[letter]
        column.width = 40 if v.type == "text" else 24 if v.is_categorical else 14
        column.protection = Protection(locked=False)
        if v.type == "date":
            column.number_format = DATE_FORMAT
        elif v.type in {"identifier", "text"} or v.is_categorical:
            column.number_format = TEXT_FORMAT
        sheet.add_data_validation(_validation(codebook, v, letter, ranges.get(v.name)))
    sheet.row_dimensions[1].height = 60
    sheet.freeze_panes = "B2"
    protection = sheet.protection
    protection.sheet = True
    for allowed in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(protection, allowed, False)
    workbook.properties.title = "Saisie des questionnaires" + (f" — {label}" if label else "")
    workbook.properties.subject = f"{codebook.title_fr} (codebook {codebook.version})"
    return workbook


def fill_entry_workbook(workbook, codebook: Codebook, entries: Iterable[Mapping[str, object]]) -> None:
    """Type ``entries`` (variable → category key, True for a ticked box, number, date or text) into the entry
    sheet as a careful clerk would: codes chosen from the drop-down lists, numbers and dates as such."""
    sheet = workbook[ENTRY_SHEET]
    for row, entry in enumerate(entries, start=2):
        for index, v in enumerate(codebook.variables):
            value = entry.get(v.name)
            if value is None or value == "" or value is False:
                continue
            cell = sheet.cell(row, index + 1)
            if v.is_categorical:
                set_text(cell, next(c.entry_text for c in v.codes if c.key == value))
            elif v.type == "checkbox":
                set_text(cell, "x")
            elif isinstance(value, int | float | date):
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = DATE_FORMAT
            else:
                set_text(cell, value)


def write_entry_workbook(codebook: str | Path, xlsx: str | Path, *, label: str | None = None) -> None:
    """Write the entry workbook of a codebook file, byte-reproducibly."""
    save_workbook(entry_workbook(load_codebook(codebook), label=label), xlsx, creator="assistmed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="assistmed-template",
        description="Classeur de saisie des questionnaires, généré depuis le codebook / entry workbook from the codebook",
    )
    parser.add_argument("--out", required=True, help="the .xlsx file to write")
    parser.add_argument("--practice", help="practice id of the config: its name goes on the workbook")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"configuration (default {DEFAULT_CONFIG})")
    parser.add_argument("--codebook", help="patient codebook (default: the config's, else the bundled one)")
    args = parser.parse_args(argv)
    label, codebook = None, args.codebook
    config_path = Path(args.config)
    if args.practice or (codebook is None and config_path.is_file()):
        import yaml

        if not config_path.is_file():
            parser.error(f"configuration introuvable / config not found: {config_path}")
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        codebook = codebook or config.get("codebooks", {}).get("patients", DEFAULT_CODEBOOK)
        if args.practice:
            found = [
                spec for region in config["regions"].values()
                for pid, spec in region["patients"]["practices"].items() if pid == args.practice
            ]
            if not found:
                parser.error(f"cabinet « {args.practice} » absent de {config_path} / no such practice")
            label = found[0].get("label", args.practice)
    write_entry_workbook(codebook or DEFAULT_CODEBOOK, args.out, label=label)
    print(args.out)


if __name__ == "__main__":
    main()
