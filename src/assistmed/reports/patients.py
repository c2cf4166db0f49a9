"""Context builders and renderers of the patient-strand reports (per practice and pooled per region).

Every number printed comes from a table an analysis step wrote (indicators, distributions, associations,
the region's descriptive tables of assistmed.patients.describe, the interview flow and themes): this module
chooses, orders and formats. The regional report stays bounded whatever the number of practices: parts that
list practices are capped (``MAX_*``), the complete lists being the CSV annexes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure import is_small, suppress_partition
from assistmed.io import atomic_path
from assistmed.patients import OPINION
from assistmed.qual.flow import STAGES
from assistmed.qual.selection import SelectionRule
from assistmed.reports import charts, essentials
from assistmed.reports.common import (
    figure,
    hidden_cells,
    indicator_alt,
    indicator_chart,
    indicator_rows,
    input_digests,
    masked,
    methods_context,
    n_range,
    period_text,
    provenance,
    quality_row,
    suppressed,
    test_rows,
    text_groups,
)
from assistmed.reports.fmt import fmt_int, fmt_percent, fmt_points
from assistmed.reports.render import render_pdf

# Bounds of the regional report (a thousand practices must not make a thousand-page report).
MAX_SIDE_BY_SIDE = 12  # practices shown side by side (opinion by practice)
MAX_LISTED = 30  # practices listed in a table (annex of indicators, data quality, interview selection)
MAX_DIFFERENCES = 15  # rows of the table of practices that differ from the rest of the region
MAX_COMMENTS = 6  # comments per opinion group in the regional report
MAX_PRACTICE_COMMENTS = 10  # comments per opinion group in a practice report
TABLES = "tables/"  # the CSV annexes, beside the reports' folder (results/<region>/tables/)


def item_tables(
    codebook: Codebook, distributions: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> tuple[list[dict], list[dict]]:
    """(single-choice items, multiple-choice groups) of ``scope``: each single-choice item's categories,
    and one table per group of boxes (each box a row), with small cells masked and the reference scope's
    percentage beside when ``ref_scope`` is given."""
    mine = distributions[distributions["scope"] == scope]
    ref = distributions[distributions["scope"] == ref_scope].set_index(["variable", "category"])["prop"] if ref_scope else None
    items, groups = [], {}
    for name, part in mine.groupby("variable", sort=False):
        variable = codebook.variable(name)
        counts = [int(n) for n in part["n"]]
        N = int(part["N"].iloc[0])
        hidden = hidden_cells(counts, N, variable.is_categorical, threshold)
        rows = []
        for (category, n, prop), hide in zip(part[["category", "n", "prop"]].itertuples(index=False), hidden):
            row = {
                "label": variable.label_for_key(category) if variable.is_categorical else variable.label_fr.split(" : ", 1)[-1],
                "n": masked(threshold) if hide else fmt_int(n),
                "pct": masked(threshold) if hide else fmt_percent(prop),
                "prop": None if hide else float(prop),
            }
            if ref is not None:
                row["ref_pct"] = fmt_percent(ref.get((name, category), float("nan")))
            rows.append(row)
        if variable.is_categorical:
            items.append({"name": name, "label": variable.label_fr, "rows": rows, "N": fmt_int(N)})
        else:
            group = groups.setdefault(variable.group or name, {"rows": [], "N": set()})
            group["rows"] += rows
            group["N"].add(N)
    tables = []
    for key, group in groups.items():
        members = codebook.group_members(key) or [codebook.variable(key)]
        question = members[0].label_fr.split(" : ", 1)[0]
        tables.append(
            {
                "name": key,
                "label": f"{question} (plusieurs réponses possibles)",
                "rows": group["rows"],
                "N": " / ".join(fmt_int(n) for n in sorted(group["N"])),
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


def opinion_figure(
    codebook: Codebook, distributions: pd.DataFrame, bars: Sequence[tuple[str, str, int | None]], source: str
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
    names = [name for _, name, _ in bars]
    alt = " ; ".join(
        f"{name} : " + ", ".join(f"{c} {col[i]}" for i, c in enumerate(categories)) for name, col in zip(names, cells)
    )
    return {
        "name": OPINION,
        "label": variable.label_fr,
        "columns": names,
        "rows": [{"label": c, "cells": [col[i] for col in cells]} for i, c in enumerate(categories)],
        "N": totals,
        "figure": figure(
            charts.stacked_distribution(names, categories, props),
            f"{variable.label_fr} : répartition des réponses",
            f"Barres empilées à 100 %. {alt}.",
            f"{source} ; répondants : " + ", ".join(f"{name} {n}" for name, n in zip(names, totals)) + ".",
        ),
    }


def comment_groups(codebook: Codebook, comments: pd.DataFrame, scope: str, limit: int) -> list[dict]:
    """The comments of ``scope`` grouped by overall opinion, in the order of the scale, unanswered last."""
    variable = codebook.variable(OPINION)
    groups = [(k, f"Patients ayant répondu « {variable.label_for_key(k)} »") for k in variable.keys]
    return text_groups(comments, scope, [*groups, ("", "Avis global non renseigné")], limit=limit)


def difference_rows(
    codebook: Codebook, comparisons: pd.DataFrame, labels: Mapping[str, str], threshold: int | None
) -> list[dict]:
    """The practices that differ from the rest of the region, largest differences first (bounded)."""
    differing = comparisons[comparisons["differs"]]
    if threshold is not None:
        differing = differing[[not suppressed(r, threshold) for _, r in differing.iterrows()]]
    differing = differing.assign(size=differing["difference"].abs()).sort_values("size", ascending=False, kind="mergesort")
    return [
        {
            "practice": labels.get(r.scope, r.scope),
            "indicator": codebook.indicator(r.indicator).label_fr,
            "pct": fmt_percent(r.prop),
            "rest": fmt_percent(r.prop_rest),
            "difference": fmt_points(r.difference),
            "ci": f"[{fmt_points(r.diff_low)} ; {fmt_points(r.diff_high)}]",
        }
        for r in differing.head(MAX_DIFFERENCES).itertuples(index=False)
    ]


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


FLOW_LABELS = {
    "selected": "sélectionnés (règle ci-dessous)",
    "reached": "joints par téléphone",
    "interviewed": "interrogés",
    "coded": "entretiens codés dans la grille",
}


def flow_rows(flow: pd.DataFrame) -> list[dict]:
    counts = flow.set_index("stage")["n"]
    return [
        {"label": FLOW_LABELS[stage], "n": "non renseigné" if pd.isna(counts[stage]) else fmt_int(counts[stage])}
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
    threshold: int,
    *,
    themes: str | None,
    selection: str | None,
    flow: str | None,
    interviews: Mapping | None,
    interviews_codebook: str | None,
) -> dict:
    """The pooled report's interview section; every part is None when its input was not given."""
    context: dict = {"rule": None, "selection": None, "selection_total": None, "flow": None, "themes": None}
    if interviews is not None:
        context["rule"] = SelectionRule.from_config(interviews).describe_fr(codebook)
    if selection is not None:
        table = pd.read_parquet(selection)
        rows, context["selection_total"] = selection_rows(table, labels, threshold)
        context["selection"] = rows if len(rows) <= MAX_LISTED else None
    if flow is not None:
        context["flow"] = flow_rows(pd.read_parquet(flow))
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


def _indicator_figure(codebook, indicators, rows, scope, reference, source) -> dict:
    """Figure of the indicators of ``scope`` (id, name, threshold) beside ``reference`` (id, name)."""
    shown = indicators[(indicators["scope"] == scope[0]) & (indicators["indicator"] != "response_rate")]
    return figure(
        indicator_chart(codebook, indicators, scope, reference),
        "Indicateurs principaux et leurs intervalles de confiance à 95 %",
        indicator_alt(rows, scope[1], reference[1] if reference else None),
        f"{source} ; {n_range(shown['N'].tolist())} répondants selon l'indicateur.",
    )


def render_practice_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    comparisons: str,
    comments: str,
    period: str,
    quality: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
    code: str,
    config_digest: str,
    agreement: str | None = None,
) -> None:
    """A practice's report; ``quality`` is its quality summary (clean step), ``agreement`` its double-entry
    agreement table when it was typed twice."""
    cb = load_codebook(codebook)
    practice, region = meta["practice"], meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    region_label = meta["region_label"]
    ind, dist = pd.read_parquet(indicators), pd.read_parquet(distributions)
    compared, periods = pd.read_parquet(comparisons), pd.read_parquet(period)
    source = _source(meta, label)
    rows = indicator_rows(cb, ind, practice, region, threshold)
    items, groups = item_tables(cb, dist, practice, region, threshold)
    opinion = opinion_figure(cb, dist, [(practice, label, threshold), (region, region_label, None)], _source(meta, label))
    figures = essentials.headline_figures(
        cb, ind, practice, essentials.PATIENT_HEADLINES, threshold=threshold, reference=(region, "région")
    )
    rest = "de la région"
    messages = essentials.first_messages(
        essentials.difference_messages(cb, compared, practice, rest_name=rest, threshold=threshold),
        essentials.most_cited_messages(cb, ind, dist, practice, threshold=threshold),
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
            ind, practice, practices=1, comparisons=int((compared["scope"] == practice).sum()), threshold=threshold
        ),
        "indicators": rows,
        "indicator_figure": _indicator_figure(cb, ind, rows, (practice, label, threshold), (region, region_label), source),
        "opinion": opinion,
        "items": items,
        "groups": groups,
        "tests": test_rows(cb, pd.read_parquet(associations), practice),
        "quality": [quality_row(label, pd.read_parquet(quality), pd.read_parquet(agreement) if agreement else None)],
        "comments": comment_groups(cb, pd.read_parquet(comments), practice, MAX_PRACTICE_COMMENTS),
        "comments_note": "Textes libres des patients, sans balises ni liens ; noms, numéros de téléphone et adresses "
        "électroniques retirés ; les commentaires identiques sont comptés une fois (« × n »).",
        "methods": methods_context(cb, settings, threshold),
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=settings.get("seed", 20210101),
            dates=_period_of(periods, practice), inputs=[raw],
        ),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def agreement_by_practice(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Practice id → its double-entry agreement table (practices typed twice only)."""
    tables = [pd.read_parquet(p) for p in paths]
    return {str(t["practice"].iloc[0]): t for t in tables}


def by_practice_rows(codebook: Codebook, indicators: pd.DataFrame, labels: Mapping[str, str], threshold: int) -> list[dict]:
    """The annex of indicators by practice: one row per practice (bounded by MAX_LISTED), % per indicator."""
    table = indicators.set_index(["scope", "indicator"])
    rows = []
    for practice, label in list(labels.items())[:MAX_LISTED]:
        cells = []
        for indicator in codebook.indicators:
            if (practice, indicator.name) not in table.index:
                cells.append("—")
                continue
            r = table.loc[(practice, indicator.name)]
            cells.append(masked(threshold) if suppressed(r, threshold) else fmt_percent(r["prop"]))
        rows.append({"label": label, "cells": cells})
    return rows


def write_input_digests(raw: Sequence[str | Path], output: str | Path) -> None:
    """The per-file SHA-256 of the raw inputs as a CSV annex (file;sha256)."""
    from assistmed.io import write_spreadsheet_csv

    _, table = input_digests(raw)
    with atomic_path(output) as tmp:
        write_spreadsheet_csv(table, tmp)


def render_region_patients_report(
    *,
    indicators: str,
    distributions: str,
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
    threshold: int,
    code: str,
    config_digest: str,
    themes: str | None = None,
    selection: str | None = None,
    flow: str | None = None,
    interviews: Mapping | None = None,
    interviews_codebook: str | None = None,
    agreement: Sequence[str] = (),
) -> None:
    """The region's pooled report, and the CSV of its input digests (``digests``). ``quality``: every
    practice's quality summary, ``agreement``: the double-entry agreement tables of practices typed twice. ``themes`` (Parquet of
    `summarise_themes`), ``selection`` (of `count_interview_candidates`), ``flow`` (of `interview_flow`),
    ``interviews`` (the config's selection rule) and ``interviews_codebook`` feed the interview section;
    without them it says that no interview was coded for the region."""
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    region_label = meta["region_label"]
    ind, dist, tests = pd.read_parquet(indicators), pd.read_parquet(distributions), pd.read_parquet(associations)
    compared, periods = pd.read_parquet(comparisons), pd.read_parquet(period)
    source = _source(meta, region_label)
    agreements = agreement_by_practice(agreement)
    quality_rows = [
        quality_row(labels.get(p, p), pd.read_parquet(path), agreements.get(p))
        for p, path in zip(list(labels)[:MAX_LISTED], quality)
    ]
    qualitative = qualitative_context(
        cb, labels, threshold, themes=themes, selection=selection, flow=flow, interviews=interviews,
        interviews_codebook=interviews_codebook,
    )
    theme_table = pd.read_parquet(themes) if themes else None
    flow_table = pd.read_parquet(flow) if flow else None
    p_adjust = methods_context(cb, settings, threshold)["p_adjust"]
    methods = methods_context(cb, settings, threshold, stratified="p_stratified" in tests.columns)
    methods["selection_rule"] = qualitative["rule"]
    side_by_side = len(labels) <= MAX_SIDE_BY_SIDE
    bars = ([(p, name, threshold) for p, name in labels.items()] if side_by_side else []) + [(region, region_label, None)]
    rows = indicator_rows(cb, ind, region, None, None)
    items, groups = item_tables(cb, dist, region, None, None)
    messages = essentials.first_messages(
        essentials.units_differing_message(cb, compared, labels, unit_noun="cabinet", rest_name="de la région",
                                           threshold=threshold),
        essentials.association_messages(cb, tests, region, p_adjust_name=p_adjust),
        essentials.most_cited_messages(cb, ind, dist, region),
        essentials.interview_message(flow_table, theme_table),
    )
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
            "figures": essentials.headline_figures(cb, ind, region, essentials.PATIENT_HEADLINES),
            "note": "Écarts : chaque cabinet comparé au reste de la région (les autres cabinets), intervalle à 95 % "
            "de Newcombe de la différence ; associations : p ajusté pour tests multiples inférieur à 0,05.",
        },
        "limits": essentials.patient_limits(
            ind, region, practices=len(labels), comparisons=len(compared),
            interviews_min_negative=int(interviews["min_negative"]) if interviews else None,
        ),
        "indicators": rows,
        "indicator_figure": _indicator_figure(cb, ind, rows, (region, region_label, None), None, source),
        "differences": difference_rows(cb, compared, labels, threshold),
        "n_comparisons": fmt_int(len(compared)),
        "n_differing": fmt_int(int(compared["differs"].sum())),
        "opinion": opinion_figure(cb, dist, bars, source),
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
        "by_practice": by_practice_rows(cb, ind, labels, threshold),
        "annex_complete": len(labels) <= MAX_LISTED,
        "indicators_csv": f"{TABLES}patients-indicators.csv",
        "methods": methods,
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=settings.get("seed", 20210101),
            dates=_period_of(periods, region), inputs=raw, inputs_annex=digest_annex,
        ),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)
