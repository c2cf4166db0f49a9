"""Validate ingested text cells against the codebook and type them.

Row-level problems send the row to the rejects with its raw cells and a reason (a fault of the row's shape
found on reading comes first); a cell-level problem turns that cell into a missing value and is logged
with its row and column. Raw rows = kept + rejected, always. Messages quote a cell only through
`privacy.shown` (scrubbed of identifiers, cut short).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, Variable, load_codebook, normalize_value
from assistmed.ingest import FAULT_COLUMN, MASK, SOURCE_COLUMNS
from assistmed.io import write_parquet
from assistmed.privacy import REMOVED, scrub_identifiers, shown
from assistmed.quality import nulled_cells, quality_summary

log = logging.getLogger("assistmed.clean")

MULTI_CODE = re.compile(r"^\s*\w+\s*(?:[;,/+]|\bet\b|\bou\b)\s*\w+")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# What a spreadsheet shows in a cell whose formula failed (French and English Excel, LibreOffice).
SPREADSHEET_ERROR = re.compile(
    r"#(?:N/?A|N/D|REF!|VALUE!|VALEUR!|DIV/0!|NAME\?|NOM\?|NUM!|NOMBRE!|NULL!|NUL!|CALC!|SPILL!|PROPAGATION!|"
    r"GETTING_DATA|ERR:\d+)",
    re.IGNORECASE,
)
# Date and time as LimeSurvey and spreadsheets write them; anything else (« now », « today ») is refused,
# never read against the clock of the run.
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S",
                    "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass
class CleanResult:
    clean: pd.DataFrame
    rejects: pd.DataFrame
    cell_issues: pd.DataFrame


class CellProblem(ValueError):
    """A cell that cannot be accepted; the row is kept and the cell becomes missing."""


def _parse_number(text: str) -> float:
    compact = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not NUMBER.fullmatch(compact) or not math.isfinite(float(compact)):
        raise CellProblem(f"nombre illisible : {shown(text)}")
    return float(compact)


def _parse_date(text: str) -> date:
    text = text.strip()
    for pattern, order in ((r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"), (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd")):
        match = re.fullmatch(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if order == "dmy" else parts[::-1]
            try:
                return date(year, month, day)
            except ValueError:
                raise CellProblem(f"date impossible : {shown(text)}") from None
    raise CellProblem(f"date illisible : {shown(text)} (attendu jj/mm/aaaa)")


def _parse_datetime(text: str) -> datetime:
    text = " ".join(text.split())
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise CellProblem(f"date et heure illisibles : {shown(text)} (attendu aaaa-mm-jj hh:mm:ss)")


def _check_range(variable: Variable, value, text: str, period: Mapping | None = None) -> None:
    """The codebook's range; for a date or a time without one, the survey's ``period`` (its days included)."""
    low, high = variable.range_min, variable.range_max
    if isinstance(value, date):
        if low is None and high is None and period:
            low, high = period.get("start"), period.get("end")
        low = date.fromisoformat(str(low)) if low is not None else None
        high = date.fromisoformat(str(high)) if high is not None else None
        day = value.date() if isinstance(value, datetime) else value
        if (low is not None and day < low) or (high is not None and day > high):
            raise CellProblem(
                f"date hors de la période de l'enquête : {shown(text)} (attendu du "
                f"{low:%d/%m/%Y} au {high:%d/%m/%Y})" if low and high else f"date hors de la période : {shown(text)}"
            )
    elif (low is not None and value < low) or (high is not None and value > high):
        raise CellProblem(f"valeur impossible : {shown(text, quoted=False)} (attendu entre {low} et {high})")


def _convert(variable: Variable, text: str, codebook: Codebook, period: Mapping | None = None):
    """The typed value of one non-missing cell, or CellProblem."""
    folded = normalize_value(text)
    if SPREADSHEET_ERROR.fullmatch(folded.upper()):
        raise CellProblem(f"erreur de formule du tableur : {shown(text)}")
    if variable.is_categorical:
        key = variable.key_for_code.get(folded)
        if key is not None:
            return key
        if MULTI_CODE.match(folded):
            raise CellProblem(f"plusieurs cases cochées pour une question à choix unique : {shown(text)}")
        codes = ", ".join(c.code for c in variable.codes)
        raise CellProblem(f"code {shown(text)} inconnu pour {variable.label_fr} (codes : {codes})")
    if variable.type == "checkbox":
        if folded in {normalize_value(v) for v in codebook.checked}:
            return True
        raise CellProblem(f"case à cocher illisible : {shown(text)}")
    if variable.type in {"numeric", "integer"}:
        value = _parse_number(text)
        if variable.type == "integer" and not value.is_integer():
            raise CellProblem(f"nombre entier attendu : {shown(text)}")
        _check_range(variable, value, text)
        return value
    if variable.type == "date":
        value = _parse_date(text)
        _check_range(variable, value, text, period)
        return value
    if variable.type == "datetime":
        value = _parse_datetime(text)
        _check_range(variable, value, text, period)
        return pd.Timestamp(value)
    if variable.type == "identifier":
        return " ".join(text.split())
    return scrub_identifiers(text.strip())


def _id_problem(ident: str, codebook: Codebook) -> str | None:
    """Why a questionnaire number cannot identify a row, or None."""
    if not ident or normalize_value(ident) in codebook.missing_codes_for(codebook.variable(codebook.id_variable)):
        return "numéro de questionnaire absent"
    if SPREADSHEET_ERROR.fullmatch(ident.upper()):
        return f"numéro de questionnaire illisible : {shown(ident)} (erreur de formule du tableur)"
    if REMOVED in ident:
        return "numéro de questionnaire illisible : des coordonnées y ont été saisies (retirées)"
    return None


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame({"source_row": pd.Series(dtype="int64"), "column": [], "value": [], "problem": []})


def _typed_column(variable: Variable, values: list) -> pd.Series:
    if variable.is_categorical:
        return pd.Series(pd.Categorical(values, categories=variable.keys, ordered=variable.ordered))
    if variable.type == "checkbox":
        return pd.Series(values, dtype="boolean")
    if variable.type in {"numeric", "integer"}:
        return pd.Series(values, dtype="Float64")
    if variable.type in {"date", "datetime"}:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")
    return pd.Series(values, dtype="object")


def clean_table(raw: pd.DataFrame, codebook: Codebook, *, source: str, period: Mapping | None = None) -> CleanResult:
    """Type every codebook variable of ``raw`` (ingested text cells) and sort rows into kept / rejected.

    ``period`` (``start``, ``end``: the survey's dates in the config) bounds the dates and times of the
    variables for which the codebook gives no range.
    """
    answer_vars = [
        v for v in codebook.variables if v.name != codebook.id_variable and v.name in raw and not v.restricted
    ]
    issues: list[dict] = []
    reasons: dict[int, str] = {}
    first_seen: dict[str, tuple[int, tuple]] = {}
    typed: dict[str, list] = {v.name: [] for v in codebook.variables if not v.restricted}
    checked_text = {normalize_value(v) for v in codebook.checked}
    unchecked_text = {normalize_value(v) for v in codebook.unchecked}

    for position, (_, row) in enumerate(raw.iterrows()):
        number = int(row["source_row"])
        ident = " ".join(str(row.get(codebook.id_variable, "")).split())
        answers = tuple(str(row[v.name]) for v in answer_vars)
        answered = [
            v for v in answer_vars
            if normalize_value(row[v.name]) not in codebook.missing_codes_for(v)
            and not (v.type == "checkbox" and normalize_value(row[v.name]) in unchecked_text)
        ]
        fault = str(row.get(FAULT_COLUMN, ""))
        if fault:
            reasons[position] = fault
        elif not ident and not any(str(cell).strip() for cell in row.drop(["source_row", FAULT_COLUMN], errors="ignore")):
            reasons[position] = "ligne vide"
        elif _id_problem(ident, codebook):
            reasons[position] = _id_problem(ident, codebook)
        elif ident in first_seen:
            earlier_row, earlier_answers = first_seen[ident]
            same = " (saisie en double, réponses identiques)" if earlier_answers == answers else ""
            reasons[position] = f"numéro de questionnaire {shown(ident, quoted=False)} déjà saisi ligne {earlier_row}{same}"
        elif not answered:
            reasons[position] = "ligne sans aucune réponse"
        if position in reasons:
            continue
        first_seen[ident] = (number, answers)
        row_values: dict[str, object] = {codebook.id_variable: ident}
        for v in answer_vars:
            text = str(row[v.name])
            folded = normalize_value(text)
            if folded in codebook.missing_codes_for(v) and not (v.type == "checkbox" and folded in checked_text):
                row_values[v.name] = False if v.type == "checkbox" else None
                continue
            if v.type == "checkbox" and folded in unchecked_text:
                row_values[v.name] = False
                continue
            try:
                row_values[v.name] = _convert(v, text, codebook, period)
            except CellProblem as problem:
                row_values[v.name] = None
                issues.append(
                    {"source_row": number, "column": v.name, "value": shown(text, 200, quoted=False), "problem": str(problem)}
                )
        missing_required = [v.label_fr for v in answer_vars if v.required and row_values[v.name] is None]
        if missing_required:
            reasons[position] = "réponse obligatoire absente ou invalide : " + ", ".join(missing_required)
            issues = [i for i in issues if i["source_row"] != number]
            continue
        for group in codebook.groups:
            members = [v.name for v in codebook.group_members(group) if v.name in row_values]
            if members and not any(row_values[m] for m in members):
                for m in members:
                    row_values[m] = None
        for name, values in typed.items():
            values.append(row_values.get(name))

    kept_positions = [p for p in range(len(raw)) if p not in reasons]
    clean = pd.DataFrame({"source_row": raw["source_row"].iloc[kept_positions].to_numpy(dtype="int64")})
    for v in codebook.variables:
        if not v.restricted:
            clean[v.name] = _typed_column(v, typed[v.name])
    # A way to call the respondent back: a phone number or an e-mail address given (a name alone is not one).
    present = [n for n in codebook.reachable_by if n in raw]
    clean["has_contact"] = raw[present].iloc[kept_positions].eq(MASK).any(axis=1).to_numpy(dtype=bool)
    reject_positions = sorted(reasons)
    rejects = raw.iloc[reject_positions].drop(columns=FAULT_COLUMN, errors="ignore").reset_index(drop=True).copy()
    rejects["reason"] = pd.Series([reasons[p] for p in reject_positions], dtype="object")
    cell_issues = pd.DataFrame(issues) if issues else _empty_issues()
    if len(raw) != len(clean) + len(rejects):
        raise AssertionError(f"{source}: {len(raw)} raw rows != {len(clean)} kept + {len(rejects)} rejected")
    return CleanResult(clean=clean, rejects=rejects, cell_issues=cell_issues)


def clean_file(
    raw: str | Path,
    clean: str | Path,
    rejects: str | Path,
    *,
    codebook_path: str | Path,
    extra_columns: Mapping[str, str] | None = None,
    nulled: str | Path | None = None,
    summary: str | Path | None = None,
    period: Mapping | None = None,
    distributed: int | None = None,
    distributed_key: str = "distributed",
    source: str | Path | None = None,
) -> None:
    """Clean one ingested file; write the kept rows and the rejected rows (with reasons) as Parquet, and
    when asked the nulled cells and the quality summary (``assistmed.quality``).

    Messages name ``source``, the data-entry file the rows were typed in, when it is given (the ingested
    file otherwise). A file of which no row is kept, or that keeps more questionnaires than ``distributed``
    (the config's ``distributed_key``) says were handed out, stops the job with that sentence.
    """
    codebook = load_codebook(codebook_path)
    ingested = pd.read_parquet(raw)
    where = Path(source or raw).name
    result = clean_table(ingested, codebook, source=str(source or raw), period=period)
    nulled_frame = nulled_cells(result.cell_issues, codebook, ingested.attrs.get(SOURCE_COLUMNS, {}))
    answered = [
        v.name for v in codebook.variables if v.name in ingested and v.name != codebook.id_variable and not v.restricted
    ]
    summary_frame = quality_summary(len(ingested), len(result.clean), result.rejects, nulled_frame, answered)
    for frame in (result.clean, result.rejects, nulled_frame, summary_frame):
        for position, (name, value) in enumerate((extra_columns or {}).items()):
            frame.insert(position, name, value)
    for issue in result.cell_issues.itertuples(index=False):
        log.warning("%s, ligne %d, colonne %s : %s", where, issue.source_row, issue.column, issue.problem)
    for reject in result.rejects.itertuples(index=False):
        log.warning("%s, ligne %d rejetée : %s", where, reject.source_row, reject.reason)
    log.info(
        "%s : %d lignes lues = %d conservées + %d rejetées ; %d cellules invalides mises à manquant",
        where, len(ingested), len(result.clean), len(result.rejects), len(result.cell_issues),
    )
    if result.clean.empty:
        raise ValueError(
            f"{where} : aucune ligne conservée ({len(result.rejects)} rejetées, motifs dans le journal) : "
            f"corrigez le fichier saisi / no row kept, every row was rejected ({source or raw})"
        )
    if distributed is not None and len(result.clean) > distributed:
        raise ValueError(
            f"{where} : {len(result.clean)} questionnaires conservés pour {distributed} distribués selon la "
            f"config ({distributed_key}) : corrigez ce nombre, ou retirez les lignes en trop / more questionnaires "
            f"kept than {distributed_key} = {distributed} ({source or raw})"
        )
    write_parquet(result.clean, clean)
    write_parquet(result.rejects, rejects)
    if nulled is not None:
        write_parquet(nulled_frame, nulled)
    if summary is not None:
        write_parquet(summary_frame, summary)
