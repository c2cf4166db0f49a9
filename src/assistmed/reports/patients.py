"""Context builders and renderers of the patient-strand reports (per practice and pooled per region)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

import assistmed
from assistmed.codebook import Codebook, Indicator, load_codebook
from assistmed.disclosure import is_small, suppress_partition, suppress_proportion
from assistmed.qual.selection import SelectionRule
from assistmed.reports import charts
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.render import render_pdf

TEST_NAMES = {"chi2": "χ² de Pearson", "fisher": "Fisher exact", "fisher_mc": "Fisher (Monte-Carlo)"}
P_ADJUST_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "simes-hochberg": "Hochberg"}
# The codebook variable whose distribution the reports chart as « the opinion » (a required variable).
OPINION = "overall_opinion"


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _hidden(threshold: int | None) -> str:
    return f"< {threshold}"


def _suppressed(row: pd.Series, threshold: int | None) -> bool:
    """Whether an indicator row's figures must be hidden (no threshold: pooled figures are always shown)."""
    return threshold is not None and suppress_proportion(int(row["n"]), int(row["N"]), threshold)


def indicator_rows(
    codebook: Codebook, indicators: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> list[dict]:
    table = indicators.set_index(["scope", "indicator"])
    rows = []
    for ind in codebook.indicators:
        if (scope, ind.name) not in table.index:
            continue
        r = table.loc[(scope, ind.name)]
        hide = _suppressed(r, threshold)
        row = {
            "label": ind.label_fr,
            "nN": _hidden(threshold) if hide else f"{fmt_int(r['n'])} / {fmt_int(r['N'])}",
            "pct": _hidden(threshold) if hide else fmt_percent(r["prop"]),
            "ci": "—" if hide else fmt_ci(r["ci_low"], r["ci_high"]),
        }
        if ref_scope is not None and (ref_scope, ind.name) in table.index:
            ref = table.loc[(ref_scope, ind.name)]
            row["ref_pct"] = fmt_percent(ref["prop"])
            row["ref_ci"] = fmt_ci(ref["ci_low"], ref["ci_high"])
        rows.append(row)
    return rows


def _hidden_cells(counts: Sequence[int], N: int, categorical: bool, threshold: int | None) -> list[bool]:
    """Suppression flags of an item's cells (a checkbox's partition is ticked / not ticked)."""
    partition = counts if categorical else [counts[0], N - counts[0]]
    hidden = suppress_partition(partition, threshold) if threshold else [False] * len(partition)
    return hidden[: len(counts)]


def distribution_items(
    codebook: Codebook, distributions: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> list[dict]:
    items = []
    for name, part in distributions[distributions["scope"] == scope].groupby("variable", sort=False):
        variable = codebook.variable(name)
        counts = [int(n) for n in part["n"]]
        N = int(part["N"].iloc[0]) if len(part) else 0
        hidden = _hidden_cells(counts, N, variable.is_categorical, threshold)
        ref = (
            distributions[(distributions["scope"] == ref_scope) & (distributions["variable"] == name)]
            .set_index("category")["prop"]
            if ref_scope
            else None
        )
        rows = []
        for (category, n, prop), hide in zip(part[["category", "n", "prop"]].itertuples(index=False), hidden):
            label = variable.label_for_key(category) if variable.is_categorical else "Coché"
            row = {
                "label": label,
                "n": _hidden(threshold) if hide else fmt_int(n),
                "pct": _hidden(threshold) if hide else fmt_percent(prop),
            }
            if ref is not None:
                row["ref_pct"] = fmt_percent(ref.get(category, float("nan")))
            rows.append(row)
        items.append({"name": name, "label": variable.label_fr, "rows": rows, "N": fmt_int(N)})
    return items


def _interval(
    table: pd.DataFrame, scope: str, indicator: str, threshold: int | None
) -> tuple[float, float, float] | None:
    """(prop, ci_low, ci_high) of one indicator for a chart; None when absent or suppressed."""
    if (scope, indicator) not in table.index:
        return None
    r = table.loc[(scope, indicator)]
    if _suppressed(r, threshold):
        return None
    return float(r["prop"]), float(r["ci_low"]), float(r["ci_high"])


def indicator_chart(
    codebook: Codebook,
    indicators: pd.DataFrame,
    scope: tuple[str, str, int | None],
    reference: tuple[str, str] | None,
) -> str:
    """Headline indicators of ``scope`` (id, name, threshold) beside ``reference`` (id, name), as SVG."""
    table = indicators.set_index(["scope", "indicator"])
    scope_id, scope_name, threshold = scope
    shown = [ind for ind in codebook.indicators if (scope_id, ind.name) in table.index]
    return charts.indicator_comparison(
        [ind.label_fr for ind in shown],
        [_interval(table, scope_id, ind.name, threshold) for ind in shown],
        [_interval(table, reference[0], ind.name, None) for ind in shown] if reference else None,
        scope_name,
        reference[1] if reference else "",
    )


def opinion_figure(
    codebook: Codebook, distributions: pd.DataFrame, bars: Sequence[tuple[str, str, int | None]]
) -> dict:
    """The overall opinion's distribution, one column per (scope id, name, threshold): a table of
    percentages (small cells « < N » with their secondary partner) and the stacked chart of the same cells."""
    variable = codebook.variable(OPINION)
    props, cells, totals = [], [], []
    for scope, _, threshold in bars:
        part = distributions[(distributions["scope"] == scope) & (distributions["variable"] == OPINION)]
        part = part.set_index("category").reindex(variable.keys)
        counts = [0 if pd.isna(n) else int(n) for n in part["n"]]
        hidden = _hidden_cells(counts, sum(counts), True, threshold)
        props.append([None if hide or pd.isna(p) else float(p) for p, hide in zip(part["prop"], hidden)])
        cells.append([_hidden(threshold) if hide else fmt_percent(p) for p, hide in zip(part["prop"], hidden)])
        totals.append(fmt_int(sum(counts)))
    categories = [variable.label_for_key(k) for k in variable.keys]
    return {
        "name": OPINION,
        "label": variable.label_fr,
        "columns": [name for _, name, _ in bars],
        "rows": [{"label": c, "cells": [col[i] for col in cells]} for i, c in enumerate(categories)],
        "N": totals,
        "chart": charts.stacked_distribution([name for _, name, _ in bars], categories, props),
    }


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


def quality_row(label: str, clean: pd.DataFrame, rejects: pd.DataFrame) -> dict:
    reasons = rejects["reason"].str.replace(r"\d+", "N", regex=True).value_counts()
    return {
        "label": label,
        "raw": fmt_int(len(clean) + len(rejects)),
        "kept": fmt_int(len(clean)),
        "rejected": fmt_int(len(rejects)),
        "reasons": " ; ".join(f"{reason} ({count})" for reason, count in reasons.items()) or "—",
    }


def comments_of(clean: pd.DataFrame) -> list[str]:
    return [c for c in clean["comment"].dropna().astype(str) if c.strip()]


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
    codebook: Codebook, settings: Mapping, threshold: int | None, stratified: bool = False
) -> dict:
    variables = []
    for v in codebook.variables:
        if v.restricted:
            continue
        codes = ", ".join(f"{c.code} = {c.fr}" for c in v.codes) if v.codes else v.type
        variables.append({"name": v.name, "label": v.label_fr, "codes": codes})
    p_adjust = settings.get("p_adjust", "holm")
    return {
        "codebook_title": codebook.title_fr,
        "codebook_version": codebook.version,
        "confidence_pct": fmt_percent(settings.get("confidence", 0.95)),
        "min_expected": settings.get("min_expected", 5),
        "mc_tables": fmt_int(settings.get("fisher_mc_tables", 100_000)),
        "seed": settings.get("seed", 20210101),
        "p_adjust": P_ADJUST_NAMES.get(p_adjust, p_adjust),
        "threshold": threshold,
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


def _return_dates(clean: pd.DataFrame) -> pd.Series:
    return clean["return_date"] if "return_date" in clean else pd.Series(dtype="datetime64[ns]")


def selection_rows(
    selection: pd.DataFrame, labels: Mapping[str, str], threshold: int
) -> tuple[list[dict], str]:
    """Interviewees selected per practice and in total; small counts hidden with a secondary partner."""
    counts = [int(n) for n in selection["n_selected"]]
    hidden = suppress_partition(counts, threshold)
    rows = [
        {"label": labels.get(str(p), str(p)), "n": _hidden(threshold) if hide else fmt_int(n)}
        for p, n, hide in zip(selection["practice"], counts, hidden)
    ]
    total = sum(counts)
    return rows, _hidden(threshold) if is_small(total, threshold) else fmt_int(total)


def theme_rows(themes: pd.DataFrame, interviews_codebook: Codebook) -> list[dict]:
    origin = interviews_codebook.variable("origin")
    rows = []
    for r in themes.itertuples(index=False):
        noun = "entretien" if int(r.n_interviews) == 1 else "entretiens"
        rows.append(
            {
                "label": r.label,
                "origin": "—" if pd.isna(r.origin) else origin.label_for_key(r.origin),
                "count": f"{fmt_int(r.n_interviews)} {noun} sur {fmt_int(r.n_total)}",
                "excerpts": [str(e) for e in r.excerpts],
            }
        )
    return rows


def qualitative_context(
    codebook: Codebook,
    labels: Mapping[str, str],
    threshold: int,
    *,
    themes: str | None,
    selection: str | None,
    interviews: Mapping | None,
    interviews_codebook: str | None,
) -> dict:
    """The pooled report's interview section; every part is None when its input was not given."""
    context: dict = {"rule": None, "selection": None, "selection_total": None, "themes": None}
    if interviews is not None:
        context["rule"] = SelectionRule.from_config(interviews).describe_fr(codebook)
    if selection is not None:
        context["selection"], context["selection_total"] = selection_rows(pd.read_parquet(selection), labels, threshold)
    if themes is not None:
        if interviews_codebook is None:
            raise ValueError("themes given without interviews_codebook: origin labels come from that codebook")
        context["themes"] = theme_rows(pd.read_parquet(themes), load_codebook(interviews_codebook))
    return context


def render_practice_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    clean: str,
    rejects: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
) -> None:
    cb = load_codebook(codebook)
    practice, region = meta["practice"], meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    clean_frame, rejects_frame = pd.read_parquet(clean), pd.read_parquet(rejects)
    ind, dist = pd.read_parquet(indicators), pd.read_parquet(distributions)
    region_label = meta["region_label"]
    title = f"{cb.title_fr} — {label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": f"{label} ({region_label})",
        "subtitle": "Rapport du cabinet",
        "indicators": indicator_rows(cb, ind, practice, region, threshold),
        "indicator_chart": indicator_chart(cb, ind, (practice, label, threshold), (region, region_label)),
        "opinion": opinion_figure(cb, dist, [(practice, label, threshold), (region, region_label, None)]),
        "distributions": distribution_items(cb, dist, practice, region, threshold),
        "tests": test_rows(cb, pd.read_parquet(associations), practice),
        "quality": [quality_row(label, clean_frame, rejects_frame)],
        "comments": [{"label": label, "comments": comments_of(clean_frame)}],
        "methods": methods_context(cb, settings, threshold),
        "provenance": provenance([raw], cb, _return_dates(clean_frame)),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def render_region_patients_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    clean: Sequence[str],
    rejects: Sequence[str],
    raw: Sequence[str],
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
    themes: str | None = None,
    selection: str | None = None,
    interviews: Mapping | None = None,
    interviews_codebook: str | None = None,
) -> None:
    """The region's pooled report. ``themes`` (Parquet of `summarise_themes`), ``selection`` (Parquet of
    `write_selection_summary`), ``interviews`` (the config's selection rule) and ``interviews_codebook``
    feed the interview section; without them it says that no interview was coded for the region."""
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    ind = pd.read_parquet(indicators)
    cleans = [pd.read_parquet(p) for p in clean]
    quality, comments = [], []
    for frame, rej in zip(cleans, (pd.read_parquet(p) for p in rejects)):
        practice = str(frame["practice"].iloc[0]) if len(frame) else "?"
        quality.append(quality_row(labels.get(practice, practice), frame, rej))
        comments.append({"label": labels.get(practice, practice), "comments": comments_of(frame)})
    table = ind.set_index(["scope", "indicator"])
    by_practice = []
    for indicator in cb.indicators:
        cells = []
        for practice in labels:
            if (practice, indicator.name) not in table.index:
                cells.append("—")
                continue
            r = table.loc[(practice, indicator.name)]
            cells.append(_hidden(threshold) if _suppressed(r, threshold) else fmt_percent(r["prop"]))
        by_practice.append({"label": indicator.label_fr, "cells": cells})
    dist, tests = pd.read_parquet(distributions), pd.read_parquet(associations)
    region_label = meta["region_label"]
    qualitative = qualitative_context(
        cb, labels, threshold, themes=themes, selection=selection, interviews=interviews,
        interviews_codebook=interviews_codebook,
    )
    methods = methods_context(cb, settings, threshold, stratified="p_stratified" in tests.columns)
    methods["selection_rule"] = qualitative["rule"]
    bars = [(p, name, threshold) for p, name in labels.items()] + [(region, region_label, None)]
    title = f"{cb.title_fr} — {region_label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": region_label,
        "subtitle": "Rapport régional poolé (tous cabinets)",
        "indicators": indicator_rows(cb, ind, region, None, None),
        "indicator_chart": indicator_chart(cb, ind, (region, region_label, None), None),
        "practice_labels": list(labels.values()),
        "by_practice": by_practice,
        "opinion": opinion_figure(cb, dist, bars),
        "distributions": distribution_items(cb, dist, region, None, None),
        "tests": test_rows(cb, tests, region),
        "stratified": "p_stratified" in tests.columns,
        "quality": quality,
        "comments": comments,
        "qualitative": qualitative,
        "methods": methods,
        "provenance": provenance(raw, cb, pd.concat([_return_dates(c) for c in cleans], ignore_index=True)),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)

