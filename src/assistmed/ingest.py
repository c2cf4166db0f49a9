"""Read a data-entry file (CSV as French Excel writes it, or .xlsx) into text cells, as entered.

Every cell is kept as text with the spreadsheet row number a user sees (header = row 1), so that a later
error can name the file, the row and the column. Direct identifiers never leave this step in clear: the
restricted columns are masked and free text is scrubbed before anything is written.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook, normalize_header, normalize_value
from assistmed.io import write_parquet
from assistmed.privacy import scrub_identifiers

log = logging.getLogger("assistmed.ingest")

MASK = "<masqué>"
ROW_COLUMN = "source_row"
# Kept in the ingested table's metadata (DataFrame.attrs, stored in the Parquet file): column → [header as
# typed, spreadsheet letter], so that a later message can name a cell as the person who typed it sees it.
SOURCE_COLUMNS = "source_columns"
# UTF-8 (the BOM is optional) first: cp1252 decodes almost any byte sequence, so it can only come last.
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (";", "\t", ",")
# Rows parsed to choose a delimiter: enough to see that data rows agree with the header.
SNIFF_ROWS = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class IngestError(ValueError):
    """A file that cannot be read as the expected questionnaire; the message names the file."""


def _fail(path: Path | str, fr: str, en: str) -> IngestError:
    return IngestError(f"{Path(path).name} : {fr} / {en} ({path})")


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    for enc in (encoding,) if encoding else ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        except LookupError as exc:
            raise _fail(path, f"encodage inconnu « {enc} »", f"unknown encoding {enc!r}") from exc
        if CONTROL.search(text):
            break
        return text.removeprefix("\ufeff")
    raise _fail(
        path,
        "fichier illisible : ce n'est pas un tableau texte (CSV) dans un encodage connu",
        f"cannot be read: not a text (CSV) table in {encoding or ' or '.join(ENCODINGS)}",
    )


def _sniff_delimiter(text: str) -> str:
    """The candidate whose header has most columns among those whose data rows mostly agree with it."""
    best, best_score = DELIMITERS[0], (0, 0)
    for candidate in DELIMITERS:
        rows = [r for r in islice(csv.reader(io.StringIO(text, newline=""), delimiter=candidate), SNIFF_ROWS) if r]
        if not rows or len(rows[0]) < 2:
            continue
        agreeing = sum(len(r) == len(rows[0]) for r in rows[1:])
        score = (agreeing * 2 >= len(rows) - 1, len(rows[0]))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(path: Path, data: bytes, encoding: str | None, delimiter: str | None) -> list[list[str]]:
    text = _decode(path, data, encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _sniff_delimiter(text)))


def _cell_text(value: object) -> str:
    """A workbook cell as a French spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        # Excel shows 15 significant digits; beyond them a binary float only adds noise (2.3000000000000003).
        return f"{value:.15g}"
    return str(value)


def _read_xlsx(path: Path, sheet: str | int | None) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        raise _fail(path, "classeur Excel illisible", f"not a readable .xlsx workbook ({exc})") from exc
    try:
        if sheet is None:
            ws = workbook.worksheets[0]
        elif isinstance(sheet, int):
            ws = workbook.worksheets[sheet]
        else:
            ws = workbook[sheet]
    except (IndexError, KeyError) as exc:
        names = ", ".join(workbook.sheetnames)
        raise _fail(path, f"feuille « {sheet} » absente (feuilles : {names})", f"no sheet {sheet!r}") from exc
    try:
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _file_kind(path: Path, data: bytes, declared: str | None) -> str:
    """csv or xlsx, from the declared format, else from the content, else from the file name's ending."""
    if data.startswith(OLE_MAGIC):
        raise _fail(
            path,
            "ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV",
            "old Excel format (.xls): save it as .xlsx or CSV",
        )
    kind = declared or ("xlsx" if data.startswith(ZIP_MAGIC) else path.suffix.lower().lstrip("."))
    if kind in {"csv", "txt", "tsv"}:
        return "csv"
    if kind in {"xlsx", "xlsm"}:
        return "xlsx"
    raise _fail(path, f"format « {kind} » non pris en charge (csv ou xlsx)", f"unsupported format {kind!r}")


def _header(path: Path, cells: list[str], rows: list[list[str]]) -> list[str]:
    header = [h.strip() for h in cells]
    for index, name in enumerate(header):
        if not name and any(index < len(r) and r[index].strip() for r in rows):
            header[index] = f"(colonne {column_letter(index)} sans titre)"
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name == ROW_COLUMN:
            raise _fail(path, f"nom de colonne réservé « {name} »", f"reserved column name {name!r}")
        if name in seen:
            raise _fail(
                path,
                f"l'en-tête « {name} » apparaît deux fois (colonnes {column_letter(seen[name])} et "
                f"{column_letter(index)})",
                f"header {name!r} appears twice",
            )
        seen[name] = index
    return header


def read_raw(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Every cell as text exactly as entered, plus ``source_row`` (the spreadsheet row, header = 1).

    Blank rows after the last filled one are not data; a blank row between data rows is kept (cleaning
    rejects it, so that raw rows = kept + rejected holds for what the user sees). Untitled columns with no
    content (trailing separators) are dropped; an untitled column with content is named after its letter.
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "fichier introuvable", "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise _fail(path, "fichier vide", "empty file")
    if _file_kind(path, data, format) == "xlsx":
        rows = _read_xlsx(path, sheet)
    else:
        rows = _read_csv(path, data, encoding, delimiter)
    filled = [i for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not filled:
        raise _fail(path, "fichier vide", "empty file")
    first, last = filled[0], filled[-1]
    body = rows[first + 1 : last + 1]
    header = _header(path, rows[first], body)
    keep = [i for i, name in enumerate(header) if name]
    records = []
    for number, row in enumerate(body, start=first + 2):
        extra = [i for i in range(len(header), len(row)) if row[i].strip()]
        if extra:
            raise _fail(
                path,
                f"ligne {number} : cellule remplie en colonne {column_letter(extra[0])}, au-delà du dernier en-tête",
                f"row {number} has a filled cell beyond the last header",
            )
        padded = [*row, *[""] * (len(header) - len(row))]
        records.append([*(padded[i] for i in keep), number])
    columns = [header[i] for i in keep]
    frame = pd.DataFrame(records, columns=[*columns, ROW_COLUMN])
    frame = frame.astype({c: "str" for c in columns} | {ROW_COLUMN: "int64"})
    frame.attrs[SOURCE_COLUMNS] = {header[i]: [header[i], column_letter(i)] for i in keep}
    return frame


def map_headers(raw: pd.DataFrame, codebook: Codebook, *, source: str) -> pd.DataFrame:
    """Rename raw headers to codebook variable names; unknown columns are kept and reported."""
    name_of = Path(source).name
    renames: dict[str, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for column in raw.columns:
        if column == ROW_COLUMN:
            continue
        name = codebook.header_lookup.get(normalize_header(column))
        if name is None:
            unknown.append(column)
            continue
        if name in seen:
            raise IngestError(
                f"{name_of} : les colonnes « {seen[name]} » et « {column} » désignent toutes deux la variable "
                f"{name} ; supprimez ou renommez l'une d'elles / both columns name variable {name} ({source})"
            )
        seen[name] = column
        renames[column] = name
    found = set(renames.values())
    missing = [n for n in codebook.names if n not in found]
    if codebook.id_variable not in found or len(found) < len(codebook.names) / 2:
        id_headers = ", ".join(f"« {h} »" for h in codebook.variable(codebook.id_variable).headers)
        raise IngestError(
            f"{name_of} : ce fichier ne ressemble pas au questionnaire « {codebook.title_fr} » (est-ce le bon "
            f"fichier ?) ; {len(found)} variables reconnues sur {len(codebook.names)} ; "
            f"variables absentes : {', '.join(missing)} ; colonnes non reconnues : {', '.join(unknown) or 'aucune'} "
            f"; le numéro d'identification est attendu sous l'un des en-têtes {id_headers} / wrong columns, "
            f"is this the right questionnaire? missing: {', '.join(missing)} ({source})"
        )
    for column in unknown:
        log.warning("%s : colonne « %s » inconnue du codebook, conservée telle quelle", name_of, column)
    if missing:
        log.warning("%s : variables absentes du fichier (laissées vides) : %s", name_of, ", ".join(missing))
    mapped = raw.rename(columns=renames)
    sources = raw.attrs.get(SOURCE_COLUMNS, {})
    mapped.attrs[SOURCE_COLUMNS] = {renames.get(c, c): where for c, where in sources.items()}
    return mapped


def _masked(value: str, missing: frozenset[str]) -> str:
    if not value.strip():
        return ""
    return value if normalize_value(value) in missing else MASK


def protect_identifiers(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The mapped cells with no direct identifier left in clear.

    A restricted cell becomes "" when empty, stays as is when it holds a missing code (« NSP » says nothing
    about anyone) and becomes « <masqué> » otherwise, so later steps know a contact was given without
    holding it. Free text and columns unknown to the codebook go through the identifier scrubber, since
    they end up in the rejects and no file under results/ may hold contact details.
    """
    frame = frame.copy()
    restricted = set(codebook.restricted)
    for column in frame.columns:
        if column == ROW_COLUMN or column == codebook.id_variable:
            continue
        variable = codebook.by_name.get(column)
        if column in restricted:
            missing = codebook.missing_codes_for(variable)
            frame[column] = frame[column].map(lambda v, m=missing: _masked(v, m)).astype("str")
        elif variable is None or variable.type == "text":
            frame[column] = frame[column].map(scrub_identifiers).astype("str")
    return frame


def read_restricted(path: str | Path, codebook: Codebook, **read_options: str | int | None) -> pd.DataFrame:
    """Identifier, source row and restricted columns in clear: only for the interview selection step."""
    frame = map_headers(read_raw(path, **read_options), codebook, source=str(path))
    columns = [codebook.id_variable, ROW_COLUMN, *[n for n in codebook.restricted if n in frame]]
    return frame[columns]


def ingest_file(
    raw_path: str | Path,
    output: str | Path,
    *,
    codebook_path: str | Path,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> None:
    """Read one data-entry file, map its headers, protect identifiers and write the cells as text Parquet."""
    codebook = load_codebook(codebook_path)
    raw = read_raw(raw_path, format=format, encoding=encoding, delimiter=delimiter, sheet=sheet)
    frame = protect_identifiers(map_headers(raw, codebook, source=str(raw_path)), codebook)
    log.info(
        "%s : %d lignes de données (lignes %s à %s du tableur), %d colonnes",
        Path(raw_path).name, len(frame),
        frame[ROW_COLUMN].min() if len(frame) else "-", frame[ROW_COLUMN].max() if len(frame) else "-",
        frame.shape[1] - 1,
    )
    write_parquet(frame, output)
