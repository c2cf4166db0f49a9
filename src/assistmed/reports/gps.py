"""Context builder and renderer of the regional GP survey report.

Every number printed comes from the GP tables (respondents, indicators, distributions, shares with an
assistant, free texts of `describe_gps`; determinants, model and barriers of `analyse_gps`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.gps.barriers import SUBGROUPS
from assistmed.gps.determinants import reference_level
from assistmed.gps.model import DEFAULT_MIN_EVENTS_PER_VARIABLE
from assistmed.reports import charts, essentials
from assistmed.reports.common import (
    TEST_NAMES,
    figure,
    indicator_rows,
    methods_context,
    period_text,
    provenance,
    text_groups,
)
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.render import render_pdf

# The respondents' profile: the items of the survey's first two pages a reader looks for.
PROFILE = ("sex", "age_group", "years_in_practice", "area", "sector", "practice_size", "msp", "cpts", "asalee")
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
    """« réf. » on the reference level; « — » where no odds ratio was computed (a variable of 3 levels or more)."""
    if pd.isna(value):
        return "réf." if is_reference else "—"
    return f"{fmt_decimal(value, 2)} [{fmt_decimal(low, 2)} ; {fmt_decimal(high, 2)}]"


def _number(x: float) -> str:
    return fmt_decimal(x, 0 if float(x).is_integer() else 1)


def determinant_groups(codebook: Codebook, table: pd.DataFrame, shares: pd.DataFrame | None = None) -> list[dict]:
    """One group per candidate variable: its test (shared by its levels), then one row per level with its
    counts among GPs with and without an assistant, the share of GPs at that level who work with one (the
    row percentage, with its interval, when ``shares`` is given) and the odds ratio."""
    by_level = shares.set_index(["variable", "level"]) if shares is not None else None
    groups = []
    for name, part in table.groupby("variable", sort=False):
        first = part.iloc[0]
        variable = codebook.variable(name)
        # Odds ratios exist for two-level variables only; a wider variable has no reference row to mark.
        reference = reference_level(variable) if len(variable.keys) == 2 else None
        levels = []
        for r in part.itertuples(index=False):
            row = {
                "level": _level_label(codebook, name, r.level),
                "with": f"{fmt_int(r.n_with)} / {fmt_int(r.N_with)}",
                "without": f"{fmt_int(r.n_without)} / {fmt_int(r.N_without)}",
                "or": _odds(r.odds_ratio, r.or_ci_low, r.or_ci_high, r.level == reference),
                "share_nN": "—",
                "share": "—",
                "share_ci": "—",
            }
            if by_level is not None and (name, r.level) in by_level.index:
                s = by_level.loc[(name, r.level)]
                row["share_nN"] = f"{fmt_int(s['n'])} / {fmt_int(s['N'])}"
                row["share"] = fmt_percent(s["prop"])
                row["share_ci"] = fmt_ci(s["ci_low"], s["ci_high"])
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


def determinant_chart(codebook: Codebook, table: pd.DataFrame) -> dict | None:
    """Univariate odds ratios of the non-reference levels, each named against its variable's reference
    (None when no odds ratio was computed: no chart then)."""
    estimated = table[table["odds_ratio"].notna()]
    if estimated.empty:
        return None
    labels = []
    for r in estimated.itertuples(index=False):
        variable = codebook.variable(r.variable)
        reference = _level_label(codebook, r.variable, reference_level(variable))
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


def model_context(codebook: Codebook, model: pd.DataFrame) -> dict:
    estimated = bool(len(model)) and (model["status"] == "estimated").all()
    if not estimated:
        return {"estimated": False, "message": "; ".join(m for m in model["message"] if m) or "—"}
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
    return {"estimated": True, "rows": rows, "n": fmt_int(model["n"].iloc[0])}


def distribution_items(codebook: Codebook, distributions: pd.DataFrame, names) -> list[dict]:
    """Each item of ``names`` present in the distributions: its categories with n and %."""
    items = []
    for name in names:
        part = distributions[distributions["variable"] == name]
        if not len(part):
            continue
        variable = codebook.variable(name)
        rows = [
            {"label": variable.label_for_key(r.category), "n": fmt_int(r.n), "pct": fmt_percent(r.prop)}
            for r in part.itertuples(index=False)
        ]
        items.append({"name": name, "label": variable.label_fr, "rows": rows, "N": fmt_int(part["N"].iloc[0])})
    return items


def group_figure(codebook: Codebook, distributions: pd.DataFrame, group: str, title: str, who: str) -> dict | None:
    """One chart of a multiple-choice question (tasks): the share of respondents ticking each box."""
    boxes = [v.name for v in codebook.group_members(group)]
    part = distributions[distributions["variable"].isin(boxes) & (distributions["category"] == "checked")]
    if part.empty:
        return None
    labels = [codebook.variable(v).label_fr.split(" : ", 1)[-1] for v in part["variable"]]
    return figure(
        charts.share_bars(labels, part["prop"].tolist(), f"% des {who}"),
        title,
        f"{title} : " + " ; ".join(f"{label} {fmt_percent(p)}" for label, p in zip(labels, part["prop"])) + ".",
        f"{SOURCE} ; n = {fmt_int(part['N'].max())} {who}.",
    )


def barrier_figure(codebook: Codebook, barriers: pd.DataFrame) -> dict:
    """The barriers, most cited first, for all GPs and by subgroup (with / without an assistant)."""
    ranked = barriers[(barriers["subgroup"] == "all") & barriers["rank"].notna()].sort_values("rank", kind="mergesort")
    order = ranked["barrier"].tolist()
    labels = [codebook.variable(b).label_fr.split(" : ", 1)[-1] for b in order]
    series = []
    for subgroup in SUBGROUPS:
        part = barriers[barriers["subgroup"] == subgroup].set_index("barrier").reindex(order)
        N = int(part["N"].max()) if part["N"].notna().any() else 0
        series.append(
            (f"{SUBGROUP_LABELS[subgroup]} (N = {fmt_int(N)})",
             [None if pd.isna(p) else (float(p), float(lo), float(hi)) for p, lo, hi in
              part[["prop", "ci_low", "ci_high"]].itertuples(index=False)])
        )
    alt = " ; ".join(
        f"{label} : " + ", ".join(f"{name.split(' (')[0]} {fmt_percent(v[0]) if v else '—'}" for name, values in series
                                  for v in [values[i]])
        for i, label in enumerate(labels)
    )
    return figure(
        charts.grouped_intervals(labels, series, "% des médecins ayant répondu à la question (IC 95 %)"),
        "Freins cités, du plus au moins fréquent, selon que le médecin travaille ou non avec un assistant",
        f"Proportions de médecins citant chaque frein : {alt}.",
        f"{SOURCE} ; N = médecins ayant répondu à la question des freins.",
    )


def barrier_rows(codebook: Codebook, barriers: pd.DataFrame) -> list[dict]:
    """One row per barrier (rank order of all GPs): n / N and % with interval, overall and by subgroup."""
    by = barriers.set_index(["subgroup", "barrier"])
    rows = []
    for r in barriers[barriers["subgroup"] == "all"].itertuples(index=False):
        row = {
            "rank": "—" if pd.isna(r.rank) else fmt_int(r.rank),
            "label": codebook.variable(r.barrier).label_fr,
            "nN": f"{fmt_int(r.n)} / {fmt_int(r.N)}",
            "pct": fmt_percent(r.prop),
            "ci": fmt_ci(r.ci_low, r.ci_high),
        }
        for subgroup in ("with_assistant", "without_assistant"):
            s = by.loc[(subgroup, r.barrier)]
            row[subgroup] = f"{fmt_percent(s['prop'])} ({fmt_int(s['n'])} / {fmt_int(s['N'])})"
        rows.append(row)
    return rows


def render_gps_report(
    *,
    summary: str,
    indicators: str,
    distributions: str,
    shares: str,
    texts: str,
    determinants: str,
    model: str,
    barriers: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    code: str,
    config_digest: str,
) -> None:
    cb = load_codebook(codebook)
    region = meta["region"]
    respondents = pd.read_parquet(summary)
    counts = respondents.iloc[0]
    ind, dist = pd.read_parquet(indicators), pd.read_parquet(distributions)
    barrier_table, determinant_table = pd.read_parquet(barriers), pd.read_parquet(determinants)
    share_table = pd.read_parquet(shares)
    model_table = model_context(cb, pd.read_parquet(model))
    methods = methods_context(cb, settings, None)
    confidence = settings.get("confidence", 0.95)
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
                essentials.determinant_messages(cb, determinant_table, share_table, p_adjust_name=methods["p_adjust"]),
                essentials.barrier_message(cb, barrier_table),
            ),
            "figures": essentials.headline_figures(cb, ind, region, essentials.GP_HEADLINES, confidence=confidence),
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
        "indicators": indicator_rows(cb, ind, region, None, None),
        "profile": distribution_items(cb, dist, PROFILE),
        "determinants": determinant_groups(cb, determinant_table, share_table),
        "determinant_figure": determinant_chart(cb, determinant_table),
        "model": model_table,
        "barriers": barrier_rows(cb, barrier_table),
        "barrier_figure": barrier_figure(cb, barrier_table),
        "tasks_figure": group_figure(cb, dist, "tasks", "Tâches confiées à l'assistant", "médecins travaillant avec un assistant"),
        "with_items": distribution_items(cb, dist, WITH_ASSISTANT_ITEMS),
        "without_items": distribution_items(cb, dist, WITHOUT_ASSISTANT_ITEMS),
        "texts": [g for name, label in text_labels for g in text_groups(free_texts, name, [("", label)], limit=MAX_TEXTS)],
        "texts_note": "Réponses libres, sans balises ni liens ; noms, numéros de téléphone et adresses électroniques "
        "retirés ; les réponses identiques sont comptées une fois (« × n »). Liste complète : gps/texts.parquet.",
        "methods": {
            **methods,
            "min_events": _number(settings.get("min_events_per_variable", DEFAULT_MIN_EVENTS_PER_VARIABLE)),
            "n_determinants": fmt_int(determinant_table["variable"].nunique()),
        },
        "provenance": provenance(
            codebook=cb, code=code, config_digest=config_digest, seed=settings.get("seed", 20210101),
            dates=("Réponses envoyées", period_text(counts["first_submitted"], counts["last_submitted"])),
            inputs=[raw],
        ),
    }
    render_pdf("gps.html.j2", context, pdf, title=title)
