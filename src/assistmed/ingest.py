"""Read a data-entry file (CSV as French Excel writes it, or .xlsx) into text cells, as entered.

Every cell is kept as text with the spreadsheet row number a user sees (header = row 1), so that a later
error can name the file, the row and the column. Direct identifiers never leave this step in clear.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook, normalize_header
from assistmed.io import write_parquet

log = logging.getLogger("assistmed.ingest")

MASK = "<masqué>"
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ";,\t"


class IngestError(ValueError):
    """A file that cannot be read as the expected questionnaire; the message names the file."""


def _fail(path: Path | str, fr: str, en: str) -> IngestError:
    return IngestError(f"{Path(path).name} : {fr} / {en} ({path})")


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    for enc in (encoding,) if encoding else ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
        except LookupError as exc:
            raise _fail(path, f"encodage inconnu « {enc} »", f"unknown encoding {enc!r}") from exc
    raise _fail(path, "encodage illisible", f"cannot be decoded as {encoding or ' or '.join(ENCODINGS)}")


def _read_csv(path: Path, encoding: str | None, delimiter: str | None) -> list[list[str]]:
    data = path.read_bytes()
    if b"\x00" in data:
        raise _fail(path, "ce n'est pas un tableur texte (CSV)", "not a text spreadsheet (CSV)")
    text = _decode(path, data, encoding)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=DELIMITERS).delimiter
        except csv.Error as exc:
            raise _fail(path, "séparateur de colonnes introuvable", "no column separator found") from exc
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
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
        raise _fail(path, f"feuille « {sheet} » absente", f"no sheet {sheet!r}") from exc
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_raw(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Every cell as text exactly as entered, plus ``source_row`` (the spreadsheet row, header = 1)."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "fichier introuvable", "file not found")
    kind = format or path.suffix.lower().lstrip(".")
    if kind == "xlsx":
        rows = _read_xlsx(path, sheet)
    elif kind in {"csv", "txt"}:
        rows = _read_csv(path, encoding, delimiter)
    else:
        raise _fail(path, f"format « {kind} » non pris en charge (csv ou xlsx)", f"unsupported format {kind!r}")
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _fail(path, "fichier vide ou sans ligne d'en-tête", "empty file or no header row")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise _fail(path, f"ligne {number} : plus de cellules que d'en-têtes", f"row {number} has more cells than headers")
        records.append([*row[:width], *[""] * (width - len(row)), number])
    frame = pd.DataFrame(records, columns=[*header, "source_row"])
    frame = frame.astype({h: "object" for h in header})
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame


def map_headers(raw: pd.DataFrame, codebook: Codebook, *, source: str) -> pd.DataFrame:
    """Rename raw headers to codebook variable names; unknown columns are kept and reported."""
    renames: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column in raw.columns:
        if column == "source_row":
            continue
        name = codebook.header_lookup.get(normalize_header(column))
        if name is None:
            log.warning("%s : colonne « %s » inconnue du codebook, conservée telle quelle", source, column)
            continue
        if name in seen:
            raise IngestError(
                f"{Path(source).name} : les colonnes « {seen[name]} » et « {column} » désignent toutes deux "
                f"la variable {name} / both columns name variable {name} ({source})"
            )
        seen[name] = column
        renames[column] = name
    found = set(renames.values())
    missing = [n for n in codebook.names if n not in found]
    if codebook.id_variable not in found or len(found) < len(codebook.names) / 2:
        raise IngestError(
            f"{Path(source).name} : ce fichier ne ressemble pas au questionnaire « {codebook.name} » ; "
            f"variables absentes : {', '.join(missing)} / wrong columns, missing: {', '.join(missing)} ({source})"
        )
    if missing:
        log.warning("%s : variables absentes du fichier (laissées vides) : %s", source, ", ".join(missing))
    return raw.rename(columns=renames)


def mask_restricted(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Replace direct identifiers by a placeholder that only says whether something was entered."""
    frame = frame.copy()
    for name in codebook.restricted:
        if name in frame:
            frame[name] = frame[name].map(lambda v: MASK if str(v).strip() else "")
    return frame


def read_restricted(path: str | Path, codebook: Codebook, **read_options) -> pd.DataFrame:
    """Identifier, source row and restricted columns in clear: only for the interview selection step."""
    frame = map_headers(read_raw(path, **read_options), codebook, source=str(path))
    columns = [codebook.id_variable, "source_row", *[n for n in codebook.restricted if n in frame]]
    return frame[columns]


def ingest_file(
    raw_path: str | Path,
    output: str | Path,
    *,
    codebook_path: str | Path,
    **read_options: str | int,
) -> None:
    """Read one data-entry file, map its headers, mask identifiers and write the cells as text Parquet."""
    codebook = load_codebook(codebook_path)
    raw = read_raw(raw_path, **read_options)
    frame = mask_restricted(map_headers(raw, codebook, source=str(raw_path)), codebook)
    log.info("%s : %d lignes de données, %d colonnes", raw_path, len(frame), frame.shape[1] - 1)
    write_parquet(frame, output)
