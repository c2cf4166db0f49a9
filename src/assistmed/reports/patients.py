"""Context builders and renderers of the patient-strand reports (per practice and pooled per region).

Every number printed comes from a table an analysis step wrote (the region's published table — every count,
percentage and interval of the survey as the small-count policy lets it be printed —, associations, the
region's descriptive tables of assistmed.patients.describe, the interview flow and themes): this module
chooses, orders and formats. The regional report stays bounded whatever the number of practices: parts that
list practices are capped (``MAX_*``), the complete lists being the CSV annexes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import Published
from assistmed.disclosure.patients import SELECTION
from assistmed.io import atomic_path
from assistmed.patients import OPINION
from assistmed.qual.flow import STAGES
from assistmed.qual.selection import SelectionRule
from assistmed.reports import charts, essentials
from assistmed.reports.batch import render_each
from assistmed.reports.common import (
    design_rows,
    difference_cells,
    figure,
    indicator_alt,
    indicator_chart,
    indicator_rows,
    input_digests,
    methods_context,
    n_range,
    period_text,
    provenance,
    quality_row,
    test_rows,
    text_groups,
)
from assistmed.reports.fmt import fmt_int
from assistmed.reports.methods import TESTS_DESIGN_NOTE, design_note
from assistmed.reports.render import render_pdf
from assistmed.settings import AnalysisSettings

# Bounds of the regional report (a thousand practices must not make a thousand-page report).
MAX_SIDE_BY_SIDE = 12  # practices shown side by side (opinion by practice)
MAX_LISTED = 30  # practices listed in a table (annex of indicators, data quality, interview selection)
MAX_NAMED = 10  # practices named in a sentence (funnel plots: outside the limits, not drawn)
MAX_DIFFERENCES = 15  # rows of the table of practices that differ from the rest of the region
MAX_COMMENTS = 6  # comments per opinion group in the regional report
MAX_PRACTICE_COMMENTS = 10  # comments per opinion group in a practice report
TABLES = "tables/"  # the CSV annexes, beside the reports' folder (results/<region>/tables/)


def item_tables(
    codebook: Codebook, published: Published, scope: str, ref_scope: str | None
) -> tuple[list[dict], list[dict]]:
    """(single-choice items, multiple-choice groups) of ``scope`` as published: each single-choice item's
    categories, and one table per group of boxes (each box a row), with the reference scope's percentage
    beside when ``ref_scope`` is given. ``prop`` is what a chart may draw (None for a hidden cell)."""
    frame = published.frame
    part = frame[(frame["scope"] == scope) & (frame["category"] != "")]
    items, groups = [], {}
    for v in codebook.variables:
        rows_of = part[part["variable"] == v.name]
        if not len(rows_of):
            continue
        rows = []
        for category in rows_of["category"]:
            cell = published.cell(scope, v.name, category)
            row = {
                "label": v.label_for_key(category) if v.is_categorical else v.label_fr.split(" : ", 1)[-1],
                "n": cell.count,
                "pct": cell.percent,
                "prop": cell.proportion,
                "hidden": not cell.shown,
            }
            if ref_scope is not None:
                ref = published.cell(ref_scope, v.name, category)
                row["ref_pct"], row["hidden"] = ref.percent, row["hidden"] or not ref.shown
            rows.append(row)
        N = fmt_int(rows_of["N"].iloc[0])
        if v.is_categorical:
            items.append({"name": v.name, "label": v.label_fr, "rows": rows, "N": N})
        else:
            group = groups.setdefault(v.group or v.name, {"rows": [], "N": []})
            group["rows"] += rows
            group["N"] = list(dict.fromkeys([*group["N"], N]))
    tables = []
    for key, group in groups.items():
        members = codebook.group_members(key) or [codebook.variable(key)]
        question = members[0].label_fr.split(" : ", 1)[0]
        tables.append(
            {
                "name": key,
                "label": f"{question} (plusieurs réponses possibles)",
                "rows": group["rows"],
                "N": " / ".join(group["N"]),
            }
        )
    return items, tables


def group_figure(group: dict, source: str) -> dict:
    """One chart per multiple-choice question: the share of respondents ticking each box."""
    rows = group["rows"]
    return figure(
        charts.share_bars([r["label"] for r in rows], [r["prop"] for r in rows], "% des répondants à la question"),
        f"{group['label']}",
        f"{group['label']} : " + " ; ".join(f"{r['label']} {r['pct']}" for r in rows) + ".",
        f"{source} ; n = {group['N']} répondants à la question.",
    )


def opinion_figure(codebook: Codebook, published: Published, bars: Sequence[tuple[str, str]], source: str) -> dict:
    """The overall opinion's distribution, one column per (scope id, name): the published percentages and
    the stacked chart of the same cells (hidden cells grouped in one hatched segment, never given a size)."""
    variable = codebook.variable(OPINION)
    cells = [[published.cell(scope, OPINION, key) for key in variable.keys] for scope, _ in bars]
    frame = published.frame
    totals = [
        fmt_int(frame.loc[(frame["scope"] == scope) & (frame["variable"] == OPINION), "N"].iloc[0]) for scope, _ in bars
    ]
    categories = [variable.label_for_key(k) for k in variable.keys]
    names = [name for _, name in bars]
    alt = " ; ".join(
        f"{name} : " + ", ".join(f"{c} {col[i].percent}" for i, c in enumerate(categories)) for name, col in zip(names, cells)
    )
    hidden = any(not c.shown for col in cells for c in col)
    return {
        "name": OPINION,
        "label": variable.label_fr,
        "columns": names,
        "rows": [{"label": c, "cells": [col[i].percent for col in cells]} for i, c in enumerate(categories)],
        "N": totals,
        "hidden": hidden,
        "figure": figure(
            charts.stacked_distribution(names, categories, [[c.proportion for c in col] for col in cells]),
            f"{variable.label_fr} : répartition des réponses",
            f"Barres empilées à 100 %. {alt}.",
            f"{source} ; répondants : " + ", ".join(f"{name} {n}" for name, n in zip(names, totals)) + "."
            + (" Partie hachurée : réponses masquées, regroupées." if hidden else ""),
        ),
    }


def comment_groups(codebook: Codebook, comments: pd.DataFrame, scope: str, limit: int) -> list[dict]:
    """The comments of ``scope`` grouped by overall opinion, in the order of the scale, unanswered last."""
    variable = codebook.variable(OPINION)
    groups = [(k, f"Patients ayant répondu « {variable.label_for_key(k)} »") for k in variable.keys]
    return text_groups(comments, scope, [*groups, ("", "Avis global non renseigné")], limit=limit)


def difference_rows(
    codebook: Codebook, comparisons: pd.DataFrame, labels: Mapping[str, str], published: Published
) -> list[dict]:
    """The practices that differ from the rest of the region, largest differences first (bounded), among
    the figures published as they are."""
    differing = essentials.printable_comparisons(comparisons, published)
    differing = differing[differing["differs"]]
    differing = differing.assign(size=differing["difference"].abs()).sort_values("size", ascending=False, kind="mergesort")
    return [
        {
            "practice": labels.get(r.scope, r.scope),
            "indicator": codebook.indicator(r.indicator).label_fr,
            **difference_cells(r),
        }
        for r in differing.head(MAX_DIFFERENCES).itertuples(index=False)
    ]


def selection_rows(published: Published, labels: Mapping[str, str], region: str) -> tuple[list[dict], str]:
    """Interviewees selected per practice and in total, as published."""
    rows = [{"label": name, "n": published.cell(p, SELECTION).count} for p, name in labels.items()]
    return rows, published.cell(region, SELECTION).count


FLOW_LABELS = {
    "selected": "sélectionnés (règle ci-dessous)",
    "reached": "joints par téléphone",
    "interviewed": "interrogés",
    "coded": "entretiens codés dans la grille",
}


def flow_rows(flow: pd.DataFrame, selected: str) -> list[dict]:
    """The interview flow; the number selected as the selection's published total."""
    counts = flow.set_index("stage")["n"]
    return [
        {
            "label": FLOW_LABELS[stage],
            "n": selected if stage == "selected" else "non renseigné" if pd.isna(counts[stage]) else fmt_int(counts[stage]),
        }
        for stage in STAGES
    ]


def theme_rows(themes: pd.DataFrame, interviews_codebook: Codebook) -> list[dict]:
    """Each theme with its origin, its count and one quote."""
    origin = interviews_codebook.variable("origin")
    rows = []
    for r in themes.itertuples(index=False):
        noun = "entretien" if int(r.n_interviews) == 1 else "entretiens"
        rows.append(
            {
                "label": r.label,
                "origin": "—" if pd.isna(r.origin) else origin.label_for_key(r.origin),
                "count": f"{fmt_int(r.n_interviews)} {noun} sur {fmt_int(r.n_total)}",
                "quote": str(r.excerpts[0]) if len(r.excerpts) else "",
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
    flow: str | None,
    interviews: Mapping | None,
    interviews_codebook: str | None,
) -> dict:
    """The pooled report's interview section; every part is None when its input was not given (``selection``:
    the published table of the interview selection)."""
    context: dict = {"rule": None, "selection": None, "selection_total": None, "flow": None, "themes": None}
    if interviews is not None:
        context["rule"] = SelectionRule.from_config(interviews).describe_fr(codebook)
    if selection is not None:
        rows, context["selection_total"] = selection_rows(Published.read(selection), labels, region)
        context["selection"] = rows if len(rows) <= MAX_LISTED else None
    if flow is not None and context["selection_total"] is not None:
        context["flow"] = flow_rows(pd.read_parquet(flow), context["selection_total"])
    if themes is not None:
        if interviews_codebook is None:
            raise ValueError("themes given without interviews_codebook: origin labels come from that codebook")
        context["themes"] = theme_rows(pd.read_parquet(themes), load_codebook(interviews_codebook))
    return context


def _period_of(period: pd.DataFrame, scope: str) -> tuple[str, str]:
    row = period[period["scope"] == scope].iloc[0]
    return "Retours des questionnaires", period_text(row["first_return"], row["last_return"])


def _source(meta: Mapping, scope_name: str) -> str:
    years = ""
    if meta.get("period"):
        start, end = meta["period"]["start"][:4], meta["period"]["end"][:4]
        years = f", {start}" if start == end else f", {start}–{end}"
    return f"Source : questionnaire patients{years}, {scope_name}"


def _indicator_figure(codebook, published: Published, rows, scope, reference, source) -> dict:
    """Figure of the indicators of ``scope`` (id, name) beside ``reference`` (id, name)."""
    frame = published.frame
    shown = frame[(frame["scope"] == scope[0]) & (frame["category"] == "") & (frame["variable"] != "response_rate")]
    return figure(
        indicator_chart(codebook, published, scope, reference),
        "Indicateurs principaux et leurs intervalles de confiance à 95 %",
        indicator_alt(rows, scope[1], reference[1] if reference else None),
        f"{source} ; {n_range([int(n) for n in shown['N']])} répondants selon l'indicateur.",
    )


def named(items: Sequence[str], limit: int = MAX_NAMED) -> list[str]:
    """At most ``limit`` items of a list printed in a sentence, the rest counted (« et 159 autres »)."""
    if len(items) <= limit:
        return list(items)
    return [*items[:limit], f"et {fmt_int(len(items) - limit)} autres"]


def funnel_figure(
    codebook: Codebook, published: Published, funnel: pd.DataFrame, labels: Mapping[str, str], region: str,
    names: Sequence[str], source: str,
) -> dict | None:
    """The funnel plots of the indicators ``names`` (the funnel table of `pool_region`): a practice is drawn
    only where its figure is shown as it is (a hidden or bounded one would be given back by its point); the
    control limits at every practice's number of respondents (published) are drawn."""
    panels, outside, hidden = [], [], []
    for name in names:
        part = funnel[funnel["indicator"] == name].sort_values(["N", "practice"], kind="mergesort")
        if part.empty:
            continue
        label = codebook.indicator(name).label_fr
        shown = [(p, name, "") in published and published.cell(p, name).shown for p in part["practice"]]
        drawn = part[shown]
        hidden += [f"{labels.get(p, p)} ({label.lower()})" for p in part.loc[[not s for s in shown], "practice"]]
        outside += [f"{labels.get(r.practice, r.practice)} ({label.lower()})"
                    for r in drawn.itertuples(index=False) if r.outside_998]
        pooled = published.cell(region, name)
        panels.append(charts.FunnelPanel(
            title=label,
            respondents=drawn["N"].tolist(),
            props=drawn["prop"].tolist(),
            labels=[labels.get(p, p) for p in drawn["practice"]],
            outside=drawn["outside_998"].tolist(),
            pooled=float(part["pooled_prop"].iloc[0]) if pooled.shown else None,
            limits_n=part["N"].tolist(),
            low_95=part["low_95"].tolist(),
            high_95=part["high_95"].tolist(),
            low_998=part["low_998"].tolist(),
            high_998=part["high_998"].tolist(),
        ))
    if not panels:
        return None
    outside, hidden = named(outside), named(hidden)
    alt = (
        "Pour chaque indicateur, la proportion de chaque cabinet selon son nombre de répondants, avec les limites "
        "de contrôle à 95 % et 99,8 % autour de la proportion de la région. Cabinets hors des limites à 99,8 % : "
        + ("; ".join(outside) if outside else "aucun")
        + (". Non tracés (chiffre masqué ou borné) : " + "; ".join(hidden) if hidden else "")
        + "."
    )
    return {
        **figure(
            charts.funnel_plots(panels),
            "Les cabinets et les limites de contrôle de la région (graphiques en entonnoir)",
            alt,
            f"{source} ; limites binomiales exactes autour de la proportion de la région (Spiegelhalter 2005).",
        ),
        "outside": outside,
        "hidden": hidden,
    }


@dataclass(frozen=True)
class RegionTables:
    """What every practice report of a region reads, loaded once per job."""

    codebook: Codebook
    cells: Published
    comparisons: pd.DataFrame
    comments: pd.DataFrame
    periods: pd.DataFrame

    @classmethod
    def read(cls, *, published: str, comparisons: str, comments: str, period: str, codebook: str) -> RegionTables:
        return cls(
            load_codebook(codebook), Published.read(published), pd.read_parquet(comparisons),
            pd.read_parquet(comments), pd.read_parquet(period),
        )


def render_practice_reports(
    *,
    published: str,
    comparisons: str,
    comments: str,
    period: str,
    codebook: str,
    practices: Sequence[str],
    associations: Sequence[str],
    quality: Sequence[str],
    raw: Sequence[str],
    pdf: Sequence[str],
    meta: Mapping[str, Mapping],
    settings: Mapping,
    code: str,
    config_digest: Mapping[str, str],
    agreement: Sequence[str] = (),
    processes: int = 1,
) -> None:
    """The reports of some practices of a region (a chunk: one job), shared among ``processes`` workers.

    ``associations``, ``quality`` (each practice's quality summary, clean step), ``raw`` and ``pdf`` are given
    in the order of ``practices``; ``meta`` and ``config_digest`` by practice; ``agreement`` holds the
    double-entry agreement tables of the practices typed twice. Every figure of the survey comes from the
    region's published table. A report that fails is named in the error, and no file is left for it."""
    tables = RegionTables.read(
        published=published, comparisons=comparisons, comments=comments, period=period, codebook=codebook
    )
    agreements = agreement_by_practice(agreement)
    options = AnalysisSettings.of(settings)
    inputs = {
        practice: (pd.read_parquet(tests), pd.read_parquet(summary), raw_file, output)
        for practice, tests, summary, raw_file, output in zip(practices, associations, quality, raw, pdf, strict=True)
    }

    def render(practice: str) -> None:
        tests, summary, raw_file, output = inputs[practice]
        _render_practice(
            tables, practice, tests=tests, quality=summary, agreement=agreements.get(practice), raw=raw_file,
            pdf=output, meta=meta[practice], options=options, code=code, config_digest=config_digest[practice],
        )

    render_each(practices, render, processes)


def _render_practice(
    tables: RegionTables,
    practice: str,
    *,
    tests: pd.DataFrame,
    quality: pd.DataFrame,
    agreement: pd.DataFrame | None,
    raw: str,
    pdf: str,
    meta: Mapping,
    options: AnalysisSettings,
    code: str,
    config_digest: str,
) -> None:
    """One practice's report from its region's tables and its own: its tests, its quality summary and its
    double-entry agreement table when it was typed twice."""
    cb, cells, compared, periods = tables.codebook, tables.cells, tables.comparisons, tables.periods
    region = meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    region_label = meta["region_label"]
    source = _source(meta, label)
    rows = indicator_rows(cb, cells, practice, region)
    items, groups = item_tables(cb, cells, practice, region)
    opinion = opinion_figure(cb, cells, [(practice, label), (region, region_label)], source)
    figures = essentials.headline_figures(
        cb, cells, practice, essentials.PATIENT_HEADLINES, reference=(region, "région"), confidence=options.confidence
    )
    messages = essentials.first_messages(
        essentials.difference_messages(cb, compared, practice, rest_name="de la région", published=cells),
        essentials.most_cited_messages(cb, cells, practice),
    )
    title = f"{cb.title_fr} — {label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": f"{label} ({region_label})",
        "subtitle": "Rapport du cabinet",
        "essentials": {
            "messages": messages,
            "figures": figures,
            "note": "Écarts : le cabinet comparé au reste de la région (les autres cabinets), intervalle à 95 % de "
            "Newcombe de la différence ; un écart est retenu quand cet intervalle exclut 0.",
        },
        "limits": essentials.patient_limits(
            cells, practice, practices=1, comparisons=int((compared["scope"] == practice).sum()),
            threshold=cells.threshold,
        ),
        "indicators": rows,
        "indicator_figure": _indicator_figure(cb, cells, rows, (practice, label), (region, region_label), source),
        "opinion": opinion,
        "items": items,
        "groups": groups,
        "tests": test_rows(cb, tests, practice),
        "quality": [quality_row(label, quality, agreement)],
        "comments": comment_groups(cb, tables.comments, practice, MAX_PRACTICE_COMMENTS),
        "comments_note": "Textes libres des patients, sans balises ni liens ; noms, numéros de téléphone et adresses "
        "électroniques retirés ; les commentaires identiques sont comptés une fois (« × n »).",
        "methods": methods_context(cb, options, cells.threshold),
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=options.seed,
            dates=_period_of(periods, practice), inputs=[raw],
        ),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def agreement_by_practice(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Practice id → its double-entry agreement table (practices typed twice only)."""
    tables = [pd.read_parquet(p) for p in paths]
    return {str(t["practice"].iloc[0]): t for t in tables}


def by_practice_rows(codebook: Codebook, published: Published, labels: Mapping[str, str]) -> list[dict]:
    """The annex of indicators by practice: one row per practice (bounded by MAX_LISTED), % per indicator as
    published."""
    rows = []
    for practice, label in list(labels.items())[:MAX_LISTED]:
        cells = [
            published.cell(practice, ind.name) if (practice, ind.name, "") in published else None
            for ind in codebook.indicators
        ]
        rows.append(
            {"label": label, "cells": ["—" if c is None else c.percent for c in cells],
             "hidden": any(c is not None and not c.shown for c in cells)}
        )
    return rows


def write_input_digests(raw: Sequence[str | Path], output: str | Path) -> None:
    """The per-file SHA-256 of the raw inputs as a CSV annex (file;sha256)."""
    from assistmed.io import write_spreadsheet_csv

    _, table = input_digests(raw)
    with atomic_path(output) as tmp:
        write_spreadsheet_csv(table, tmp)


def render_region_patients_report(
    *,
    published: str,
    indicators: str,
    funnel: str,
    associations: str,
    comparisons: str,
    comments: str,
    period: str,
    quality: Sequence[str],
    raw: Sequence[str],
    codebook: str,
    pdf: str,
    digests: str,
    meta: Mapping,
    settings: Mapping,
    code: str,
    config_digest: str,
    themes: str | None = None,
    selection: str | None = None,
    flow: str | None = None,
    interviews: Mapping | None = None,
    interviews_codebook: str | None = None,
    agreement: Sequence[str] = (),
) -> None:
    """The region's pooled report, and the CSV of its input digests (``digests``). Every figure of the
    survey comes from the region's published table. ``quality``: every practice's quality summary,
    ``agreement``: the double-entry agreement tables of practices typed twice. ``themes`` (Parquet of
    `summarise_themes`), ``selection`` (published table of the interview selection), ``flow`` (of
    `interview_flow`), ``interviews`` (the config's selection rule) and ``interviews_codebook`` feed the
    interview section; without them it says that no interview was coded for the region."""
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    region_label = meta["region_label"]
    cells, tests = Published.read(published), pd.read_parquet(associations)
    compared, periods = pd.read_parquet(comparisons), pd.read_parquet(period)
    source = _source(meta, region_label)
    agreements = agreement_by_practice(agreement)
    quality_rows = [
        quality_row(labels.get(p, p), pd.read_parquet(path), agreements.get(p))
        for p, path in zip(list(labels)[:MAX_LISTED], quality)
    ]
    qualitative = qualitative_context(
        cb, labels, region=region, themes=themes, selection=selection, flow=flow, interviews=interviews,
        interviews_codebook=interviews_codebook,
    )
    theme_table = pd.read_parquet(themes) if themes else None
    flow_table = pd.read_parquet(flow) if flow else None
    options = AnalysisSettings.of(settings)
    methods = methods_context(cb, options, cells.threshold, stratified="p_stratified" in tests.columns, design="region")
    design = design_rows(pd.read_parquet(indicators), region)
    methods["selection_rule"] = qualitative["rule"]
    side_by_side = len(labels) <= MAX_SIDE_BY_SIDE
    bars = ([*labels.items()] if side_by_side else []) + [(region, region_label)]
    rows = indicator_rows(cb, cells, region, None, design)
    items, groups = item_tables(cb, cells, region, None)
    messages = essentials.first_messages(
        essentials.units_differing_message(cb, compared, labels, unit_noun="cabinet", rest_name="de la région",
                                           published=cells),
        essentials.association_messages(cb, tests, region, p_adjust_name=methods["p_adjust"]),
        essentials.most_cited_messages(cb, cells, region),
        essentials.interview_message(flow_table, theme_table, qualitative["selection_total"]),
    )
    printable = essentials.printable_comparisons(compared, cells)
    digest_annex = f"{TABLES}{Path(digests).name}"
    write_input_digests(raw, digests)
    title = f"{cb.title_fr} — {region_label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": region_label,
        "subtitle": f"Rapport régional : {fmt_int(len(labels))} cabinets",
        "essentials": {
            "messages": messages,
            "figures": essentials.headline_figures(
                cb, cells, region, essentials.PATIENT_HEADLINES, confidence=options.confidence
            ),
            "note": "Intervalles de la région : plan de sondage (patients groupés par cabinet). Écarts : chaque "
            "cabinet comparé au reste de la région (les autres cabinets), intervalle à 95 % de Newcombe de la "
            "différence ; associations : p ajusté pour tests multiples inférieur à 0,05, avec le p du plan de "
            "sondage.",
        },
        "limits": essentials.patient_limits(
            cells, region, practices=len(labels), comparisons=len(compared),
            interviews_min_negative=int(interviews["min_negative"]) if interviews else None, design=design,
        ),
        "indicators": rows,
        "design_note": design_note(options, "region"),
        "tests_note": TESTS_DESIGN_NOTE,
        "design_tests": "p_design" in tests.columns,
        "indicator_figure": _indicator_figure(cb, cells, rows, (region, region_label), None, source),
        "funnel": funnel_figure(cb, cells, pd.read_parquet(funnel), labels, region, essentials.PATIENT_HEADLINES, source),
        "differences": difference_rows(cb, compared, labels, cells),
        "n_comparisons": fmt_int(len(printable)),
        "n_differing": fmt_int(int(printable["differs"].sum())),
        "opinion": opinion_figure(cb, cells, bars, source),
        "side_by_side": side_by_side,
        "items": items,
        "group_figures": [group_figure(g, source) for g in groups],
        "tests": test_rows(cb, tests, region),
        "stratified": "p_stratified" in tests.columns,
        "quality": quality_rows,
        "quality_listed": len(labels) <= MAX_LISTED,
        "comments": comment_groups(cb, pd.read_parquet(comments), region, MAX_COMMENTS),
        "comments_note": "Textes libres des patients, sans balises ni liens ; noms, numéros de téléphone et adresses "
        "électroniques retirés ; les commentaires identiques sont comptés une fois (« × n »). Liste complète, par "
        f"cabinet : {TABLES}patients-comments.csv.",
        "qualitative": qualitative,
        "practice_labels": list(labels.values())[:MAX_LISTED],
        "indicator_labels": [i.label_fr for i in cb.indicators],
        "by_practice": by_practice_rows(cb, cells, labels),
        "annex_complete": len(labels) <= MAX_LISTED,
        "indicators_csv": f"{TABLES}patients-indicators.csv",
        "methods": methods,
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=options.seed,
            dates=_period_of(periods, region), inputs=raw, inputs_annex=digest_annex,
        ),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)
