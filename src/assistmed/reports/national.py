"""Context builder and renderer of the report on all regions together (« Ensemble des régions »): regions
side by side and charted, each region against the rest, comparisons between regions, pooled tests with
their sensitivity test stratified by practice, the GP strand side by side, and the design note. Every
headline figure comes from a published table (the national one, each region's GP one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import Published
from assistmed.disclosure.gps import ALL
from assistmed.patients import NATIONAL
from assistmed.reports import charts, essentials
from assistmed.reports.common import (
    STRATIFIED_TEST_NAMES,
    TEST_NAMES,
    chart_value,
    design_rows,
    difference_cells,
    figure,
    indicator_rows,
    methods_context,
    n_range,
    period_text,
    provenance,
    test_rows,
    variable_label,
)
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p
from assistmed.reports.methods import design_note
from assistmed.reports.render import render_pdf
from assistmed.settings import AnalysisSettings

NATIONAL_LABEL = "Ensemble des régions"
MAX_CHARTED_REGIONS = 5  # beyond, the chart shows the pooled scope only (the table lists every region)


def regions_side_by_side(codebook: Codebook, published: Published, scopes: Mapping[str, str]) -> list[dict]:
    """For each headline indicator, one row per scope (region, then all regions): n / N, %, IC, as published."""
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


def regions_figure(codebook: Codebook, published: Published, scopes: Mapping[str, str], source: str) -> dict:
    """Every indicator, one point per region and one for all regions (the pooled scope only beyond
    MAX_CHARTED_REGIONS regions), as published (a hidden figure is not drawn)."""
    shown = scopes if len(scopes) <= MAX_CHARTED_REGIONS + 1 else {NATIONAL: scopes[NATIONAL]}
    names = [ind for ind in codebook.indicators if (NATIONAL, ind.name, "") in published]
    series = [
        (label, [chart_value(published.cell(scope, ind.name)) if (scope, ind.name, "") in published else None
                 for ind in names])
        for scope, label in shown.items()
    ]
    alt = " ; ".join(
        f"{ind.label_fr} : " + ", ".join(
            f"{label} {published.cell(scope, ind.name).percent}" for scope, label in shown.items()
            if (scope, ind.name, "") in published
        )
        for ind in names
    )
    frame = published.frame
    pooled = frame[(frame["scope"] == NATIONAL) & (frame["category"] == "") & (frame["variable"] != "response_rate")]
    return figure(
        charts.grouped_intervals([ind.label_fr for ind in names], series, "Proportion (IC 95 %)"),
        "Indicateurs principaux par région et pour l'ensemble des régions",
        f"Proportions par région : {alt}.",
        f"{source} ; ensemble des régions : {n_range([int(n) for n in pooled['N']])} répondants selon l'indicateur.",
    )


def between_region_rows(codebook: Codebook, associations: pd.DataFrame) -> list[dict]:
    """The region × item comparisons of the pooled scope, labelled by the item compared."""
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
                "p_design": fmt_p(r.p_design),
                "v": fmt_decimal(r.cramers_v, 2),
            }
        )
    return rows


def pooled_test_rows(codebook: Codebook, associations: pd.DataFrame) -> list[dict]:
    """The pooled tests (between-region comparisons left out), with the stratified test."""
    pooled = associations[(associations["scope"] == NATIONAL) & (associations["var_a"] != "region")]
    return [
        {
            **row,
            "strat_test": STRATIFIED_TEST_NAMES.get(r.stratified_test, r.stratified_test),
            "p_strat": fmt_p(r.p_stratified),
        }
        for row, r in zip(test_rows(codebook, pooled, NATIONAL), pooled.itertuples(index=False), strict=True)
    ]


def region_difference_rows(
    codebook: Codebook, comparisons: pd.DataFrame, labels: Mapping[str, str], published: Published
) -> list[dict]:
    """Each region against the rest of the regions, every indicator whose figures are published as they are
    (regions are few)."""
    comparisons = essentials.printable_comparisons(comparisons, published)
    return [
        {
            "region": labels.get(r.scope, r.scope),
            "indicator": codebook.indicator(r.indicator).label_fr,
            **difference_cells(r),
            "differs": "oui" if r.differs else "non",
        }
        for r in comparisons.itertuples(index=False)
    ]


def gp_side_by_side(gp_codebook: Codebook, tables: Sequence[Published], labels: Sequence[str]) -> list[dict]:
    """The GP survey's indicators as each region published them, one row per region that has one (surveys
    are not pooled: each was diffused on its own and none has a known denominator)."""
    items = []
    for ind in gp_codebook.indicators:
        rows = [
            {"label": label, "nN": t.cell(ALL, ind.name).n_over_N, "pct": t.cell(ALL, ind.name).percent,
             "ci": t.cell(ALL, ind.name).ci, "hidden": not t.cell(ALL, ind.name).shown}
            for t, label in zip(tables, labels, strict=True)
            if (ALL, ind.name, "") in t
        ]
        if rows:
            items.append({"label": ind.label_fr, "rows": rows})
    return items


def gp_message(gp_codebook: Codebook, tables: Sequence[Published], labels: Sequence[str]) -> list[str]:
    """The share of GPs working with an assistant in each region that surveyed its GPs, as published."""
    name = next((i.name for i in gp_codebook.indicators if i.variable == "has_assistant"), None)
    parts = [
        f"{t.cell(ALL, name).percent} en {label} ({t.cell(ALL, name).n_over_N})"
        for t, label in zip(tables, labels, strict=True)
        if name is not None and (ALL, name, "") in t
    ]
    if not parts:
        return []
    return [f"Médecins généralistes répondants travaillant avec un assistant médical : {' ; '.join(parts)}."]


def render_national_report(
    *,
    published: str,
    indicators: str,
    associations: str,
    comparisons: str,
    period: str,
    gp_published: Sequence[str],
    raw: Sequence[str],
    codebook: str,
    gp_codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    gp_regions: Sequence[str],
    code: str,
    config_digest: str,
) -> None:
    cb, gp_cb = load_codebook(codebook), load_codebook(gp_codebook)
    cells, assoc = Published.read(published), pd.read_parquet(associations)
    compared, periods = pd.read_parquet(comparisons), pd.read_parquet(period)
    region_labels = meta["region_labels"]
    scopes = {**region_labels, NATIONAL: NATIONAL_LABEL}
    gp_tables = [Published.read(p) for p in gp_published]
    gp_labels = [region_labels[r] for r in gp_regions]
    options = AnalysisSettings.of(settings)
    methods = methods_context(cb, options, cells.threshold, stratified=True, design="national")
    design = design_rows(pd.read_parquet(indicators), NATIONAL)
    source = "Source : questionnaire patients, " + ", ".join(region_labels.values())
    pooled_period = periods[periods["scope"] == NATIONAL].iloc[0]
    title = f"{cb.title_fr} — {NATIONAL_LABEL}"
    n_practices = sum(meta["practices"].values())
    context = {
        "title": title,
        "meta": meta,
        "scope_label": f"{NATIONAL_LABEL} ({', '.join(region_labels.values())})",
        "subtitle": f"Rapport de l'ensemble des régions : {fmt_int(len(region_labels))} régions, {fmt_int(n_practices)} cabinets",
        "essentials": {
            "messages": essentials.first_messages(
                essentials.units_differing_message(cb, compared, region_labels, unit_noun="région",
                                                   rest_name="des régions", published=cells),
                essentials.association_messages(cb, assoc[assoc["var_a"] != "region"], NATIONAL,
                                                p_adjust_name=methods["p_adjust"]),
                gp_message(gp_cb, gp_tables, gp_labels),
            ),
            "figures": essentials.headline_figures(cb, cells, NATIONAL, essentials.PATIENT_HEADLINES,
                                                   confidence=options.confidence),
            "note": "Intervalles de l'ensemble : plan de sondage (patients groupés par cabinet, cabinets stratifiés "
            "par région). Écarts : chaque région comparée au reste des régions, intervalle à 95 % de Newcombe de "
            "la différence.",
        },
        "limits": essentials.patient_limits(
            cells, NATIONAL, practices=n_practices, comparisons=len(compared), rest_name="des régions", design=design,
            strata=len(region_labels),
        )
        + [
            "Les régions n'ont pas recueilli leurs questionnaires sur la même période ("
            + " ; ".join(f"{region_labels[r.scope]} : {period_text(r.first_return, r.last_return)}"
                         for r in periods[periods["scope"] != NATIONAL].itertuples(index=False))
            + ")."
        ],
        "indicators": indicator_rows(cb, cells, NATIONAL, None, design),
        "design_note": design_note(options, "national"),
        "regions_figure": regions_figure(cb, cells, scopes, source),
        "side_by_side": regions_side_by_side(cb, cells, scopes),
        "differences": region_difference_rows(cb, compared, region_labels, cells),
        "between": between_region_rows(cb, assoc),
        "tests": pooled_test_rows(cb, assoc),
        "gps": gp_side_by_side(gp_cb, gp_tables, gp_labels),
        "methods": methods,
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=options.seed,
            dates=("Retours des questionnaires", period_text(pooled_period["first_return"], pooled_period["last_return"])),
            inputs=raw,
        ),
    }
    render_pdf("national.html.j2", context, pdf, title=title)
