"""Report helpers every strand's report uses (patients per practice and per region, GPs, national).

Names of tests and corrections, indicator rows and charts as published (small counts protected by
``assistmed.disclosure``), test rows, data-quality rows, the methods context drawn from the codebook and the settings, and
the provenance table. A strand's module builds its own sections from these and renders its template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

import assistmed
from assistmed.codebook import Codebook, Indicator
from assistmed.disclosure.cells import REGION_OUTPUTS, Cell, Published, footnote_fr, methods_fr
from assistmed.quality import KEPT, RAW_ROWS, REJECTED, reject_kinds, summary_count
from assistmed.reports import charts
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.methods import analysis_methods
from assistmed.settings import AnalysisSettings

TEST_NAMES = {"chi2": "χ² de Pearson", "fisher": "Fisher exact", "fisher_mc": "Fisher (Monte-Carlo)"}
STRATIFIED_TEST_NAMES = {"cmh": "Cochran–Mantel–Haenszel", "gcmh": "CMH généralisé", "": "—"}
P_ADJUST_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "simes-hochberg": "Hochberg"}


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def indicator_rows(codebook: Codebook, published: Published, scope: str, ref_scope: str | None) -> list[dict]:
    """The headline table of ``scope`` (and the reference scope's % and interval beside), as published."""
    rows = []
    for ind in codebook.indicators:
        if (scope, ind.name, "") not in published:
            continue
        cell = published.cell(scope, ind.name)
        row = {"label": ind.label_fr, "nN": cell.n_over_N, "pct": cell.percent, "ci": cell.ci, "hidden": not cell.shown}
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


def variable_label(codebook: Codebook, name: str) -> str:
    if name == "practice":
        return "Cabinet"
    if name in codebook.by_name:
        return codebook.variable(name).label_fr
    return codebook.indicator(name).label_fr


def test_rows(codebook: Codebook, associations: pd.DataFrame, scope: str) -> list[dict]:
    """The scope's tests; with ``p_strat`` when the table holds the practice-stratified sensitivity test."""
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
        rows.append(row)
    return rows


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
    variables = []
    for v in codebook.variables:
        if v.restricted:
            continue
        codes = ", ".join(f"{c.code} = {c.fr}" for c in v.codes) if v.codes else v.type
        variables.append({"name": v.name, "label": v.label_fr, "codes": codes})
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
        "variables": variables,
        "indicators": [
            {"name": ind.name, "label": ind.label_fr, "definition": indicator_definition(codebook, ind)}
            for ind in codebook.indicators
        ],
        "stratified": stratified,
        "selection_rule": None,
    }


def provenance(
    raw: Sequence[str | Path], codebook: Codebook, dates: pd.Series, date_label: str = "Données arrêtées au"
) -> list[tuple[str, str]]:
    """Input checksums, versions, and the date of the latest data (never the clock: reports are reproducible)."""
    dates = pd.to_datetime(dates).dropna()
    rows = [(f"SHA-256 de {Path(p).name}", sha256(p)) for p in raw]
    rows += [
        ("Version du codebook", f"{codebook.name} {codebook.version}"),
        ("Version d'assistmed", assistmed.__version__),
        (date_label, dates.max().strftime("%d/%m/%Y") if len(dates) else "—"),
    ]
    return rows


def return_dates(clean: pd.DataFrame) -> pd.Series:
    return clean["return_date"] if "return_date" in clean else pd.Series(dtype="datetime64[ns]")
