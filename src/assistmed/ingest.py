"""Read a data-entry file (CSV as French Excel writes it, or .xlsx) into text cells, as entered.

Every cell is kept as text with the spreadsheet row number a user sees (header = 1), so that a later
error can name the file, the row and the column. What was in the file is counted, not what a parser made
of it: every text line below the header is one spreadsheet row or the continuation of a comment typed on
several lines (bounded, and never a line that looks like a row of its own). A fault that concerns one row
(a quote left open, too few cells, a cell beyond the last header, a cell longer than Excel allows) is
recorded in ``row_fault`` and the cleaning step sends that row to the rejects with it; only a fault of the
whole file stops the job.

Only codebook columns go past this step: an unknown column is reported by its header, its cells are not
kept; a header that looks like contact details is read as the codebook's restricted variable of that kind,
or stops the job. Direct identifiers never leave this step in clear: restricted columns are masked and
every other cell goes through the identifier scrubber.
"""

from __future__ import annotations

import csv
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook, normalize_header, normalize_value
from assistmed.io import write_parquet
from assistmed.privacy import contact_kind, scrub_identifiers, shown

log = logging.getLogger("assistmed.ingest")

MASK = "<masqué>"
ROW_COLUMN = "source_row"
FAULT_COLUMN = "row_fault"
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
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Excel's own limit on a cell: nothing typed in a spreadsheet is longer.
MAX_CELL_CHARS = 32_767
# What an over-long cell keeps in the rejects.
KEPT_CHARS = 200
# A cell typed on several lines (Alt+Entrée in Excel, a long answer in LimeSurvey) is a comment: a few
# paragraphs at most. The row-like-line test below catches a stray quote; these bounds catch what it cannot.
MAX_MULTILINE_LINES = 50
MAX_MULTILINE_CHARS = 10_000
# An .xlsx is a zip: what it unpacks to is bounded before anything reads it (a few thousand questionnaires
# take a few megabytes; a crafted file can unpack to gigabytes).
MAX_XLSX_BYTES = 64 * 1024 * 1024
CONTACT_KINDS_FR = {"name": "nom", "phone": "téléphone", "email": "adresse e-mail", "address": "adresse postale"}


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


def _line_list(numbers: list[int], limit: int = 10) -> str:
    shown_numbers = ", ".join(str(n) for n in numbers[:limit])
    return shown_numbers + (f" … ({len(numbers)} lignes)" if len(numbers) > limit else "")


@dataclass
class _Record:
    """One spreadsheet row as read: its cells, the text lines it spans and its fault ("" when none)."""

    cells: list[str]
    lines: int = 1
    fault: str = ""
    # A workbook's cells sit in their columns: a cell beyond the last header does not shift the others.
    in_columns: bool = False


def _decode_lines(path: Path, data: bytes) -> str:
    """A cp1252 file in which some lines were pasted as UTF-8: each line in the encoding it is in.

    A line that decodes as UTF-8 and holds a multi-byte character is UTF-8 (French cp1252 text almost
    never is valid UTF-8); every other line is cp1252. The UTF-8 lines are logged.
    """
    parts, utf8_lines = [], []
    for number, chunk in enumerate(re.findall(rb"[^\n]*\n|[^\n]+$", data), start=1):
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            parts.append(chunk.decode("cp1252"))
            continue
        if any(ord(ch) > 127 for ch in text):
            utf8_lines.append(number)
        parts.append(text)
    if utf8_lines:
        log.warning(
            "%s : fichier en cp1252 dont les lignes %s sont en UTF-8 (lues en UTF-8) / cp1252 file with UTF-8 lines",
            path.name, _line_list(utf8_lines),
        )
    return "".join(parts)


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    try:
        if encoding:
            text = data.decode(encoding)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = _decode_lines(path, data.removeprefix(b"\xef\xbb\xbf"))
    except UnicodeDecodeError:
        text = None
    except LookupError as exc:
        raise _fail(path, f"encodage inconnu « {encoding} »", f"unknown encoding {encoding!r}") from exc
    if text is None or CONTROL.search(text):
        raise _fail(
            path,
            "fichier illisible : ce n'est pas un tableau texte (CSV) dans un encodage connu",
            f"cannot be read: not a text (CSV) table in {encoding or ' or '.join(ENCODINGS)}",
        )
    return text.removeprefix("\ufeff")


def _sniff_delimiter(lines: list[str]) -> str:
    """The candidate whose header has most columns among those whose data rows mostly agree with it."""
    best, best_score = DELIMITERS[0], (0, 0)
    for candidate in DELIMITERS:
        rows = []
        try:
            rows.extend(r for r in islice(csv.reader(lines, delimiter=candidate), SNIFF_ROWS) if r)
        except csv.Error:  # a faulty row (reported when the file is read): judge on the rows before it
            pass
        if not rows or len(rows[0]) < 2:
            continue
        agreeing = sum(len(r) == len(rows[0]) for r in rows[1:])
        score = (agreeing * 2 >= len(rows) - 1, len(rows[0]))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _quote_fault(exc: csv.Error | None, swallows_rows: bool, at_end: bool) -> str:
    """Why a row whose quotes do not close as a comment's would is a fault, and how to fix it."""
    if exc is not None and "expected after" in str(exc):
        return "guillemets mal placés (un guillemet fermant suivi d'autres caractères) : corrigez la cellule"
    if swallows_rows:
        where = "la cellule engloberait les lignes suivantes, qui ressemblent à des questionnaires"
    elif at_end:
        where = "la cellule irait jusqu'à la fin du fichier"
    else:
        where = f"la cellule engloberait plus de {MAX_MULTILINE_LINES} lignes"
    return f"guillemet ouvert et jamais refermé ({where}) : ajoutez le guillemet fermant ou retirez le guillemet ouvrant"


def _csv_records(name: str, text: str, delimiter: str | None) -> list[_Record]:
    """The rows of a CSV text, each with the number of text lines it spans."""
    lines = LINE.findall(text)
    # No cell can be longer than the file: the csv module's own limit (128 KiB) would fail without naming
    # the column; the over-long cell is reported by _row_faults instead.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return _parse_csv_lines(name, lines, delimiter or _sniff_delimiter(lines[: SNIFF_ROWS * 2]))
    finally:
        csv.field_size_limit(limit)


def _parse_csv_lines(name: str, lines: list[str], delimiter: str) -> list[_Record]:
    """One record per row, read from the text line where the row starts.

    A quoted cell may run over several lines only as a comment does: at most MAX_MULTILINE_LINES lines and
    MAX_MULTILINE_CHARS characters, and no continuation line carrying as many separators as a row of its
    own. Otherwise the quote is a typing fault: that one line becomes a faulty row and reading resumes at
    the next line, so that a stray « " » never swallows the questionnaires below it.
    """
    records: list[_Record] = []
    row_like = 3  # separators that make a line look like a row of its own; half the header's once it is read
    header_seen = False
    start = 0
    while start < len(lines):
        window = lines[start : start + MAX_MULTILINE_LINES]
        reader = csv.reader(window, delimiter=delimiter, strict=True)
        fault, error = "", None
        try:
            cells = next(reader, [])
            span = reader.line_num
        except csv.Error as exc:
            error, span = exc, len(window)
        swallows_rows = any(line.count(delimiter) >= row_like for line in window[1:span])
        if error or (span > 1 and swallows_rows):
            fault = _quote_fault(error, swallows_rows, at_end=start + len(window) == len(lines))
        elif span > 1 and sum(map(len, window[:span])) > MAX_MULTILINE_CHARS:
            fault = f"cellule sur {span} lignes de plus de {_count(MAX_MULTILINE_CHARS)} caractères (guillemet oublié ?)"
        if fault:
            records.append(_Record(cells=window[0].rstrip("\r\n").split(delimiter), fault=fault))
            start += 1
            continue
        if not header_seen and any(c.strip() for c in cells):
            header_seen, row_like = True, max(3, len(cells) // 2)
        records.append(_Record(cells=cells, lines=span))
        start += span
    if lines and not lines[-1].endswith(("\n", "\r")) and records and records[-1].cells[-1:] not in ([], [""]):
        log.warning(
            "%s : la dernière ligne ne se termine pas par un retour à la ligne ; vérifiez que sa dernière cellule est "
            "complète (fichier coupé ?) / the last line has no line ending: was the file cut?", name,
        )
    return records


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


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose members declare more than MAX_XLSX_BYTES unpacked.

    The declared sizes bind: Python's zipfile never unpacks a member beyond its declared size (it stops
    there and the checksum fails), so a member that lies about its size cannot get past this check.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _fail(path, "classeur Excel illisible", f"not a readable .xlsx workbook ({exc})") from exc
    if unpacked > MAX_XLSX_BYTES:
        raise _fail(
            path,
            f"classeur de {unpacked / 1024**2:.0f} Mo une fois décompressé (au plus {MAX_XLSX_BYTES // 1024**2} Mo) : "
            "enregistrez la feuille des questionnaires seule, en .xlsx ou en CSV",
            f"workbook unpacks to {unpacked / 1024**2:.0f} MB (limit {MAX_XLSX_BYTES // 1024**2} MB)",
        )


def _sheet_rows(worksheet) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """The sheet's cells as text, and where formulas are (row, column), 1-based row and 0-based column."""
    rows, formulas = [], []
    for number, row in enumerate(worksheet.iter_rows(), start=1):
        cells = []
        for column, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((number, column))
                cells.append("")
            else:
                cells.append(_cell_text(cell.value))
        rows.append(cells)
    return rows, formulas


def _filled_width(worksheet) -> int:
    """The largest number of filled cells in one row of a sheet."""
    rows = worksheet.iter_rows(values_only=True)
    return max((sum(v is not None and str(v).strip() != "" for v in row) for row in rows), default=0)


def _read_xlsx(path: Path, sheet: str | int | None) -> list[_Record]:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
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
        names = ", ".join(shown(n) for n in workbook.sheetnames)
        workbook.close()
        raise _fail(path, f"feuille {shown(sheet)} absente (feuilles : {names})", f"no sheet {sheet!r}") from exc
    try:
        rows, formulas = _sheet_rows(ws)
        width = max((sum(c.strip() != "" for c in r) for r in rows), default=0)
        others = [
            other.title for other in workbook.worksheets
            if other.title != ws.title and _filled_width(other) >= max(2, width // 2)
        ]
    finally:
        workbook.close()
    if others:
        listed = ", ".join(shown(name) for name in others)
        if sheet is None:
            raise _fail(
                path,
                f"des questionnaires semblent continuer sur d'autres feuilles ({listed}) alors que seule la feuille "
                f"{shown(ws.title)} est lue : réunissez-les sur une seule feuille, ou indiquez la feuille à lire "
                "(clé « sheet » de ce fichier dans la config)",
                "other sheets hold rows as wide as the questionnaire's: merge them or set the file's « sheet » key",
            )
        log.warning(
            "%s : feuilles %s non lues (la config désigne la feuille %s) / sheets not read", path.name, listed, shown(ws.title)
        )
    if formulas:
        _fill_formula_results(path, ws.title, rows, formulas)
    return [_Record(cells=cells, in_columns=True) for cells in rows]


def _fill_formula_results(path: Path, title: str, rows: list[list[str]], formulas: list[tuple[int, int]]) -> None:
    """Replace each formula by the result Excel stored with it; log, by column, formulas without one."""
    from openpyxl import load_workbook

    wanted = set(formulas)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for number, row in enumerate(workbook[title].iter_rows(values_only=True), start=1):
            for column, value in enumerate(row):
                if (number, column) in wanted and value is not None:
                    rows[number - 1][column] = _cell_text(value)
                    wanted.discard((number, column))
    finally:
        workbook.close()
    by_column: dict[int, list[int]] = {}
    for number, column in sorted(wanted):
        by_column.setdefault(column, []).append(number)
    for column, numbers in by_column.items():
        log.warning(
            "%s, colonne %s : formules sans résultat enregistré, lues comme vides (lignes %s) ; ouvrez le fichier dans "
            "Excel et enregistrez-le / formulas without a stored result read as blank",
            path.name, column_letter(column), _line_list(numbers),
        )


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


def _header(path: Path, cells: list[str], rows: list[_Record]) -> list[str]:
    header = [h.strip() for h in cells]
    for index, name in enumerate(header):
        if not name and any(index < len(r.cells) and r.cells[index].strip() for r in rows if not r.fault):
            header[index] = f"(colonne {column_letter(index)} sans titre)"
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in (ROW_COLUMN, FAULT_COLUMN):
            raise _fail(path, f"nom de colonne réservé « {name} »", f"reserved column name {name!r}")
        if name in seen:
            raise _fail(
                path,
                f"l'en-tête {shown(name)} apparaît deux fois (colonnes {column_letter(seen[name])} et "
                f"{column_letter(index)})",
                "a header appears twice",
            )
        seen[name] = index
    return header


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _row_faults(record: _Record, header: list[str], width: int) -> tuple[list[str], bool]:
    """What is wrong with one row's shape, and whether its cells still line up with the header.

    A row of a text file with more cells than the header (a separator too many) or fewer than it needs (a
    separator lost, a file cut short) cannot be lined up: any of its cells may sit under the wrong header.
    """
    if record.fault:  # the line could not be read as a row: its cells say nothing more
        return [record.fault], False
    faults = []
    cells = record.cells
    aligned = True
    extra = [i for i in range(len(header), len(cells)) if cells[i].strip()]
    if extra:
        faults.append(
            f"cellule remplie en colonne {column_letter(extra[0])}, au-delà du dernier en-tête (ligne décalée ?)"
        )
        aligned = record.in_columns
    if len(cells) < width and any(c.strip() for c in cells) and not record.in_columns:
        faults.append(
            f"{len(cells)} cellules pour {width} colonnes : ligne incomplète (fichier coupé ou séparateur effacé ?)"
        )
        aligned = False
    for index, cell in enumerate(cells[: len(header)]):
        if len(cell) > MAX_CELL_CHARS:
            faults.append(
                f"colonne {column_letter(index)} : cellule de {_count(len(cell))} caractères, plus que les "
                f"{_count(MAX_CELL_CHARS)} qu'accepte Excel"
            )
    return faults, aligned


def read_raw(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Every cell as text exactly as entered, plus ``source_row`` (the spreadsheet row, header = 1) and
    ``row_fault`` (what is wrong with the row's shape, "" when nothing).

    Blank rows after the last filled one are not data; a blank row between data rows is kept (cleaning
    rejects it, so that raw rows = kept + rejected holds for what the user sees). Untitled columns with no
    content (trailing separators) are dropped; an untitled column with content is named after its letter.
    A faulty row whose cells cannot be aligned with the header keeps none of them (they could hold contact
    details in the wrong column). The log accounts for every text line below the header.
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "fichier introuvable", "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise _fail(path, "fichier vide", "empty file")
    if _file_kind(path, data, format) == "xlsx":
        records = _read_xlsx(path, sheet)
    else:
        records = _csv_records(path.name, _decode(path, data, encoding), delimiter)
    filled = [i for i, r in enumerate(records) if any(cell.strip() for cell in r.cells)]
    if not filled:
        raise _fail(path, "fichier vide", "empty file")
    first, last = filled[0], filled[-1]
    if records[first].fault:
        raise _fail(path, f"en-tête illisible : {records[first].fault}", "the header row cannot be read")
    body = records[first + 1 : last + 1]
    if not body:
        raise _fail(
            path,
            "l'en-tête est là mais aucune ligne de données ne suit : saisissez les questionnaires sous l'en-tête",
            "a header and no data row",
        )
    header = _header(path, records[first].cells, body)
    keep = [i for i, name in enumerate(header) if name]
    width = keep[-1] + 1
    rows, faults = [], []
    for record in body:
        problems, aligned = _row_faults(record, header, width)
        cells = [*record.cells, *[""] * (len(header) - len(record.cells))] if aligned else [""] * len(header)
        rows.append([cells[i] if len(cells[i]) <= MAX_CELL_CHARS else cells[i][:KEPT_CHARS] + "…" for i in keep])
        faults.append(" ; ".join(problems))
    numbers = range(first + 2, first + 2 + len(body))
    columns = [header[i] for i in keep]
    frame = pd.DataFrame(rows, columns=columns).astype("str")
    frame[ROW_COLUMN] = pd.Series(numbers, dtype="int64")
    frame[FAULT_COLUMN] = pd.Series(faults, dtype="str")
    frame.attrs[SOURCE_COLUMNS] = {header[i]: [header[i], column_letter(i)] for i in keep}
    lines = sum(r.lines for r in body)
    log.info(
        "%s : %d lignes sous l'en-tête = %d lignes du tableur + %d lignes de suite de cellules sur plusieurs lignes ;"
        " %d en défaut (rejetées avec leur motif)",
        path.name, lines, len(body), lines - len(body), sum(bool(f) for f in faults),
    )
    return frame


def _contact_columns(
    contact_like: list[tuple[str, str]], codebook: Codebook, found: dict[str, list[str]], name_of: str, source: str
) -> None:
    """Read each column whose header announces contact details as the restricted variable of its kind.

    Several columns of one kind (« Nom » and « Prénom », a landline and a mobile) are joined into that
    variable. A kind the codebook has no restricted variable for stops the job: its cells would otherwise
    be dropped without anyone knowing (or, worse, kept).
    """
    for column, kind in contact_like:
        targets = [v.name for v in codebook.variables if v.restricted and v.contact == kind]
        if len(targets) != 1:
            raise IngestError(
                f"{name_of} : la colonne {shown(column)} semble contenir des coordonnées ({CONTACT_KINDS_FR[kind]}) "
                f"mais le codebook {codebook.source or codebook.name} ne la nomme pas : ajoutez cet en-tête aux "
                f"« headers » de la variable restreinte qui convient (restricted: true, contact: {kind}), ou retirez "
                f"la colonne du fichier / a column looks like contact details ({kind}) that the codebook does not "
                f"name ({source})"
            )
        found.setdefault(targets[0], []).append(column)
        log.warning(
            "%s : colonne %s lue comme %s (en-tête reconnu comme des coordonnées) ; ajoutez cet en-tête au codebook "
            "pour ne plus voir ce message", name_of, shown(column), codebook.variable(targets[0]).label_fr,
        )


def _required_columns(codebook: Codebook) -> dict[str, str]:
    """Variable (or group) → the indicator that needs it: a file without it would leave the indicator empty."""
    required: dict[str, str] = {}
    for indicator in codebook.indicators:
        if indicator.kind == "response_rate":
            continue
        required.setdefault(indicator.group or indicator.variable, indicator.label_fr)
    return required


def map_headers(raw: pd.DataFrame, codebook: Codebook, *, source: str) -> pd.DataFrame:
    """Keep the codebook's columns, renamed to its variable names; drop the others, naming their headers.

    A file without the identifier or without a column an indicator needs is refused with the column named.
    """
    name_of = Path(source).name
    found: dict[str, list[str]] = {}
    unknown: list[str] = []
    contact_like: list[tuple[str, str]] = []
    for column in raw.columns:
        if column in (ROW_COLUMN, FAULT_COLUMN):
            continue
        name = codebook.header_lookup.get(normalize_header(column))
        if name is not None:
            if name in found:
                raise IngestError(
                    f"{name_of} : les colonnes {shown(found[name][0])} et {shown(column)} désignent toutes deux la "
                    f"variable {name} ; supprimez ou renommez l'une d'elles / both columns name variable {name} ({source})"
                )
            found[name] = [column]
        elif contact_kind(column):
            contact_like.append((column, contact_kind(column)))
        else:
            unknown.append(column)
    _contact_columns(contact_like, codebook, found, name_of, source)
    missing = [n for n in codebook.names if n not in found]
    if codebook.id_variable not in found or len(found) < len(codebook.names) / 2:
        id_headers = ", ".join(f"« {h} »" for h in codebook.variable(codebook.id_variable).headers)
        raise IngestError(
            f"{name_of} : ce fichier ne ressemble pas au questionnaire « {codebook.title_fr} » (est-ce le bon "
            f"fichier ?) ; {len(found)} variables reconnues sur {len(codebook.names)} ; "
            f"variables absentes : {', '.join(missing)} ; colonnes non reconnues : "
            f"{', '.join(shown(c) for c in unknown) or 'aucune'} ; le numéro d'identification est attendu sous l'un "
            f"des en-têtes {id_headers} / wrong columns, is this the right questionnaire? missing: {', '.join(missing)} "
            f"({source})"
        )
    groups = {v.group for v in codebook.variables if v.group and v.name in found}
    for needed, indicator in _required_columns(codebook).items():
        if needed in found or needed in groups:
            continue
        members = [needed] if needed in codebook.by_name else [v.name for v in codebook.group_members(needed)]
        headers = ", ".join(f"« {h} »" for m in members for h in codebook.variable(m).headers[:2])
        raise IngestError(
            f"{name_of} : colonne absente : {codebook.variable(members[0]).label_fr} (nécessaire à l'indicateur "
            f"« {indicator} ») ; ajoutez-la, vide si la question n'a pas été posée, sous l'un des en-têtes {headers} "
            f"/ missing column {needed}, needed by an indicator ({source})"
        )
    for column in unknown:
        log.warning(
            "%s : colonne %s inconnue du codebook, ignorée (ses cellules ne sont pas lues) / unknown column dropped",
            name_of, shown(column),
        )
    if missing:
        log.warning("%s : variables absentes du fichier (laissées vides) : %s", name_of, ", ".join(missing))
    columns = {}
    for name in (n for n in codebook.names if n in found):
        joiner = " " if codebook.variable(name).contact == "name" else " / "
        parts = [raw[column].astype(str).tolist() for column in found[name]]
        columns[name] = [joiner.join(v.strip() for v in cells if v.strip()) for cells in zip(*parts)] if len(
            parts
        ) > 1 else parts[0]
    columns[ROW_COLUMN] = raw[ROW_COLUMN].to_numpy(dtype="int64")
    columns[FAULT_COLUMN] = raw[FAULT_COLUMN].tolist() if FAULT_COLUMN in raw else [""] * len(raw)
    mapped = pd.DataFrame(columns, index=raw.index).astype({c: "str" for c in columns if c != ROW_COLUMN})
    # Where each variable was typed (a joined contact variable: where its first column was).
    sources = raw.attrs.get(SOURCE_COLUMNS, {})
    mapped.attrs[SOURCE_COLUMNS] = {name: sources[found[name][0]] for name in found if found[name][0] in sources}
    return mapped


def _masked(value: str, missing: frozenset[str]) -> str:
    if not value.strip():
        return ""
    return value if normalize_value(value) in missing else MASK


def protect_identifiers(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The mapped cells with no direct identifier left in clear.

    A restricted cell becomes "" when empty, stays as is when it holds a missing code (« NSP » says nothing
    about anyone) and becomes « <masqué> » otherwise, so later steps know a contact was given without
    holding it. Every other cell goes through the identifier scrubber, the questionnaire number included:
    a phone number typed in the wrong column is removed like one in a comment.
    """
    restricted = set(codebook.restricted)
    columns = {}
    for column in frame.columns:
        values = frame[column].tolist()
        if column in restricted:
            missing = codebook.missing_codes_for(codebook.variable(column))
            values = [_masked(v, missing) for v in values]
        elif column not in (ROW_COLUMN, FAULT_COLUMN):
            values = [scrub_identifiers(v) for v in values]
        columns[column] = values
    protected = pd.DataFrame(columns, index=frame.index).astype(frame.dtypes.to_dict())
    protected.attrs = dict(frame.attrs)
    return protected


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
    """Read one data-entry file, keep its codebook columns, protect identifiers and write the cells as text."""
    codebook = load_codebook(codebook_path)
    raw = read_raw(raw_path, format=format, encoding=encoding, delimiter=delimiter, sheet=sheet)
    frame = protect_identifiers(map_headers(raw, codebook, source=str(raw_path)), codebook)
    log.info(
        "%s : %d lignes de données (lignes %s à %s du tableur), %d colonnes du codebook",
        Path(raw_path).name, len(frame), frame[ROW_COLUMN].min(), frame[ROW_COLUMN].max(), frame.shape[1] - 2,
    )
    write_parquet(frame, output)
