"""Context builders and renderers of the patient-strand reports (per practice and pooled per region)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import Published
from assistmed.disclosure.patients import SELECTION
from assistmed.qual.selection import SelectionRule
from assistmed.reports import charts
from assistmed.reports.common import (
    indicator_chart,
    indicator_rows,
    methods_context,
    provenance,
    quality_row,
    return_dates,
    test_rows,
)
from assistmed.reports.fmt import fmt_int
from assistmed.reports.render import render_pdf

# The codebook variable whose distribution the reports chart as « the opinion » (a required variable).
OPINION = "overall_opinion"


def distribution_items(codebook: Codebook, published: Published, scope: str, ref_scope: str | None) -> list[dict]:
    """Every item's published cells for ``scope``, in codebook order (the reference scope's % beside)."""
    frame = published.frame
    part = frame[(frame["scope"] == scope) & (frame["category"] != "")]
    items = []
    for v in codebook.variables:
        rows = part[part["variable"] == v.name]
        if not len(rows):
            continue
        cells = []
        for category in rows["category"]:
            cell = published.cell(scope, v.name, category)
            label = v.label_for_key(category) if v.is_categorical else "Coché"
            row = {"label": label, "n": cell.count, "pct": cell.percent, "hidden": not cell.shown}
            if ref_scope is not None:
                ref = published.cell(ref_scope, v.name, category)
                row["ref_pct"], row["hidden"] = ref.percent, row["hidden"] or not ref.shown
            cells.append(row)
        items.append({"name": v.name, "label": v.label_fr, "rows": cells, "N": fmt_int(rows["N"].iloc[0])})
    return items


def opinion_figure(codebook: Codebook, published: Published, bars: Sequence[tuple[str, str]]) -> dict:
    """The overall opinion's distribution, one column per (scope id, name): the published percentages and
    the stacked chart of the same cells (hidden cells grouped in one hatched segment, never given a size)."""
    variable = codebook.variable(OPINION)
    cells = [[published.cell(scope, OPINION, key) for key in variable.keys] for scope, _ in bars]
    totals = [
        fmt_int(published.frame.loc[(published.frame["scope"] == scope) & (published.frame["variable"] == OPINION), "N"].iloc[0])
        for scope, _ in bars
    ]
    categories = [variable.label_for_key(k) for k in variable.keys]
    return {
        "name": OPINION,
        "label": variable.label_fr,
        "columns": [name for _, name in bars],
        "rows": [{"label": c, "cells": [col[i].percent for col in cells]} for i, c in enumerate(categories)],
        "N": totals,
        "hidden": any(not c.shown for col in cells for c in col),
        "chart": charts.stacked_distribution(
            [name for _, name in bars], categories, [[c.proportion for c in col] for col in cells]
        ),
    }


def agreement_by_practice(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Practice id → its double-entry agreement table (practices typed twice only)."""
    tables = [pd.read_parquet(p) for p in paths]
    return {str(t["practice"].iloc[0]): t for t in tables}


def comments_of(clean: pd.DataFrame) -> list[str]:
    return [c for c in clean["comment"].dropna().astype(str) if c.strip()]


def selection_rows(published: Published, labels: Mapping[str, str], region: str) -> tuple[list[dict], str]:
    """Interviewees selected per practice and in total, as published."""
    rows = [{"label": name, "n": published.cell(p, SELECTION).count} for p, name in labels.items()]
    return rows, published.cell(region, SELECTION).count


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
    *,
    region: str,
    themes: str | None,
    selection: str | None,
    interviews: Mapping | None,
    interviews_codebook: str | None,
) -> dict:
    """The pooled report's interview section; every part is None when its input was not given (``selection``:
    the published table of the interview selection)."""
    context: dict = {"rule": None, "selection": None, "selection_total": None, "themes": None}
    if interviews is not None:
        context["rule"] = SelectionRule.from_config(interviews).describe_fr(codebook)
    if selection is not None:
        context["selection"], context["selection_total"] = selection_rows(Published.read(selection), labels, region)
    if themes is not None:
        if interviews_codebook is None:
            raise ValueError("themes given without interviews_codebook: origin labels come from that codebook")
        context["themes"] = theme_rows(pd.read_parquet(themes), load_codebook(interviews_codebook))
    return context


def render_practice_report(
    *,
    published: str,
    associations: str,
    clean: str,
    quality: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    agreement: str | None = None,
) -> None:
    """A practice's report; every figure of the survey comes from the region's published table."""
    cb = load_codebook(codebook)
    practice, region = meta["practice"], meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    clean_frame = pd.read_parquet(clean)
    cells = Published.read(published)
    region_label = meta["region_label"]
    title = f"{cb.title_fr} — {label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": f"{label} ({region_label})",
        "subtitle": "Rapport du cabinet",
        "indicators": indicator_rows(cb, cells, practice, region),
        "indicator_chart": indicator_chart(cb, cells, (practice, label), (region, region_label)),
        "opinion": opinion_figure(cb, cells, [(practice, label), (region, region_label)]),
        "distributions": distribution_items(cb, cells, practice, region),
        "tests": test_rows(cb, pd.read_parquet(associations), practice),
        "quality": [quality_row(label, pd.read_parquet(quality), pd.read_parquet(agreement) if agreement else None)],
        "comments": [{"label": label, "comments": comments_of(clean_frame)}],
        "methods": methods_context(cb, settings, cells.threshold),
        "provenance": provenance([raw], cb, return_dates(clean_frame)),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def render_region_patients_report(
    *,
    published: str,
    associations: str,
    clean: Sequence[str],
    quality: Sequence[str],
    raw: Sequence[str],
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    themes: str | None = None,
    selection: str | None = None,
    interviews: Mapping | None = None,
    interviews_codebook: str | None = None,
    agreement: Sequence[str] = (),
) -> None:
    """The region's pooled report; every figure of the survey comes from the region's published table.
    ``themes`` (Parquet of `summarise_themes`), ``selection`` (published table of the interview selection),
    ``interviews`` (the config's selection rule) and
    ``interviews_codebook`` feed the interview section; without them it says that no interview was coded for
    the region."""
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    cells = Published.read(published)
    cleans = [pd.read_parquet(p) for p in clean]
    quality_rows, comments = [], []
    agreements = agreement_by_practice(agreement)
    for frame, summary in zip(cleans, (pd.read_parquet(p) for p in quality)):
        practice = str(summary["practice"].iloc[0])
        quality_rows.append(quality_row(labels.get(practice, practice), summary, agreements.get(practice)))
        comments.append({"label": labels.get(practice, practice), "comments": comments_of(frame)})
    by_practice, hidden = [], False
    for indicator in cb.indicators:
        row = [cells.cell(p, indicator.name) if (p, indicator.name, "") in cells else None for p in labels]
        hidden = hidden or any(c is not None and not c.shown for c in row)
        by_practice.append({"label": indicator.label_fr, "cells": ["—" if c is None else c.percent for c in row]})
    tests = pd.read_parquet(associations)
    region_label = meta["region_label"]
    qualitative = qualitative_context(
        cb, labels, region=region, themes=themes, selection=selection,
        interviews=interviews, interviews_codebook=interviews_codebook,
    )
    methods = methods_context(
        cb, settings, cells.threshold, stratified="p_stratified" in tests.columns, design="region"
    )
    methods["selection_rule"] = qualitative["rule"]
    bars = [*labels.items(), (region, region_label)]
    title = f"{cb.title_fr} — {region_label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": region_label,
        "subtitle": "Rapport régional poolé (tous cabinets)",
        "indicators": indicator_rows(cb, cells, region, None),
        "indicator_chart": indicator_chart(cb, cells, (region, region_label), None),
        "practice_labels": list(labels.values()),
        "by_practice": by_practice,
        "by_practice_hidden": hidden,
        "opinion": opinion_figure(cb, cells, bars),
        "distributions": distribution_items(cb, cells, region, None),
        "tests": test_rows(cb, tests, region),
        "stratified": "p_stratified" in tests.columns,
        "quality": quality_rows,
        "comments": comments,
        "qualitative": qualitative,
        "methods": methods,
        "provenance": provenance(raw, cb, pd.concat([return_dates(c) for c in cleans], ignore_index=True)),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)

