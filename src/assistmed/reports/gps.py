"""Context builder and renderer of the regional GP survey report.

Every count of GPs printed comes from the region's published GP table (the small-count policy of
assistmed.disclosure decided each one); the other numbers from the GP tables (respondents and free texts of
`describe_gps`; determinants, with the share of GPs with an assistant at each level, and model of
`analyse_gps`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import SECONDARY_MARK, Cell, Published
from assistmed.disclosure.gps import ALL, ODDS_RATIO, PROFILE
from assistmed.gps.barriers import SUBGROUPS
from assistmed.reports import charts, essentials
from assistmed.reports.common import (
    TEST_NAMES,
    chart_value,
    figure,
    indicator_rows,
    methods_context,
    period_text,
    provenance,
    text_groups,
)
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.render import render_pdf
from assistmed.settings import AnalysisSettings

# What the GP report's audit takes together (for the methods text).
GP_OUTPUTS = "du rapport médecins (rapport et tableaux)"
# Asked of GPs with an assistant (page 3), and of GPs without one.
WITH_ASSISTANT_ITEMS = ("assistant_since", "satisfaction")
WITHOUT_ASSISTANT_ITEMS = ("hire_intention",)
SUBGROUP_LABELS = {"all": "Ensemble", "with_assistant": "Avec assistant", "without_assistant": "Sans assistant"}
MAX_TEXTS = 12
SOURCE = "Source : enquête auprès des médecins généralistes"


def _level_label(codebook: Codebook, variable: str, level: str) -> str:
    v = codebook.variable(variable)
    return v.label_for_key(level) if v.is_categorical else str(level)


def _odds(value, low, high, is_reference: bool) -> str:
    """« réf. » on the reference level; « — » where no odds ratio could be computed (a level nobody chose)."""
    if pd.isna(value):
        return "réf." if is_reference else "—"
    return f"{fmt_decimal(value, 2)} [{fmt_decimal(low, 2)} ; {fmt_decimal(high, 2)}]"


def _number(x: float) -> str:
    return fmt_decimal(x, 0 if float(x).is_integer() else 1)


def _published_odds(published: Published, variable: str, level: str, is_reference: bool) -> str:
    """The odds ratio as published: value and interval, « s » when one of its cells is hidden (it would give
    the cell back), « réf. » on the reference level, « — » where none was computed."""
    if (ODDS_RATIO, variable, level) not in published:
        return "réf." if is_reference else "—"
    row = published.row(ODDS_RATIO, variable, level)
    if row["status"] != "shown":
        return SECONDARY_MARK
    return _odds(row["prop"], row["ci_low"], row["ci_high"], is_reference)


def determinant_groups(codebook: Codebook, table: pd.DataFrame, published: Published) -> list[dict]:
    """One group per candidate variable: its test (shared by its levels), then one row per level with its
    counts among GPs with and without an assistant (as published), the share of GPs at that level who work
    with one (the table's row percentage, with its interval, when both counts are shown: else « s », as it
    would give a hidden count back) and the odds ratio as published."""
    groups = []
    for name, part in table.groupby("variable", sort=False):
        first = part.iloc[0]
        variable = codebook.variable(name)
        levels = []
        for r in part.itertuples(index=False):
            with_, without = published.cell("with_assistant", name, r.level), published.cell("without_assistant", name, r.level)
            row = {
                "level": _level_label(codebook, name, r.level),
                "with": with_.n_over_N,
                "without": without.n_over_N,
                "or": _published_odds(published, name, r.level, r.level == r.reference),
                "share_nN": "—", "share": "—", "share_ci": "—",
                "hidden": not (with_.shown and without.shown),
            }
            if r.n_level and essentials.share_printable(published, name, r.level):
                row["share_nN"] = f"{fmt_int(r.n_with)} / {fmt_int(r.n_level)}"
                row["share"] = fmt_percent(r.prop_with)
                row["share_ci"] = fmt_ci(r.prop_ci_low, r.prop_ci_high)
            elif r.n_level:
                row["share_nN"] = row["share"] = SECONDARY_MARK
            levels.append(row)
        groups.append(
            {
                "variable": variable.label_fr,
                "test": TEST_NAMES.get(first["test"], first["test"]),
                "n": fmt_int(first["n"]),
                "p": fmt_p(first["p_value"]),
                "p_adj": fmt_p(first["p_adjusted"]),
                "levels": levels,
            }
        )
    return groups


def determinant_chart(codebook: Codebook, table: pd.DataFrame, published: Published) -> dict | None:
    """Univariate odds ratios of the non-reference levels, each named against its variable's reference, those
    published only (None when none is: no chart then)."""
    frame = published.frame
    shown = {
        (r["variable"], r["category"])
        for r in frame[(frame["scope"] == ODDS_RATIO) & (frame["status"] == "shown")].to_dict("records")
    }
    estimated = table[[(v, lev) in shown for v, lev in zip(table["variable"], table["level"])]]
    if estimated.empty:
        return None
    labels = []
    for r in estimated.itertuples(index=False):
        variable = codebook.variable(r.variable)
        reference = _level_label(codebook, r.variable, r.reference)
        labels.append(f"{variable.label_fr} : {_level_label(codebook, r.variable, r.level)} (réf. : {reference})")
    uri = charts.forest_plot(
        labels, estimated["odds_ratio"].tolist(), estimated["or_ci_low"].tolist(), estimated["or_ci_high"].tolist()
    )
    alt = " ; ".join(
        f"{label} : {_odds(r.odds_ratio, r.or_ci_low, r.or_ci_high, False)}"
        for label, r in zip(labels, estimated.itertuples(index=False))
    )
    return figure(
        uri,
        "Odds ratios univariés de la présence d'un assistant (échelle logarithmique)",
        f"Odds ratios et intervalles de confiance à 95 % : {alt}.",
        f"{SOURCE} ; n = {fmt_int(estimated['n'].min())} à {fmt_int(estimated['n'].max())} médecins selon le déterminant.",
    )


METHOD_NAMES = {"maximum_likelihood": "maximum de vraisemblance", "firth": "vraisemblance pénalisée de Firth"}


def model_context(codebook: Codebook, model: pd.DataFrame) -> dict:
    """The model's table, or why it was not estimated; with its size, events per parameter, AIC and
    c-statistic, and how it was estimated (and why, for Firth's estimates)."""
    first = model.iloc[0]
    summary = {
        "n": fmt_int(first["n"]),
        "events": fmt_int(first["events"]),
        "parameters": fmt_int(first["parameters"]),
        "epv": fmt_decimal(first["events_per_parameter"], 1),
    }
    if not (model["status"] == "estimated").all():
        return {"estimated": False, "message": "; ".join(m for m in model["message"] if m) or "—", **summary}
    rows = [
        {
            "term": f"{codebook.variable(r.variable).label_fr} : {_level_label(codebook, r.variable, r.level)}",
            "reference": _level_label(codebook, r.variable, r.reference),
            "or": fmt_decimal(r.odds_ratio, 2),
            "ci": f"[{fmt_decimal(r.ci_low, 2)} ; {fmt_decimal(r.ci_high, 2)}]",
            "p": fmt_p(r.p_value),
        }
        for r in model.itertuples(index=False)
    ]
    return {
        "estimated": True,
        "rows": rows,
        "method": METHOD_NAMES.get(first["method"], first["method"]),
        "message": first["message"],
        "aic": fmt_decimal(first["aic"], 1),
        "c_statistic": fmt_decimal(first["c_statistic"], 2),
        **summary,
    }


def distribution_items(codebook: Codebook, published: Published, names) -> list[dict]:
    """Each item of ``names`` as published among all who answered it: its categories with n and %."""
    frame = published.frame
    items = []
    for name in names:
        part = frame[(frame["scope"] == ALL) & (frame["variable"] == name) & (frame["category"] != "")]
        if not len(part):
            continue
        variable = codebook.variable(name)
        rows = []
        for level in part["category"]:
            cell = published.cell(ALL, name, level)
            rows.append({"label": variable.label_for_key(level), "n": cell.count, "pct": cell.percent, "hidden": not cell.shown})
        items.append({"name": name, "label": variable.label_fr, "rows": rows, "N": fmt_int(part["N"].iloc[0])})
    return items


def group_figure(codebook: Codebook, published: Published, group: str, title: str, who: str) -> dict | None:
    """One chart of a multiple-choice question (tasks): the share of respondents citing each box; a hidden
    share is not drawn."""
    frame = published.frame
    boxes = [v.name for v in codebook.group_members(group)]
    part = frame[(frame["scope"] == ALL) & frame["variable"].isin(boxes) & (frame["category"] == "cited")]
    if part.empty:
        return None
    cells = [published.cell(ALL, v, "cited") for v in part["variable"]]
    labels = [codebook.variable(v).label_fr.split(" : ", 1)[-1] for v in part["variable"]]
    return figure(
        charts.share_bars(labels, [c.proportion for c in cells], f"% des {who}"),
        title,
        f"{title} : " + " ; ".join(f"{label} {c.percent}" for label, c in zip(labels, cells)) + ".",
        f"{SOURCE} ; N = {fmt_int(part['N'].max())} {who}.",
    )


def _barriers(codebook: Codebook, published: Published) -> list[tuple[str, Cell, int | None]]:
    """(barrier, cell, rank) for all respondents: the shown barriers most cited first, ranked among themselves
    (ties sharing the smaller rank), then the hidden ones (no rank: a rank would place them), « none » last."""
    frame = published.frame
    barriers = {v.name for v in codebook.group_members("barriers")}
    part = frame[(frame["scope"] == ALL) & (frame["category"] == "cited") & frame["variable"].isin(barriers)]
    none = {v.name for v in codebook.variables if v.none_option}
    entries = [(b, published.cell(ALL, b, "cited"), int(n) if st == "shown" else None)
               for b, st, n in zip(part["variable"], part["status"], part["n"])]
    shown = sorted([e for e in entries if e[2] is not None and e[0] not in none], key=lambda e: -e[2])
    ranked = [(b, c, 1 + sum(other > n for _, _, other in shown)) for b, c, n in shown]
    hidden = [(b, c, None) for b, c, n in entries if n is None and b not in none]
    return ranked + hidden + [(b, c, None) for b, c, _ in entries if b in none]


def barrier_figure(codebook: Codebook, published: Published) -> dict:
    """The shown barriers, most cited first, for all GPs and by subgroup (with / without an assistant); a
    hidden figure is not drawn (a point would give it a size), a bound is a labelled tick."""
    ranked = [b for b, _, rank in _barriers(codebook, published) if rank is not None]
    labels = [codebook.variable(b).label_fr.split(" : ", 1)[-1] for b in ranked]
    frame = published.frame
    series = []
    for subgroup in SUBGROUPS:
        cells = [published.cell(subgroup, b, "cited") for b in ranked]
        N = frame.loc[(frame["scope"] == subgroup) & (frame["category"] == "cited"), "N"]
        series.append((f"{SUBGROUP_LABELS[subgroup]} (N = {fmt_int(N.max())})", [chart_value(c) for c in cells]))
    alt = " ; ".join(
        f"{label} : " + ", ".join(
            f"{SUBGROUP_LABELS[s]} {published.cell(s, b, 'cited').percent}" for s in SUBGROUPS
        )
        for label, b in zip(labels, ranked)
    )
    return figure(
        charts.grouped_intervals(labels, series, "% des médecins ayant répondu à la question (IC 95 %)"),
        "Freins cités, du plus au moins fréquent, selon que le médecin travaille ou non avec un assistant",
        f"Proportions de médecins citant chaque frein : {alt}.",
        f"{SOURCE} ; N = médecins ayant répondu à la question des freins.",
    )


def barrier_rows(codebook: Codebook, published: Published) -> list[dict]:
    """One row per barrier (rank order of all GPs): n / N and % with interval overall, % and n / N by
    subgroup, as published."""
    rows = []
    for b, cell, rank in _barriers(codebook, published):
        row = {
            "rank": "—" if rank is None else fmt_int(rank),
            "label": codebook.variable(b).label_fr,
            "nN": cell.n_over_N,
            "pct": cell.percent,
            "ci": cell.ci,
            "hidden": not cell.shown,
        }
        for subgroup in ("with_assistant", "without_assistant"):
            s = published.cell(subgroup, b, "cited")
            row[subgroup] = f"{s.percent} ({s.n_over_N})"
            row["hidden"] = row["hidden"] or not s.shown
        rows.append(row)
    return rows


def render_gps_report(
    *,
    summary: str,
    texts: str,
    determinants: str,
    model: str,
    published: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    code: str,
    config_digest: str,
) -> None:
    """The GP report; every count of GPs comes from the region's published GP table."""
    cb = load_codebook(codebook)
    options = AnalysisSettings.of(settings)
    respondents = pd.read_parquet(summary)
    counts = respondents.iloc[0]
    cells = Published.read(published)
    determinant_table = pd.read_parquet(determinants)
    model_table = model_context(cb, pd.read_parquet(model))
    methods = methods_context(cb, options, cells.threshold, outputs=GP_OUTPUTS)
    title = f"{cb.title_fr} — {meta['region_label']}"
    text_labels = [(v.name, v.label_fr) for v in cb.variables if v.type == "text" and not v.restricted and v.page]
    free_texts = pd.read_parquet(texts)
    context = {
        "title": title,
        "meta": meta,
        "scope_label": meta["region_label"],
        "subtitle": "Enquête auprès des médecins généralistes",
        "essentials": {
            "messages": essentials.first_messages(
                essentials.determinant_messages(
                    cb, determinant_table, cells, p_adjust_name=methods["p_adjust"]
                ),
                essentials.barrier_message(cb, cells),
            ),
            "figures": essentials.headline_figures(cb, cells, ALL, essentials.GP_HEADLINES, confidence=options.confidence),
            "note": f"{fmt_int(counts['responses'])} médecins répondants ({fmt_int(counts['complete'])} réponses "
            "complètes) ; déterminants : p ajusté pour tests multiples inférieur à 0,05.",
        },
        "limits": essentials.gp_limits(respondents, model_estimated=model_table["estimated"]),
        "respondents": {
            "total": fmt_int(counts["responses"]),
            "complete": fmt_int(counts["complete"]),
            "partial": fmt_int(counts["partial"]),
            "rejected": fmt_int(counts["rejected"]),
        },
        "indicators": indicator_rows(cb, cells, ALL, None),
        "profile": distribution_items(cb, cells, PROFILE),
        "determinants": determinant_groups(cb, determinant_table, cells),
        "determinant_figure": determinant_chart(cb, determinant_table, cells),
        "model": model_table,
        "barriers": barrier_rows(cb, cells),
        "barrier_figure": barrier_figure(cb, cells),
        "tasks_figure": group_figure(cb, cells, "tasks", "Tâches confiées à l'assistant", "médecins travaillant avec un assistant"),
        "with_items": distribution_items(cb, cells, WITH_ASSISTANT_ITEMS),
        "without_items": distribution_items(cb, cells, WITHOUT_ASSISTANT_ITEMS),
        "texts": [g for name, label in text_labels for g in text_groups(free_texts, name, [("", label)], limit=MAX_TEXTS)],
        "texts_note": "Réponses libres, sans balises ni liens ; noms, numéros de téléphone et adresses électroniques "
        "retirés ; les réponses identiques sont comptées une fois (« × n »). Liste complète : gps/texts.parquet.",
        "methods": {
            **methods,
            "min_events": _number(options.min_events_per_variable),
            "firth_events": _number(options.firth_events_per_parameter),
            "covariates": ", ".join(cb.variable(name).label_fr for name in options.model_covariates),
            "n_determinants": fmt_int(determinant_table["variable"].nunique()),
        },
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=options.seed,
            dates=("Réponses envoyées", period_text(counts["first_submitted"], counts["last_submitted"])),
            inputs=[raw],
        ),
    }
    render_pdf("gps.html.j2", context, pdf, title=title)
