"""The codebooks for sharing: a « dictionnaire des variables » workbook and a Data Package of the clean tables.

Both are generated from the codebooks, never written by hand: the workbook for readers (variable, label,
type, codes, missing codes, indicator definitions), the Data Package descriptor (frictionless Table Schema,
https://specs.frictionlessdata.io/) for software and for archiving the clean Parquet tables with the reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistmed.codebook import Codebook, Variable, load_codebook
from assistmed.io import atomic_path
from assistmed.xlsx import save_workbook, set_text

TYPE_NAMES = {
    "identifier": "identifiant",
    "date": "date",
    "datetime": "date et heure",
    "categorical": "qualitative (un seul choix)",
    "ordinal": "qualitative ordonnée (un seul choix)",
    "checkbox": "case à cocher (plusieurs choix possibles)",
    "numeric": "numérique",
    "integer": "nombre entier",
    "text": "texte libre",
}
# Columns of a clean patient table that the codebook does not describe (see README, output contract).
CLEAN_COLUMNS_BEFORE = [
    {"name": "region", "type": "string", "title": "Région (identifiant de la configuration)"},
    {"name": "practice", "type": "string", "title": "Cabinet (identifiant de la configuration)"},
    {"name": "source_row", "type": "integer", "title": "Ligne du tableur de saisie (en-tête = 1)",
     "constraints": {"required": True, "minimum": 2}},
]
CLEAN_COLUMNS_AFTER = [
    {"name": "has_contact", "type": "boolean", "title": "Coordonnées de recontact laissées (non transmises)"},
]


def _codes_text(variable: Variable) -> str:
    return " ; ".join(f"{c.code} = {c.fr} [{c.key}]" for c in variable.codes)


def dictionary_workbook(codebooks: Sequence[Codebook]):
    """One « Variables » sheet and one « Indicateurs » sheet for every codebook given (an openpyxl Workbook)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from assistmed.reports.common import indicator_definition

    workbook = Workbook()
    variables = workbook.active
    variables.title = "Variables"
    indicators = workbook.create_sheet("Indicateurs")
    sheets = {
        variables: ["Questionnaire", "Variable", "Libellé", "Label (English)", "Type", "Codes (code = libellé [clé])",
                    "Valeurs admises", "Sans réponse", "Groupe", "Obligatoire", "Donnée identifiante"],
        indicators: ["Questionnaire", "Indicateur", "Libellé", "Label (English)", "Définition"],
    }
    for sheet, headers in sheets.items():
        for column, title in enumerate(headers, start=1):
            cell = set_text(sheet.cell(1, column), title)
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
        sheet.freeze_panes = "C2"
    row = 2
    for cb in codebooks:
        for v in cb.variables:
            values = [cb.title_fr, v.name, v.label_fr, v.label_en, TYPE_NAMES.get(v.type, v.type), _codes_text(v),
                      cb.allowed_fr(v), cb.missing_fr(v), v.group or "", "oui" if v.required else "",
                      "oui (restreinte)" if v.restricted else ""]
            for column, value in enumerate(values, start=1):
                set_text(variables.cell(row, column), value).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    row = 2
    for cb in codebooks:
        for ind in cb.indicators:
            for column, value in enumerate(
                [cb.title_fr, ind.name, ind.label_fr, ind.label_en, indicator_definition(cb, ind)], start=1
            ):
                set_text(indicators.cell(row, column), value).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for sheet, widths in ((variables, (30, 26, 40, 36, 22, 50, 40, 26, 12, 10, 14)), (indicators, (30, 26, 40, 36, 80))):
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
    return workbook


def write_dictionary(codebooks: Sequence[str | Path], xlsx: str | Path) -> None:
    """Write the « dictionnaire des variables » of the codebook files, byte-reproducibly."""
    save_workbook(dictionary_workbook([load_codebook(p) for p in codebooks]), xlsx, creator="assistmed")


def _field(codebook: Codebook, variable: Variable) -> dict:
    field: dict = {"name": variable.name, "title": variable.label_fr, "description": variable.label_en}
    if variable.is_categorical:
        field |= {
            "type": "string",
            "constraints": {"enum": variable.keys},
            "categories": [{"value": c.key, "label": c.fr} for c in variable.codes],
            "categoriesOrdered": variable.ordered,
        }
    elif variable.type == "checkbox":
        field["type"] = "boolean"
    elif variable.type in {"numeric", "integer"}:
        field["type"] = "number"
        bounds = {"minimum": variable.range_min, "maximum": variable.range_max}
        if any(b is not None for b in bounds.values()):
            field["constraints"] = {k: b for k, b in bounds.items() if b is not None}
    elif variable.type in {"date", "datetime"}:
        # Stored as a Parquet timestamp (midnight for a date).
        field["type"] = "datetime"
    else:
        field["type"] = "string"
    if variable.name == codebook.id_variable:
        field["constraints"] = {"required": True}
    return field


def clean_table_schema(codebook: Codebook) -> dict:
    """The frictionless Table Schema of a practice's clean table (``results/<region>/patients/clean/*.parquet``)."""
    fields = list(CLEAN_COLUMNS_BEFORE)
    fields += [_field(codebook, v) for v in codebook.variables if not v.restricted]
    fields += CLEAN_COLUMNS_AFTER
    return {"fields": fields, "missingValues": [""], "primaryKey": ["practice", codebook.id_variable]}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_data_package(
    clean: Sequence[str | Path],
    codebook: str | Path,
    datapackage: str | Path,
    *,
    region: str,
    title: str,
    practice_labels: Mapping[str, str],
) -> None:
    """A Data Package descriptor of a region's clean tables, written beside them (paths are relative to
    the descriptor's folder), with each file's size and SHA-256 so that a shared copy can be checked."""
    cb = load_codebook(codebook)
    root = Path(datapackage).parent
    schema = clean_table_schema(cb)
    resources = []
    for path in map(Path, clean):
        practice = path.stem
        resources.append(
            {
                "name": practice,
                "title": practice_labels.get(practice, practice),
                "path": path.resolve().relative_to(root.resolve()).as_posix(),
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "profile": "tabular-data-resource",
                "bytes": path.stat().st_size,
                "hash": f"sha256:{_sha256(path)}",
                "schema": schema,
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"assistmed-{region}-patients",
        "title": f"{title} — {cb.title_fr}",
        "description": f"Questionnaires conservés après validation, un fichier par cabinet (codebook {cb.name} "
        f"{cb.version}). Aucune coordonnée de patient.",
        "resources": resources,
    }
    with atomic_path(datapackage) as tmp:
        tmp.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
