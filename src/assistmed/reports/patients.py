"""Context builders and renderers of the patient-strand reports (per practice and pooled per region)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

import assistmed
from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure import suppress_partition, suppress_proportion
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_p, fmt_percent
from assistmed.reports.render import render_pdf

TEST_NAMES = {"chi2": "χ² de Pearson", "fisher": "Fisher exact", "fisher_mc": "Fisher (Monte-Carlo)"}
P_ADJUST_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini–Hochberg", "simes-hochberg": "Hochberg"}


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _hidden(threshold: int | None) -> str:
    return f"< {threshold}"


def indicator_rows(
    codebook: Codebook, indicators: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> list[dict]:
    table = indicators.set_index(["scope", "indicator"])
    rows = []
    for ind in codebook.indicators:
        if (scope, ind.name) not in table.index:
            continue
        r = table.loc[(scope, ind.name)]
        hide = threshold is not None and suppress_proportion(int(r["n"]), int(r["N"]), threshold)
        row = {
            "label": ind.label_fr,
            "nN": _hidden(threshold) if hide else f"{fmt_int(r['n'])} / {fmt_int(r['N'])}",
            "pct": _hidden(threshold) if hide else fmt_percent(r["prop"]),
            "ci": "—" if hide else fmt_ci(r["ci_low"], r["ci_high"]),
        }
        if ref_scope is not None and (ref_scope, ind.name) in table.index:
            ref = table.loc[(ref_scope, ind.name)]
            row["ref_pct"] = fmt_percent(ref["prop"])
            row["ref_ci"] = fmt_ci(ref["ci_low"], ref["ci_high"])
        rows.append(row)
    return rows


def distribution_items(
    codebook: Codebook, distributions: pd.DataFrame, scope: str, ref_scope: str | None, threshold: int | None
) -> list[dict]:
    items = []
    for name, part in distributions[distributions["scope"] == scope].groupby("variable", sort=False):
        variable = codebook.variable(name)
        counts = [int(n) for n in part["n"]]
        N = int(part["N"].iloc[0]) if len(part) else 0
        partition = counts if variable.is_categorical else [counts[0], N - counts[0]]
        hidden = suppress_partition(partition, threshold) if threshold else [False] * len(partition)
        ref = (
            distributions[(distributions["scope"] == ref_scope) & (distributions["variable"] == name)]
            .set_index("category")["prop"]
            if ref_scope
            else None
        )
        rows = []
        for (category, n, prop), hide in zip(part[["category", "n", "prop"]].itertuples(index=False), hidden):
            label = variable.label_for_key(category) if variable.is_categorical else "Coché"
            row = {
                "label": label,
                "n": _hidden(threshold) if hide else fmt_int(n),
                "pct": _hidden(threshold) if hide else fmt_percent(prop),
            }
            if ref is not None:
                row["ref_pct"] = fmt_percent(ref.get(category, float("nan")))
            rows.append(row)
        items.append({"label": variable.label_fr, "rows": rows, "N": fmt_int(N)})
    return items


def _label(codebook: Codebook, name: str) -> str:
    if name == "practice":
        return "Cabinet"
    if name in codebook.by_name:
        return codebook.variable(name).label_fr
    return codebook.indicator(name).label_fr


def test_rows(codebook: Codebook, associations: pd.DataFrame, scope: str) -> list[dict]:
    rows = []
    for r in associations[associations["scope"] == scope].itertuples(index=False):
        rows.append(
            {
                "pair": f"{_label(codebook, r.var_a)} × {_label(codebook, r.var_b)}",
                "test": TEST_NAMES.get(r.test, r.test),
                "n": fmt_int(r.n),
                "p": fmt_p(r.p_value),
                "p_adj": fmt_p(r.p_adjusted),
                "v": fmt_decimal(r.cramers_v, 2),
            }
        )
    return rows


def quality_row(label: str, clean: pd.DataFrame, rejects: pd.DataFrame) -> dict:
    reasons = rejects["reason"].str.replace(r"\d+", "N", regex=True).value_counts()
    return {
        "label": label,
        "raw": fmt_int(len(clean) + len(rejects)),
        "kept": fmt_int(len(clean)),
        "rejected": fmt_int(len(rejects)),
        "reasons": " ; ".join(f"{reason} ({count})" for reason, count in reasons.items()) or "—",
    }


def comments_of(clean: pd.DataFrame) -> list[str]:
    return [c for c in clean["comment"].dropna().astype(str) if c.strip()]


def methods_context(codebook: Codebook, settings: Mapping, threshold: int | None) -> dict:
    variables = []
    for v in codebook.variables:
        if v.restricted:
            continue
        codes = ", ".join(f"{c.code} = {c.fr}" for c in v.codes) if v.codes else v.type
        variables.append({"name": v.name, "label": v.label_fr, "codes": codes})
    return {
        "codebook_title": codebook.title_fr,
        "codebook_version": codebook.version,
        "confidence_pct": fmt_percent(settings.get("confidence", 0.95)),
        "min_expected": settings.get("min_expected", 5),
        "mc_tables": fmt_int(settings.get("fisher_mc_tables", 100_000)),
        "seed": settings.get("seed", 20210101),
        "p_adjust": P_ADJUST_NAMES.get(settings.get("p_adjust", "holm"), settings.get("p_adjust", "holm")),
        "threshold": threshold,
        "variables": variables,
    }


def provenance(raw: Sequence[str | Path], codebook: Codebook, clean: pd.DataFrame) -> list[tuple[str, str]]:
    dates = clean["return_date"].dropna() if "return_date" in clean else pd.Series(dtype="datetime64[ns]")
    rows = [(f"SHA-256 de {Path(p).name}", sha256(p)) for p in raw]
    rows += [
        ("Version du codebook", f"{codebook.name} {codebook.version}"),
        ("Version d'assistmed", assistmed.__version__),
        ("Données arrêtées au", dates.max().strftime("%d/%m/%Y") if len(dates) else "—"),
    ]
    return rows


def render_practice_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    clean: str,
    rejects: str,
    raw: str,
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
) -> None:
    cb = load_codebook(codebook)
    practice, region = meta["practice"], meta["region"]
    label = meta["practice_labels"].get(practice, practice)
    clean_frame, rejects_frame = pd.read_parquet(clean), pd.read_parquet(rejects)
    title = f"{cb.title_fr} — {label}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": f"{label} ({meta['region_label']})",
        "subtitle": "Rapport du cabinet",
        "indicators": indicator_rows(cb, pd.read_parquet(indicators), practice, region, threshold),
        "distributions": distribution_items(cb, pd.read_parquet(distributions), practice, region, threshold),
        "tests": test_rows(cb, pd.read_parquet(associations), practice),
        "quality": [quality_row(label, clean_frame, rejects_frame)],
        "comments": [{"label": label, "comments": comments_of(clean_frame)}],
        "methods": methods_context(cb, settings, threshold),
        "provenance": provenance([raw], cb, clean_frame),
    }
    render_pdf("practice.html.j2", context, pdf, title=title)


def render_region_patients_report(
    *,
    indicators: str,
    distributions: str,
    associations: str,
    clean: Sequence[str],
    rejects: Sequence[str],
    raw: Sequence[str],
    codebook: str,
    pdf: str,
    meta: Mapping,
    settings: Mapping,
    threshold: int,
) -> None:
    cb = load_codebook(codebook)
    region = meta["region"]
    labels = meta["practice_labels"]
    ind = pd.read_parquet(indicators)
    cleans = [pd.read_parquet(p) for p in clean]
    quality, comments = [], []
    for frame, rej in zip(cleans, (pd.read_parquet(p) for p in rejects)):
        practice = str(frame["practice"].iloc[0]) if len(frame) else "?"
        quality.append(quality_row(labels.get(practice, practice), frame, rej))
        comments.append({"label": labels.get(practice, practice), "comments": comments_of(frame)})
    table = ind.set_index(["scope", "indicator"])
    by_practice = []
    for indicator in cb.indicators:
        cells = []
        for practice in labels:
            if (practice, indicator.name) not in table.index:
                cells.append("—")
                continue
            r = table.loc[(practice, indicator.name)]
            hide = suppress_proportion(int(r["n"]), int(r["N"]), threshold)
            cells.append(_hidden(threshold) if hide else fmt_percent(r["prop"]))
        by_practice.append({"label": indicator.label_fr, "cells": cells})
    title = f"{cb.title_fr} — {meta['region_label']}"
    context = {
        "title": title,
        "meta": meta,
        "scope_label": meta["region_label"],
        "subtitle": "Rapport régional poolé (tous cabinets)",
        "indicators": indicator_rows(cb, ind, region, None, None),
        "practice_labels": list(labels.values()),
        "by_practice": by_practice,
        "distributions": distribution_items(cb, pd.read_parquet(distributions), region, None, None),
        "tests": test_rows(cb, pd.read_parquet(associations), region),
        "quality": quality,
        "comments": comments,
        "methods": methods_context(cb, settings, threshold),
        "provenance": provenance(raw, cb, pd.concat(cleans, ignore_index=True)),
    }
    render_pdf("region_patients.html.j2", context, pdf, title=title)

