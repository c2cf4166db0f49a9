"""Context builder and renderer of the regional GP survey report."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.gps.determinants import reference_level
from assistmed.gps.model import DEFAULT_MIN_EVENTS_PER_VARIABLE
from assistmed.patients.analyse import item_distributions
from assistmed.reports.charts import forest_plot, ranked_bars
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.common import TEST_NAMES, methods_context, provenance
from assistmed.reports.render import render_pdf


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


def determinant_groups(codebook: Codebook, table: pd.DataFrame) -> list[dict]:
    """One group per candidate variable: its test (shared by its levels), then one row per level."""
    groups = []
    for name, part in table.groupby("variable", sort=False):
        first = part.iloc[0]
        variable = codebook.variable(name)
        # Odds ratios exist for two-level variables only; a wider variable has no reference row to mark.
        reference = reference_level(variable) if len(variable.keys) == 2 else None
        groups.append(
            {
                "variable": variable.label_fr,
                "test": TEST_NAMES.get(first["test"], first["test"]),
                "n": fmt_int(first["n"]),
                "p": fmt_p(first["p_value"]),
                "p_adj": fmt_p(first["p_adjusted"]),
                "levels": [
                    {
                        "level": _level_label(codebook, name, r.level),
                        "with": f"{fmt_int(r.n_with)} / {fmt_int(r.N_with)}",
                        "without": f"{fmt_int(r.n_without)} / {fmt_int(r.N_without)}",
                        "or": _odds(r.odds_ratio, r.or_ci_low, r.or_ci_high, r.level == reference),
                    }
                    for r in part.itertuples(index=False)
                ],
            }
        )
    return groups


def determinant_chart(codebook: Codebook, table: pd.DataFrame) -> str | None:
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
    return forest_plot(
        labels, estimated["odds_ratio"].tolist(), estimated["or_ci_low"].tolist(), estimated["or_ci_high"].tolist()
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
    determinant_table = pd.read_parquet(determinants)
    model_table = model_context(cb, pd.read_parquet(model))
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
        "determinants": determinant_groups(cb, determinant_table),
        "determinant_chart": determinant_chart(cb, determinant_table),
        "model": model_table,
        "profile": profile_items(cb, responses),
        "barriers": barrier_rows(cb, barrier_table),
        "barrier_chart": barrier_chart(cb, barrier_table),
        "methods": {
            **methods_context(cb, settings, None),
            "min_events": _number(settings.get("min_events_per_variable", DEFAULT_MIN_EVENTS_PER_VARIABLE)),
            "n_determinants": fmt_int(determinant_table["variable"].nunique()),
        },
        "provenance": provenance(
            [raw], cb, responses["submitdate"], date_label="Dernière réponse envoyée le"
        ),
    }
    render_pdf("gps.html.j2", context, pdf, title=title)
