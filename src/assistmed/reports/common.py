"""Report helpers every strand's report uses (patients per practice and per region, GPs, national).

Names of tests and corrections, indicator rows and charts as published (small counts protected by
``assistmed.disclosure``), test rows, data-quality rows, the methods context drawn from the codebook and the settings, and
the provenance table. A strand's module builds its own sections from these and renders its template.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, Indicator
from assistmed.disclosure.cells import REGION_OUTPUTS, Cell, Published, footnote_fr, methods_fr
from assistmed.quality import KEPT, RAW_ROWS, REJECTED, reject_kinds, summary_count
from assistmed.reports import charts
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p, fmt_percent, fmt_points
from assistmed.reports.methods import analysis_methods
from assistmed.settings import AnalysisSettings

TEST_NAMES = {"chi2": "χ² de Pearson", "fisher": "Fisher exact", "fisher_mc": "Fisher (Monte-Carlo)"}
STRATIFIED_TEST_NAMES = {"cmh": "Cochran–Mantel–Haenszel", "gcmh": "CMH généralisé", "": "—"}
P_ADJUST_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "simes-hochberg": "Hochberg"}


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def design_rows(indicators: pd.DataFrame, scope: str) -> pd.DataFrame:
    """A pooled scope's rows of the indicators table, by indicator: its design effects, ICCs and degrees of
    freedom (NaN where the indicator has no design-based figure, e.g. the return rate)."""
    return indicators[indicators["scope"] == scope].set_index("indicator")[["deff", "icc", "design_df"]]


def indicator_rows(
    codebook: Codebook, published: Published, scope: str, ref_scope: str | None, design: pd.DataFrame | None = None
) -> list[dict]:
    """The headline table of ``scope`` (and the reference scope's % and interval beside), as published;
    with ``design`` (``design_rows`` of a pooled scope), each indicator's design effect and ICC ("—" for a
    figure not shown as it is, or without design-based figures)."""
    rows = []
    for ind in codebook.indicators:
        if (scope, ind.name, "") not in published:
            continue
        cell = published.cell(scope, ind.name)
        row = {"label": ind.label_fr, "nN": cell.n_over_N, "pct": cell.percent, "ci": cell.ci, "hidden": not cell.shown}
        if design is not None:
            known = cell.shown and ind.name in design.index and not pd.isna(design.loc[ind.name, "deff"])
            row["deff"] = fmt_decimal(design.loc[ind.name, "deff"], 2) if known else "—"
            row["icc"] = fmt_decimal(design.loc[ind.name, "icc"], 3) if known else "—"
        if ref_scope is not None and (ref_scope, ind.name, "") in published:
            ref = published.cell(ref_scope, ind.name)
            row["ref_pct"], row["ref_ci"] = ref.percent, ref.ci
            row["hidden"] = row["hidden"] or not ref.shown
        rows.append(row)
    return rows


def chart_value(cell: Cell) -> tuple[float, float, float] | charts.Bound | None:
    """What a chart draws for a headline: the point and its interval, a bound as a labelled marker, or nothing."""
    if cell.shown and cell.interval is not None:
        return cell.proportion, *cell.interval
    if cell.bound is not None:
        return charts.Bound(cell.bound, at_least=cell.status == "at_least", text=cell.percent)
    return None


def indicator_chart(
    codebook: Codebook, published: Published, scope: tuple[str, str], reference: tuple[str, str] | None
) -> str:
    """Headline indicators of ``scope`` (id, name) beside ``reference`` (id, name), as SVG."""
    scope_id, scope_name = scope
    shown = [ind for ind in codebook.indicators if (scope_id, ind.name, "") in published]
    return charts.indicator_comparison(
        [ind.label_fr for ind in shown],
        [chart_value(published.cell(scope_id, ind.name)) for ind in shown],
        [chart_value(published.cell(reference[0], ind.name)) for ind in shown] if reference else None,
        scope_name,
        reference[1] if reference else "",
    )


def figure(uri: str, title: str, alt: str, source: str) -> dict:
    """A numbered figure (the template numbers it): its title, the image and its alternative text (what a
    screen reader says instead of the image: the figures it shows), and its « Source : … » line."""
    return {"uri": uri, "title": title, "alt": alt, "source": source}


def indicator_alt(rows: Sequence[dict], scope_name: str, reference_name: str | None = None) -> str:
    """Alternative text of an indicator chart, from the rows of its table (same formatted values)."""
    parts = []
    for r in rows:
        text = f"{r['label']} : {r['pct']} {r['ci']}".rstrip()
        if reference_name and "ref_pct" in r:
            text += f" ({reference_name} : {r['ref_pct']} {r['ref_ci']})"
        parts.append(text)
    return f"Proportions et intervalles de confiance, {scope_name} : " + " ; ".join(parts) + "."


def n_range(values: Sequence[int]) -> str:
    """« n = 340 » or « n = 330 à 364 » (respondents vary from one indicator to another)."""
    low, high = min(values), max(values)
    return f"n = {fmt_int(low)}" if low == high else f"n = {fmt_int(low)} à {fmt_int(high)}"


def text_groups(
    texts: pd.DataFrame, scope: str, groups: Sequence[tuple[str, str]], *, limit: int
) -> list[dict]:
    """The free texts of ``scope`` (table of assistmed.texts: scope, group, text, n), group by group
    (``groups``: key, label, in reading order): the ``limit`` most frequent, with « × n » beyond one
    occurrence, and how many distinct texts the group holds when some are left out."""
    mine = texts[texts["scope"] == scope]
    shown = []
    for key, label in groups:
        part = mine[mine["group"] == key]
        if part.empty:
            continue
        top = part.head(limit)
        shown.append(
            {
                "label": label,
                "texts": [
                    {"text": r.text, "count": f"× {fmt_int(r.n)}" if r.n > 1 else ""}
                    for r in top.itertuples(index=False)
                ],
                "more": (
                    f"Les {fmt_int(len(top))} plus fréquents de {fmt_int(len(part))} textes distincts."
                    if len(part) > len(top)
                    else ""
                ),
            }
        )
    return shown


def variable_label(codebook: Codebook, name: str) -> str:
    if name == "practice":
        return "Cabinet"
    if name in codebook.by_name:
        return codebook.variable(name).label_fr
    return codebook.indicator(name).label_fr


def test_rows(codebook: Codebook, associations: pd.DataFrame, scope: str) -> list[dict]:
    """The scope's tests; with ``p_strat`` when the table holds the practice-stratified sensitivity test, and
    ``p_design`` (the design-based test of a pooled scope) when it holds that column."""
    stratified = "p_stratified" in associations.columns
    rows = []
    for r in associations[associations["scope"] == scope].itertuples(index=False):
        row = {
            "pair": f"{variable_label(codebook, r.var_a)} × {variable_label(codebook, r.var_b)}",
            "test": TEST_NAMES.get(r.test, r.test),
            "n": fmt_int(r.n),
            "p": fmt_p(r.p_value),
            "p_adj": fmt_p(r.p_adjusted),
            "v": fmt_decimal(r.cramers_v, 2),
        }
        if stratified:
            row["p_strat"] = fmt_p(r.p_stratified)
        if "p_design" in associations.columns:
            row["p_design"] = fmt_p(r.p_design)
        rows.append(row)
    return rows


def difference_cells(comparison) -> dict:
    """A unit-versus-rest comparison (a row of a comparisons table) as printed: the unit's %, the rest's, the
    difference in points and its interval."""
    return {
        "pct": fmt_percent(comparison.prop),
        "rest": fmt_percent(comparison.prop_rest),
        "difference": fmt_points(comparison.difference),
        "ci": f"[{fmt_points(comparison.diff_low)} ; {fmt_points(comparison.diff_high)}]",
    }


def quality_row(label: str, summary: pd.DataFrame, agreement: pd.DataFrame | None = None) -> dict:
    """A practice's line of the data-quality table, from its quality summary (written by the clean step)
    and, when the practice was typed twice, the total row of its double-entry agreement table."""
    row = {
        "label": label,
        "raw": fmt_int(summary_count(summary, RAW_ROWS)),
        "kept": fmt_int(summary_count(summary, KEPT)),
        "rejected": fmt_int(summary_count(summary, REJECTED)),
        "reasons": " ; ".join(f"{reason} ({count})" for reason, count in reject_kinds(summary)) or "—",
        "double_entry": None,
    }
    if agreement is not None:
        total = agreement[agreement["variable"] == ""].iloc[0]
        row["double_entry"] = {
            "rate": fmt_percent(total["rate"], 1),
            "agreed": fmt_int(total["agreed"]),
            "compared": fmt_int(total["compared"]),
        }
    return row


def question_variables(codebook: Codebook) -> list[dict]:
    """The questions of the codebook as the methods appendix lists them: label and codes, without the
    fields no respondent answered (identifiers, dates of entry, system fields of an online survey — those
    without a page when the survey has pages) nor restricted ones (contact details)."""
    paged = any(v.page is not None for v in codebook.variables)
    shown = []
    for v in codebook.variables:
        if v.restricted or v.type in ("identifier", "date", "datetime") or (paged and v.page is None):
            continue
        codes = " ; ".join(f"{c.code} = {c.fr}" for c in v.codes) if v.codes else QUESTION_TYPES.get(v.type, v.type)
        shown.append({"label": v.label_fr, "codes": codes})
    return shown


QUESTION_TYPES = {"checkbox": "case à cocher", "text": "texte libre", "integer": "nombre entier", "numeric": "nombre"}


def indicator_definition(codebook: Codebook, indicator: Indicator) -> str:
    """What an indicator counts, in French, from its codebook definition."""
    if indicator.kind == "response_rate":
        return "questionnaires retournés et conservés après validation, rapportés aux questionnaires distribués"
    if indicator.group is not None:
        ticked = [v.label_fr for v in codebook.group_members(indicator.group, include_none=False)]
        return (
            f"au moins une case cochée parmi : {' ; '.join(ticked)} — parmi les répondants ayant coché au moins"
            " une case de la question"
        )
    variable = codebook.variable(indicator.variable)
    answers = " ou ".join(f"« {variable.label_for_key(k)} »" for k in indicator.success)
    return f"{variable.label_fr} : {answers} — parmi les répondants ayant répondu à la question"


def methods_context(
    codebook: Codebook,
    settings: AnalysisSettings | Mapping,
    threshold: int | None,
    stratified: bool = False,
    outputs: str = REGION_OUTPUTS,
    design: str | None = None,
) -> dict:
    """The methods section's figures; ``threshold`` (the small-count threshold the published table was
    decided with) adds the policy's text, generated from it; ``design`` is the scope's survey design, whose
    paragraphs come with the tests' (analysis_methods)."""
    options = AnalysisSettings.of(settings)
    return {
        "codebook_title": codebook.title_fr,
        "codebook_version": codebook.version,
        "confidence_pct": fmt_percent(options.confidence),
        "analysis": analysis_methods(options, design=design),
        "p_adjust": P_ADJUST_NAMES.get(options.p_adjust, options.p_adjust),
        "threshold": threshold,
        "disclosure": methods_fr(threshold, outputs) if threshold else None,
        "footnote": footnote_fr(threshold) if threshold else None,
        "variables": question_variables(codebook),
        "indicators": [
            {"name": ind.name, "label": ind.label_fr, "definition": indicator_definition(codebook, ind)}
            for ind in codebook.indicators
        ],
        "stratified": stratified,
        "selection_rule": None,
    }


LIBRARIES = (("pandas", "pandas"), ("SciPy", "scipy"), ("statsmodels", "statsmodels"), ("WeasyPrint", "weasyprint"))


def library_versions() -> str:
    """The installed versions of Python and of the libraries that compute and draw the figures (the lock
    file pins them; the report prints what actually ran)."""
    from importlib.metadata import version

    return " ; ".join([f"Python {platform.python_version()}", *(f"{name} {version(dist)}" for name, dist in LIBRARIES)])


def git_commit(root: str | Path | None = None) -> str | None:
    """The commit checked out in ``root`` (the working directory by default), flagged when the code there
    (src, workflow, Snakefile, pyproject.toml) differs from it; None outside a git checkout."""
    import subprocess

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60, check=False)

    try:
        head = git("rev-parse", "--verify", "HEAD")
        if head.returncode != 0:
            return None
        changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "workflow", "Snakefile", "pyproject.toml")
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + (" (avec des modifications locales du code)" if changed.stdout.strip() else "")


def input_digests(paths: Sequence[str | Path]) -> tuple[str, pd.DataFrame]:
    """Per-file SHA-256 (columns file, sha256) and one digest of them all: the SHA-256 of the lines
    « <sha256>  <file> » in the given order — what ``sha256sum <files> | sha256sum`` prints."""
    files = [(str(p), sha256(p)) for p in paths]
    listing = "".join(f"{digest}  {name}\n" for name, digest in files)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest(), pd.DataFrame(files, columns=["file", "sha256"])


def period_text(first, last) -> str:
    """« du 04/01/2021 au 28/05/2021 » (« — » when no date is known)."""
    if pd.isna(first) or pd.isna(last):
        return "—"
    return f"du {pd.Timestamp(first):%d/%m/%Y} au {pd.Timestamp(last):%d/%m/%Y}"


def provenance(
    *,
    codebook: Codebook,
    code: str,
    config_digest: str,
    seed: int,
    dates: tuple[str, str],
    inputs: Sequence[str | Path],
    inputs_annex: str | None = None,
) -> list[tuple[str, str]]:
    """What the report was made from and with, enough to make it again: the code (commit, or the package
    fingerprint outside git), the configuration's digest, the codebook, the libraries, the seed, the
    data's dates (``dates``: label, text) and the digests of the raw inputs (one file: its own; several:
    one digest of all, the per-file list being ``inputs_annex``). Never the clock: reports are reproducible."""
    commit = git_commit()
    rows = [
        ("Code", f"assistmed {code}" + (f" ; commit git {commit}" if commit else " (hors d'un dépôt git)")),
        ("Configuration (SHA-256 des sections utilisées)", config_digest),
        ("Codebook", f"{codebook.name} {codebook.version}"),
        ("Logiciels", library_versions()),
        ("Graine des tirages (Monte-Carlo)", str(seed)),
        dates,
    ]
    if len(inputs) == 1:
        rows.append((f"SHA-256 de {Path(inputs[0]).name}", sha256(inputs[0])))
    else:
        combined, _ = input_digests(inputs)
        where = f" ; détail par fichier : {inputs_annex}" if inputs_annex else ""
        rows.append(
            (f"SHA-256 des {fmt_int(len(inputs))} fichiers d'entrée", f"{combined} (sha256sum des fichiers, dans l'ordre"
             f" de la configuration, puis sha256sum de cette liste{where})")
        )
    return rows
