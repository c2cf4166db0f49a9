"""Context builder and renderer of the regional GP survey report."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.cells import SECONDARY_MARK, Cell, Published
from assistmed.disclosure.gps import ALL, ODDS_RATIO, PROFILE
from assistmed.gps.determinants import OUTCOME
from assistmed.reports.charts import forest_plot, ranked_bars
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p
from assistmed.reports.common import TEST_NAMES, methods_context, provenance
from assistmed.reports.render import render_pdf
from assistmed.settings import AnalysisSettings

# What the GP report's audit takes together (for the methods text).
GP_OUTPUTS = "du rapport médecins (rapport et tableaux)"


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
    """One group per candidate variable: its test (shared by its levels), then one row per level (counts and
    odds ratios as published)."""
    groups = []
    for name, part in table.groupby("variable", sort=False):
        first = part.iloc[0]
        variable = codebook.variable(name)
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
                        "with": published.cell("with_assistant", name, r.level).n_over_N,
                        "without": published.cell("without_assistant", name, r.level).n_over_N,
                        "or": _published_odds(published, name, r.level, r.level == r.reference),
                        "hidden": not (
                            published.cell("with_assistant", name, r.level).shown
                            and published.cell("without_assistant", name, r.level).shown
                        ),
                    }
                    for r in part.itertuples(index=False)
                ],
            }
        )
    return groups


def determinant_chart(codebook: Codebook, table: pd.DataFrame, published: Published) -> str | None:
    """Univariate odds ratios of the non-reference levels, each named against its variable's reference, those
    published only (None when none is: no chart then)."""
    shown = {
        (r["variable"], r["category"])
        for r in published.frame[(published.frame["scope"] == ODDS_RATIO) & (published.frame["status"] == "shown")].to_dict("records")
    }
    estimated = table[[(v, lev) in shown for v, lev in zip(table["variable"], table["level"])]]
    if estimated.empty:
        return None
    labels = []
    for r in estimated.itertuples(index=False):
        variable = codebook.variable(r.variable)
        reference = _level_label(codebook, r.variable, r.reference)
        labels.append(f"{variable.label_fr} : {_level_label(codebook, r.variable, r.level)} (réf. : {reference})")
    return forest_plot(
        labels, estimated["odds_ratio"].tolist(), estimated["or_ci_low"].tolist(), estimated["or_ci_high"].tolist()
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


def profile_items(codebook: Codebook, published: Published) -> list[dict]:
    """The respondents' profile: each item's published distribution among those who answered it."""
    frame = published.frame
    items = []
    for name in PROFILE:
        part = frame[(frame["scope"] == ALL) & (frame["variable"] == name)]
        if not len(part):
            continue
        variable = codebook.variable(name)
        rows = []
        for level in part["category"]:
            cell = published.cell(ALL, name, level)
            rows.append({"label": variable.label_for_key(level), "n": cell.count, "pct": cell.percent, "hidden": not cell.shown})
        items.append({"label": variable.label_fr, "rows": rows, "N": fmt_int(part["N"].iloc[0])})
    return items


def _barriers(codebook: Codebook, published: Published) -> list[tuple[str, Cell, int | None]]:
    """(barrier, cell, rank) for all respondents: the shown barriers most cited first, ranked among themselves
    (ties sharing the smaller rank), then the hidden ones (no rank: a rank would place them), « none » last."""
    frame = published.frame
    part = frame[(frame["scope"] == ALL) & (frame["category"] == "cited")]
    none = {v.name for v in codebook.variables if v.none_option}
    entries = [(b, published.cell(ALL, b, "cited"), int(n) if st == "shown" else None)
               for b, st, n in zip(part["variable"], part["status"], part["n"])]
    shown = sorted([e for e in entries if e[2] is not None and e[0] not in none], key=lambda e: -e[2])
    ranked = [(b, c, 1 + sum(other > n for _, _, other in shown)) for b, c, n in shown]
    hidden = [(b, c, None) for b, c, n in entries if n is None and b not in none]
    return ranked + hidden + [(b, c, None) for b, c, _ in entries if b in none]


def barrier_chart(codebook: Codebook, published: Published) -> str:
    """The shown barriers, ranked; a hidden barrier is not drawn (a bar would give it a size)."""
    ranked = [(b, c) for b, c, rank in _barriers(codebook, published) if rank is not None]
    labels = [codebook.variable(b).label_fr.split(" : ", 1)[-1] for b, _ in ranked]
    return ranked_bars(labels, [c.proportion for _, c in ranked], [c.interval[0] for _, c in ranked],
                       [c.interval[1] for _, c in ranked])


def barrier_rows(codebook: Codebook, published: Published) -> list[dict]:
    return [
        {
            "rank": "—" if rank is None else fmt_int(rank),
            "label": codebook.variable(b).label_fr,
            "nN": cell.n_over_N,
            "pct": cell.percent,
            "ci": cell.ci,
            "hidden": not cell.shown,
        }
        for b, cell, rank in _barriers(codebook, published)
    ]


def render_gps_report(
    *,
    clean: str,
    rejects: str,
    determinants: str,
    model: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    published: str,
) -> None:
    """The GP report; every count of GPs comes from the region's published GP table."""
    cb = load_codebook(codebook)
    options = AnalysisSettings.of(settings)
    responses = pd.read_parquet(clean)
    cells = Published.read(published)
    assistant = cells.cell(ALL, next(i.name for i in cb.indicators if i.variable == OUTCOME))
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
            "with_assistant": f"{assistant.n_over_N} ({assistant.percent})",
        },
        "determinants": determinant_groups(cb, determinant_table, cells),
        "determinant_chart": determinant_chart(cb, determinant_table, cells),
        "model": model_table,
        "profile": profile_items(cb, cells),
        "barriers": barrier_rows(cb, cells),
        "barrier_chart": barrier_chart(cb, cells),
        "methods": {
            **methods_context(cb, options, cells.threshold, outputs=GP_OUTPUTS),
            "min_events": _number(options.min_events_per_variable),
            "firth_events": _number(options.firth_events_per_parameter),
            "covariates": ", ".join(cb.variable(name).label_fr for name in options.model_covariates),
            "n_determinants": fmt_int(determinant_table["variable"].nunique()),
        },
        "provenance": provenance(
            [raw], cb, responses["submitdate"], date_label="Dernière réponse envoyée le"
        ),
    }
    render_pdf("gps.html.j2", context, pdf, title=title)
