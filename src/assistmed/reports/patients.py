"""Context builders and renderers of the patient-strand reports (per practice and pooled per region)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure import is_small, suppress_partition
from assistmed.qual.selection import SelectionRule
from assistmed.reports import charts
from assistmed.reports.common import (
    hidden_cells,
    indicator_chart,
    indicator_rows,
    masked,
    methods_context,
    provenance,
    quality_row,
    return_dates,
    suppressed,
    test_rows,
)
from assistmed.reports.fmt import fmt_int, fmt_percent
from assistmed.reports.render import render_pdf

# The codebook variable whose distribution the reports chart as « the opinion » (a required variable).
OPINION = "overall_opinion"


def distribution_items(
    codebook: Codebook, distributions: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> list[dict]:
    items = []
    for name, part in distributions[distributions["scope"] == scope].groupby("variable", sort=False):
        variable = codebook.variable(name)
        counts = [int(n) for n in part["n"]]
        N = int(part["N"].iloc[0]) if len(part) else 0
        hidden = hidden_cells(counts, N, variable.is_categorical, threshold)
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
                "n": masked(threshold) if hide else fmt_int(n),
                "pct": masked(threshold) if hide else fmt_percent(prop),
            }
            if ref is not None:
                row["ref_pct"] = fmt_percent(ref.get(category, float("nan")))
            rows.append(row)
        items.append({"name": name, "label": variable.label_fr, "rows": rows, "N": fmt_int(N)})
    return items


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
        hidden = hidden_cells(counts, sum(counts), True, threshold)
        props.append([None if hide or pd.isna(p) else float(p) for p, hide in zip(part["prop"], hidden)])
        cells.append([masked(threshold) if hide else fmt_percent(p) for p, hide in zip(part["prop"], hidden)])
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


def agreement_by_practice(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Practice id → its double-entry agreement table (practices typed twice only)."""
    tables = [pd.read_parquet(p) for p in paths]
    return {str(t["practice"].iloc[0]): t for t in tables}


def comments_of(clean: pd.DataFrame) -> list[str]:
    return [c for c in clean["comment"].dropna().astype(str) if c.strip()]


def selection_rows(
    selection: pd.DataFrame, labels: Mapping[str, str], threshold: int
) -> tuple[list[dict], str]:
    """Interviewees selected per practice and in total; small counts hidden with a secondary partner."""
    counts = [int(n) for n in selection["n_selected"]]
    hidden = suppress_partition(counts, threshold)
    rows = [
        {"label": labels.get(str(p), str(p)), "n": masked(threshold) if hide else fmt_int(n)}
        for p, n, hide in zip(selection["practice"], counts, hidden)
    ]
    total = sum(counts)
    return rows, masked(threshold) if is_small(total, threshold) else fmt_int(total)


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
    quality: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
    agreement: str | None = None,
) -> None:
    cb = load_codebook(codebook)
    practice, region = meta["practice"], meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    clean_frame = pd.read_parquet(clean)
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
        "quality": [quality_row(label, pd.read_parquet(quality), pd.read_parquet(agreement) if agreement else None)],
        "comments": [{"label": label, "comments": comments_of(clean_frame)}],
        "methods": methods_context(cb, settings, threshold),
        "provenance": provenance([raw], cb, return_dates(clean_frame)),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def render_region_patients_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    clean: Sequence[str],
    quality: Sequence[str],
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
    agreement: Sequence[str] = (),
) -> None:
    """The region's pooled report. ``themes`` (Parquet of `summarise_themes`), ``selection`` (Parquet of
    `write_selection_summary`), ``interviews`` (the config's selection rule) and ``interviews_codebook``
    feed the interview section; without them it says that no interview was coded for the region."""
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    ind = pd.read_parquet(indicators)
    cleans = [pd.read_parquet(p) for p in clean]
    quality_rows, comments = [], []
    agreements = agreement_by_practice(agreement)
    for frame, summary in zip(cleans, (pd.read_parquet(p) for p in quality)):
        practice = str(summary["practice"].iloc[0])
        quality_rows.append(quality_row(labels.get(practice, practice), summary, agreements.get(practice)))
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
            cells.append(masked(threshold) if suppressed(r, threshold) else fmt_percent(r["prop"]))
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
        "quality": quality_rows,
        "comments": comments,
        "qualitative": qualitative,
        "methods": methods,
        "provenance": provenance(raw, cb, pd.concat([return_dates(c) for c in cleans], ignore_index=True)),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)

