"""The interview coding grid: validated like every input, then summarised per theme for the pooled report.

A grid has one row per coded excerpt: an interview appears on several rows (one per excerpt, possibly
several for one theme). A theme's count is the number of distinct interviews that raised it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from assistmed.clean import CleanResult, clean_table
from assistmed.codebook import Codebook, load_codebook, normalize_value
from assistmed.ingest import FAULT_COLUMN, map_headers, protect_identifiers, read_raw
from assistmed.io import write_parquet
from assistmed.privacy import scrub_identifiers

log = logging.getLogger("assistmed.qual")

THEME, ORIGIN, EXCERPT = "theme", "origin", "excerpt"
SUMMARY_COLUMNS = ["theme", "label", "origin", "n_interviews", "n_total", "excerpts"]
MAX_EXCERPTS = 3
MAX_EXCERPT_CHARS = 200
ELLIPSIS = " […]"


def clean_grid(raw: pd.DataFrame, codebook: Codebook, *, source: str) -> CleanResult:
    """Type a grid (ingested text cells with codebook names) and reject rows without interview or theme.

    Reasons name what is wrong: the interview id or the theme absent, or the theme's code unknown (with the
    codes allowed). A bad origin code only becomes missing, as any cell-level problem.
    """
    ident = codebook.id_variable
    id_missing = codebook.missing_codes_for(codebook.variable(ident))
    ids = raw[ident].map(lambda v: " ".join(str(v).split()))
    # A row with a fault of its shape goes through the generic step, which rejects it with that fault.
    faulty = raw[FAULT_COLUMN].astype(bool) if FAULT_COLUMN in raw else pd.Series(False, index=raw.index)
    no_id = (ids.map(normalize_value).isin(id_missing) & ~faulty).to_numpy()
    # The generic cleaning rejects a repeated identifier (one questionnaire, one row); a grid repeats the
    # interview id on purpose, so that step sees a per-row key and the interview id is put back after.
    keyed = raw[~no_id].assign(**{ident: raw.loc[~no_id, "source_row"].astype(str)})
    result = clean_table(keyed, codebook, source=source)
    id_of_row = dict(zip(raw["source_row"], ids))
    raw_id_of_row = dict(zip(raw["source_row"], raw[ident]))

    clean = result.clean.assign(**{ident: result.clean["source_row"].map(id_of_row)})
    theme_label = codebook.variable(THEME).label_fr
    problems = result.cell_issues[result.cell_issues["column"] == THEME].set_index("source_row")["problem"]
    no_theme = clean[THEME].isna().to_numpy()
    theme_reasons = {row: problems.get(row, f"{theme_label} : absent") for row in clean.loc[no_theme, "source_row"]}
    kept_issues = result.cell_issues[~result.cell_issues["source_row"].isin(theme_reasons)].reset_index(drop=True)

    id_label = codebook.variable(ident).label_fr
    rejects = pd.concat(
        [
            raw[no_id].assign(reason=f"{id_label} : absent"),
            raw[raw["source_row"].isin(theme_reasons)].assign(reason=lambda f: f["source_row"].map(theme_reasons)),
            result.rejects.assign(**{ident: result.rejects["source_row"].map(raw_id_of_row)}),
        ],
        ignore_index=True,
    )
    rejects = rejects.drop(columns=FAULT_COLUMN, errors="ignore").sort_values("source_row", kind="stable")
    rejects = rejects.reset_index(drop=True)
    rejects["reason"] = rejects["reason"].astype("object")
    clean = clean[~no_theme].reset_index(drop=True)
    if len(raw) != len(clean) + len(rejects):
        raise AssertionError(f"{source}: {len(raw)} raw rows != {len(clean)} kept + {len(rejects)} rejected")
    return CleanResult(clean=clean, rejects=rejects, cell_issues=kept_issues)


def read_grid(path: str | Path, codebook: Codebook, **read_options) -> CleanResult:
    """Read a grid file (CSV or .xlsx, detected as for questionnaires) and clean it.

    Free text is scrubbed of identifiers on reading, as for questionnaires, so rejected rows hold none.
    """
    raw = protect_identifiers(map_headers(read_raw(path, **read_options), codebook, source=str(path)), codebook)
    return clean_grid(raw, codebook, source=str(path))


def shorten(text: str, limit: int = MAX_EXCERPT_CHARS) -> str:
    """At most ``limit`` characters plus « […] », cut at a word boundary (a word is never split)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    boundary = cut.rfind(" ")
    cut = cut[:boundary] if boundary > 0 else text[:limit]
    return re.sub(r"[\s,;:.–—-]+$", "", cut) + ELLIPSIS


def _origin(values: pd.Series, theme: str) -> str | None:
    """The theme's origin as most rows record it (a tie goes to the interview guide: predefined).

    Coders disagreeing is logged with the counts, so that it can be corrected in the grid.
    """
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return None
    if len(counts) > 1:
        log.warning("thème %s : origine notée différemment selon les lignes (%s)", theme, dict(counts))
    top = sorted(counts[counts == counts.max()].index)
    return "predefined" if "predefined" in top else top[0]


def theme_summary(
    grid: pd.DataFrame, codebook: Codebook, *, max_excerpts: int = MAX_EXCERPTS, max_chars: int = MAX_EXCERPT_CHARS
) -> pd.DataFrame:
    """One row per theme raised: ``theme`` (key), ``label`` (French), ``origin`` (key), ``n_interviews``
    (distinct interviews raising it), ``n_total`` (distinct interviews in the grid) and ``excerpts``.

    Excerpts: up to ``max_excerpts``, from different interviews in grid order, scrubbed of identifiers and
    shortened at a word boundary. Themes come by decreasing count, then in codebook order.
    """
    ident = codebook.id_variable
    variable = codebook.variable(THEME)
    total = int(grid[ident].nunique())
    rows = []
    for key in variable.keys:
        part = grid[grid[THEME].astype("object") == key]
        if part.empty:
            continue
        excerpts: list[str] = []
        seen_interviews: set[str] = set()
        for interview, text in part[[ident, EXCERPT]].itertuples(index=False):
            if len(excerpts) == max_excerpts or interview in seen_interviews or pd.isna(text) or not str(text).strip():
                continue
            short = shorten(scrub_identifiers(str(text)), max_chars)
            if short not in excerpts:
                excerpts.append(short)
                seen_interviews.add(interview)
        rows.append(
            {
                "theme": key,
                "label": variable.label_for_key(key),
                "origin": _origin(part[ORIGIN], key),
                "n_interviews": int(part[ident].nunique()),
                "n_total": total,
                "excerpts": excerpts,
            }
        )
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    order = {key: i for i, key in enumerate(variable.keys)}
    summary = summary.sort_values(
        ["n_interviews", "theme"], ascending=[False, True], key=lambda s: s.map(order) if s.name == "theme" else s
    )
    return summary.reset_index(drop=True).astype({"n_interviews": "int64", "n_total": "int64"})


def summarise_themes(
    grid_path: str | Path,
    output_parquet: str | Path,
    rejects_parquet: str | Path,
    *,
    codebook_path: str | Path,
    **read_options,
) -> None:
    """Validate a region's grid and write the theme summary and the rejected rows (with reasons)."""
    codebook = load_codebook(codebook_path)
    result = read_grid(grid_path, codebook, **read_options)
    for issue in result.cell_issues.itertuples(index=False):
        log.warning("%s, ligne %d, colonne %s : %s", grid_path, issue.source_row, issue.column, issue.problem)
    for reject in result.rejects.itertuples(index=False):
        log.warning("%s, ligne %d rejetée : %s", grid_path, reject.source_row, reject.reason)
    summary = theme_summary(result.clean, codebook)
    log.info(
        "%s : %d lignes = %d conservées + %d rejetées ; %d entretiens, %d thèmes",
        grid_path, len(result.clean) + len(result.rejects), len(result.clean), len(result.rejects),
        int(summary["n_total"].max()) if len(summary) else 0, len(summary),
    )
    write_parquet(summary, output_parquet)
    write_parquet(result.rejects, rejects_parquet)
