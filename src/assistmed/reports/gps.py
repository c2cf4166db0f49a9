"""Context builder and renderer of the regional GP survey report."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.patients.analyse import item_distributions
from assistmed.reports.charts import ranked_bars
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.patients import TEST_NAMES, methods_context, provenance
from assistmed.reports.render import render_pdf


def _level_label(codebook: Codebook, variable: str, level: str) -> str:
    v = codebook.variable(variable)
    return v.label_for_key(level) if v.is_categorical else str(level)


def _odds(value, low, high) -> str:
    if pd.isna(value):
        return "réf."
    return f"{fmt_decimal(value, 2)} [{fmt_decimal(low, 2)} ; {fmt_decimal(high, 2)}]"


def determinant_rows(codebook: Codebook, table: pd.DataFrame) -> list[dict]:
    rows = []
    for r in table.itertuples(index=False):
        rows.append(
            {
                "variable": codebook.variable(r.variable).label_fr,
                "level": _level_label(codebook, r.variable, r.level),
                "with": f"{fmt_int(r.n_with)} / {fmt_int(r.N_with)}",
                "without": f"{fmt_int(r.n_without)} / {fmt_int(r.N_without)}",
                "test": TEST_NAMES.get(r.test, r.test),
                "n": fmt_int(r.n),
                "p": fmt_p(r.p_value),
                "p_adj": fmt_p(r.p_adjusted),
                "or": _odds(r.odds_ratio, r.or_ci_low, r.or_ci_high),
            }
        )
    return rows


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


PROFILE = ("sex", "age_group", "years_in_practice", "area", "sector", "practice_size", "msp", "cpts", "asalee")


def profile_items(codebook: Codebook, clean: pd.DataFrame) -> list[dict]:
    """The respondents' profile: each item's distribution among those who answered it."""
    table = item_distributions(clean, codebook, scope="all")
    items = []
    for name in PROFILE:
        part = table[table["variable"] == name]
        if not len(part):
            continue
        variable = codebook.variable(name)
        rows = [
            {"label": variable.label_for_key(r.category), "n": fmt_int(r.n), "pct": fmt_percent(r.prop)}
            for r in part.itertuples(index=False)
        ]
        items.append({"label": variable.label_fr, "rows": rows, "N": fmt_int(part["N"].iloc[0])})
    return items


def barrier_chart(codebook: Codebook, barriers: pd.DataFrame) -> str:
    ranked = barriers[(barriers["subgroup"] == "all") & barriers["rank"].notna()].sort_values("rank")
    labels = [codebook.variable(b).label_fr.split(" : ", 1)[-1] for b in ranked["barrier"]]
    return ranked_bars(labels, ranked["prop"].tolist(), ranked["ci_low"].tolist(), ranked["ci_high"].tolist())


def barrier_rows(codebook: Codebook, barriers: pd.DataFrame) -> list[dict]:
    overall = barriers[barriers["subgroup"] == "all"]
    return [
        {
            "rank": "—" if pd.isna(r.rank) else fmt_int(r.rank),
            "label": codebook.variable(r.barrier).label_fr,
            "nN": f"{fmt_int(r.n)} / {fmt_int(r.N)}",
            "pct": fmt_percent(r.prop),
            "ci": fmt_ci(r.ci_low, r.ci_high),
        }
        for r in overall.itertuples(index=False)
    ]


def render_gps_report(
    *,
    clean: str,
    rejects: str,
    determinants: str,
    model: str,
    barriers: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
) -> None:
    cb = load_codebook(codebook)
    responses = pd.read_parquet(clean)
    barrier_table = pd.read_parquet(barriers)
    answered = responses["has_assistant"].dropna()
    with_assistant = int((answered == "yes").sum())
    title = f"{cb.title_fr} — {meta['region_label']}"
    dates = responses["datestamp"].dropna().dt.strftime("%Y-%m-%d") if "datestamp" in responses else []
    context = {
        "title": title,
        "meta": meta,
        "scope_label": meta["region_label"],
        "subtitle": "Enquête auprès des médecins généralistes",
        "respondents": {
            "total": fmt_int(len(responses)),
            "complete": fmt_int(int(responses["complete"].sum())),
            "partial": fmt_int(int((~responses["complete"]).sum())),
            "rejected": fmt_int(len(pd.read_parquet(rejects))),
            "with_assistant": f"{fmt_int(with_assistant)} / {fmt_int(len(answered))}"
            f" ({fmt_percent(with_assistant / len(answered) if len(answered) else float('nan'))})",
        },
        "determinants": determinant_rows(cb, pd.read_parquet(determinants)),
        "model": model_context(cb, pd.read_parquet(model)),
        "profile": profile_items(cb, responses),
        "barriers": barrier_rows(cb, barrier_table),
        "barrier_chart": barrier_chart(cb, barrier_table),
        "methods": methods_context(cb, settings, None),
        "provenance": provenance([raw], cb, pd.DataFrame({"return_date": pd.to_datetime(list(dates))})),
    }
    render_pdf("gps.html.j2", context, pdf, title=title)
