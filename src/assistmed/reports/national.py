"""Context builder and renderer of the national patient report: regions side by side, comparisons between
regions, national pooled tests with their sensitivity test stratified by practice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import Published
from assistmed.io import read_parquet_stack
from assistmed.patients import NATIONAL
from assistmed.reports.common import (
    STRATIFIED_TEST_NAMES,
    TEST_NAMES,
    indicator_rows,
    methods_context,
    provenance,
    test_rows,
    variable_label,
)
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p
from assistmed.reports.render import render_pdf

NATIONAL_LABEL = "Ensemble (national)"


def regions_side_by_side(codebook: Codebook, published: Published, scopes: Mapping[str, str]) -> list[dict]:
    """For each headline indicator, one row per scope (region, then national): n / N, %, IC, as published."""
    by_scope = {scope: {r["label"]: r for r in indicator_rows(codebook, published, scope, None)} for scope in scopes}
    items = []
    for ind in codebook.indicators:
        rows = [
            {**by_scope[scope][ind.label_fr], "label": label}
            for scope, label in scopes.items()
            if ind.label_fr in by_scope[scope]
        ]
        if rows:
            items.append({"label": ind.label_fr, "rows": rows})
    return items


def between_region_rows(codebook: Codebook, associations: pd.DataFrame) -> list[dict]:
    """The region × item comparisons of the national scope, labelled by the item compared."""
    between = associations[(associations["scope"] == NATIONAL) & (associations["var_a"] == "region")]
    rows = []
    for r in between.itertuples(index=False):
        rows.append(
            {
                "item": variable_label(codebook, r.var_b),
                "test": TEST_NAMES.get(r.test, r.test),
                "n": fmt_int(r.n),
                "p": fmt_p(r.p_value),
                "p_adj": fmt_p(r.p_adjusted),
                "v": fmt_decimal(r.cramers_v, 2),
            }
        )
    return rows


def pooled_test_rows(codebook: Codebook, associations: pd.DataFrame) -> list[dict]:
    """The national pooled tests (between-region comparisons left out), with the stratified test."""
    pooled = associations[(associations["scope"] == NATIONAL) & (associations["var_a"] != "region")]
    return [
        {
            **row,
            "strat_test": STRATIFIED_TEST_NAMES.get(r.stratified_test, r.stratified_test),
            "p_strat": fmt_p(r.p_stratified),
        }
        for row, r in zip(test_rows(codebook, pooled, NATIONAL), pooled.itertuples(index=False), strict=True)
    ]


def render_national_report(
    *,
    published: str,
    indicators: str,
    associations: str,
    clean: Sequence[str],
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
) -> None:
    """The national report; its headline figures come from the national published table (``indicators``, the
    exact table, is only named in the provenance)."""
    cb = load_codebook(codebook)
    cells, assoc = Published.read(published), pd.read_parquet(associations)
    scopes = {**meta["region_labels"], NATIONAL: "National"}
    # Only the return dates are needed (for « Données arrêtées au »): one column of each practice's table.
    dates = read_parquet_stack(clean, columns=["return_date"])
    title = f"{cb.title_fr} — {NATIONAL_LABEL}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": NATIONAL_LABEL,
        "subtitle": "Rapport national poolé : " + ", ".join(meta["region_labels"].values()),
        "indicators": indicator_rows(cb, cells, NATIONAL, None),
        "side_by_side": regions_side_by_side(cb, cells, scopes),
        "between": between_region_rows(cb, assoc),
        "tests": pooled_test_rows(cb, assoc),
        "methods": methods_context(cb, settings, cells.threshold, stratified=True, design="national"),
        "provenance": provenance([indicators, associations], cb, dates["return_date"]),
    }
    render_pdf("national.html.j2", context, pdf, title=title)
