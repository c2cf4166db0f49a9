"""Every PDF of the example run prints the figures of the Parquet tables it was built from, as a reader sees them.

The expected strings are built from the Parquet values with the report's French formats; a cell the
small-count rule hides must print « < 5 » and never its figures.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.reports.fmt import fmt_ci, fmt_date, fmt_int, fmt_p

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"
NN = "\u202f"


def config(workdir):
    return yaml.safe_load((workdir / "config/config.yaml").read_text(encoding="utf-8"))


def flat(text: str) -> str:
    """Line breaks and runs of spaces as one space; narrow no-break spaces kept (they are part of the format)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def pdf_text(path) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def reports(workdir):
    return sorted((workdir / "results" / REGION / "reports").glob("*.pdf"))


def test_every_report_has_a_title_language_bookmarks_and_numbered_pages(example_run):
    paths = reports(example_run)
    assert len(paths) == len(config(example_run)["regions"][REGION]["patients"]["practices"]) + 2
    for path in paths:
        reader = PdfReader(path)
        pages = len(reader.pages)
        assert reader.metadata.title, path.name
        assert reader.trailer["/Root"]["/Lang"] == "fr", path.name
        assert len(reader.outline) == 2 and len(reader.outline[1]) >= 5, path.name  # title, then its chapters
        for number, page in enumerate(reader.pages, start=1):
            assert f"page {number} / {pages}" in page.extract_text(), (path.name, number)
        text = pdf_text(path)
        for section in ("Méthodes", "Provenance", "SHA-256 de", "Version du codebook", "Version d'assistmed"):
            assert section in text, (path.name, section)


def test_the_codes_table_repeats_its_header_row_on_every_page_it_spans(example_run):
    settings = config(example_run)
    spans = {}
    for path in reports(example_run):
        codebook = load_codebook(example_run / settings["codebooks"]["gps" if path.stem.endswith("-gps") else "patients"])
        rows = [f"{v.name} {v.label_fr}" for v in codebook.variables if not v.restricted]
        pages = [flat(page.extract_text()) for page in PdfReader(path).pages]
        holding = [text for text in pages if any(row in text for row in rows)]
        assert all("Variable Libellé Codes" in text for text in holding), path.name
        spans[path.name] = len(holding)
    assert max(spans.values()) >= 2, spans  # at least one report shows a table across pages


def published(workdir, strand="patients"):
    return pd.read_parquet(workdir / "results" / REGION / f"disclosure/{strand}.parquet")


def exact_counts(workdir) -> pd.Series:
    results = workdir / "results" / REGION / "patients"
    distributions = pd.read_parquet(results / "distributions.parquet")
    indicators = pd.read_parquet(results / "indicators.parquet")
    return pd.concat(
        [
            distributions.set_index(["scope", "variable", "category"])["n"],
            indicators.assign(category="").set_index(["scope", "indicator", "category"])["n"],
        ]
    )


def check_true(table: pd.DataFrame, exact: pd.Series, threshold: int) -> Counter:
    """Every published cell is the exact value, or a true mark or bound for it."""
    seen = Counter()
    for r in table.itertuples(index=False):
        value = exact.loc[(r.scope, r.variable, r.category)]
        seen[r.status] += 1
        if r.status == "shown":
            assert r.n == value, r
        elif r.status == "small":
            assert value < threshold, r  # « < k » never covers a value ≥ k
            assert pd.isna(r.prop) or value / r.N <= r.prop, r  # « ≤ x % » is true
        elif r.status == "at_least":
            assert value >= r.n and r.N - value < threshold and value / r.N >= r.prop, r
        else:
            assert r.status == "secondary" and pd.isna(r.n), r
    return seen


def test_every_published_patient_cell_is_its_exact_value_or_a_true_mark_and_the_audit_proves_them(example_run):
    threshold = config(example_run)["reports"]["small_count_threshold"]
    seen = check_true(published(example_run), exact_counts(example_run), threshold)
    assert seen["small"] and seen["secondary"] and seen["at_least"], seen
    audit = pd.read_parquet(example_run / "results" / REGION / "disclosure/patients-audit.parquet")
    assert audit["protected"].all()
    hidden = published(example_run)
    hidden = set(zip(*(hidden.loc[hidden["status"] != "shown", c] for c in ("scope", "variable", "category"))))
    assert set(zip(audit["scope"], audit["variable"], audit["category"])) <= hidden
    small = audit[audit["status"] == "small"]
    assert ((small["low"] == 0) & (small["high"] == threshold - 1)).all()  # a reader learns « < k », no more


def test_the_favourable_opinion_of_cabinets_a_and_f_prints_as_a_true_bound(example_run):
    threshold = config(example_run)["reports"]["small_count_threshold"]
    table = published(example_run).set_index(["scope", "variable", "category"])
    exact = exact_counts(example_run)
    for practice in ("vendee-a", "vendee-f"):
        row = table.loc[(practice, "overall_favourable", "")]
        N, value = int(row["N"]), int(exact.loc[(practice, "overall_favourable", "")])
        bound = N - (threshold - 1)
        assert (row["status"], row["n"]) == ("at_least", bound) and value >= bound
        percent = 100 * bound // N
        text = pdf_text(example_run / "results" / REGION / f"reports/{practice}.pdf")
        assert f"Avis globalement favorable ≥{NN}{fmt_int(bound)} / {fmt_int(N)} ≥{NN}{percent}{NN}%" in text


def test_every_report_prints_the_published_cells_and_never_a_hidden_value(example_run):
    from assistmed.disclosure.cells import Published

    settings = config(example_run)
    codebook = load_codebook(example_run / settings["codebooks"]["patients"])
    cells = Published(published(example_run))
    practices = list(settings["regions"][REGION]["patients"]["practices"])
    for practice in practices:
        text = pdf_text(example_run / "results" / REGION / f"reports/{practice}.pdf")
        for indicator in codebook.indicators:
            cell, ref = cells.cell(practice, indicator.name), cells.cell(REGION, indicator.name)
            line = f"{indicator.label_fr} {cell.n_over_N} {cell.percent} {cell.ci} {ref.percent} {ref.ci}"
            assert flat(line) in text, (practice, indicator.name)
        exact = exact_counts(example_run)
        for r in published(example_run).itertuples(index=False):
            if r.scope == practice and r.status == "secondary" and r.category:
                variable = codebook.variable(r.variable)
                label = variable.label_for_key(r.category) if variable.is_categorical else "Coché"
                # the hidden value is not printed in the cell's row: « s s region% »
                assert not re.search(rf"{re.escape(label)} {exact.loc[(r.scope, r.variable, r.category)]} ", text)
    text = pdf_text(example_run / "results" / REGION / f"reports/{REGION}-patients.pdf")
    for indicator in codebook.indicators:
        row = " ".join(cells.cell(p, indicator.name).percent for p in practices)
        assert row in text, indicator.name
    assert "tout effectif inférieur" not in text


def test_the_csv_tables_for_the_snakemake_report_carry_the_published_cells_only(example_run):
    from assistmed.disclosure.cells import published_table

    tables = example_run / "results" / REGION / "tables"
    for strand, figures in [("patients", "indicators"), ("patients", "distributions"), ("gps", "determinants"), ("gps", "barriers")]:
        csv = pd.read_csv(tables / f"{strand}-{figures}.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        expected = published_table(published(example_run, strand), figures)
        assert csv["n"].tolist() == expected["n"].tolist(), (strand, figures)
        assert csv["status"].tolist() == expected["status"].tolist()


def test_the_gp_report_is_under_the_same_policy(example_run):
    from assistmed.disclosure.cells import Published

    table = published(example_run, "gps")
    threshold = config(example_run)["reports"]["small_count_threshold"]
    clean = pd.read_parquet(example_run / "results" / REGION / "gps/clean.parquet")
    determinants = pd.read_parquet(example_run / "results" / REGION / "gps/determinants.parquet")
    counts = {}
    for r in determinants.itertuples(index=False):
        counts[("with_assistant", r.variable, r.level)] = r.n_with
        counts[("without_assistant", r.variable, r.level)] = r.n_without
    hidden = 0
    for r in table[table["scope"].isin(["with_assistant", "without_assistant"]) & (table["category"] != "cited")].itertuples(index=False):
        value = counts[(r.scope, r.variable, r.category)]
        if r.status == "small":
            hidden += 1
            assert value < threshold
        elif r.status == "shown":
            assert r.n == value
    assert hidden and len(clean) == 104
    text = pdf_text(example_run / "results" / REGION / f"reports/{REGION}-gps.pdf")
    cells = Published(table)
    sector = cells.cell("with_assistant", "sector", "sector_2")
    assert sector.count == f"<{NN}{threshold}" and f"{sector.n_over_N}" in text
    audit = pd.read_parquet(example_run / "results" / REGION / "disclosure/gps-audit.parquet")
    assert audit["protected"].all()


def test_pooled_report_prints_each_theme_count_and_the_number_selected(example_run):
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-patients.pdf")
    themes = pd.read_parquet(results / "qual/themes.parquet")
    for row in themes.itertuples(index=False):
        noun = "entretien" if row.n_interviews == 1 else "entretiens"
        assert f"{fmt_int(row.n_interviews)} {noun} sur {fmt_int(row.n_total)}" in text, row.theme
        assert " ".join(row.label.split()) in text, row.theme
    selected = int(pd.read_parquet(results / "qual/selection.parquet")["n_selected"].sum())
    assert f"Total {fmt_int(selected)}" in text
    assert "Aucun entretien n'a été codé pour cette région." not in text


def test_gp_report_prints_the_determinants_p_values_and_the_barrier_percentages(example_run):
    from assistmed.disclosure.cells import Published

    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-gps.pdf")
    determinants = pd.read_parquet(results / "gps/determinants.parquet")
    for variable, part in determinants.groupby("variable", sort=False):
        first = part.iloc[0]
        assert f"{fmt_int(first['n'])} {fmt_p(first['p_value'])} {fmt_p(first['p_adjusted'])}" in text, variable
    barriers = pd.read_parquet(results / "gps/barriers.parquet")
    cells = Published(published(example_run, "gps"))
    for row in barriers[barriers["subgroup"] == "all"].itertuples(index=False):
        cell = cells.cell("all", row.barrier, "cited")
        assert f"{cell.n_over_N} {cell.percent} {cell.ci}" in text, row.barrier
        if cell.shown:
            assert cell.n_over_N == f"{fmt_int(row.n)} / {fmt_int(row.N)}"
            assert cell.ci == fmt_ci(row.ci_low, row.ci_high)
    submitted = pd.read_parquet(results / "gps/clean.parquet")["submitdate"].max()
    assert f"Dernière réponse envoyée le {fmt_date(submitted.strftime('%Y-%m-%d'))}" in text
    assert "Correction pour tests multiples : Holm, sur l'ensemble des" in text


def test_gp_methods_name_the_configured_correction_and_render_identically_twice(example_run, tmp_path):
    from assistmed.reports.gps import render_gps_report

    settings = config(example_run)
    results = example_run / "results" / REGION
    for name in ("a.pdf", "b.pdf"):
        render_gps_report(
            **{t: results / f"gps/{t}.parquet" for t in ("clean", "rejects", "determinants", "model")},
            published=results / "disclosure/gps.parquet",
            raw=example_run / settings["regions"][REGION]["gps"]["file"],
            codebook=example_run / settings["codebooks"]["gps"],
            pdf=tmp_path / name,
            meta={"study_title": "Étude", "synthetic": True, "region": REGION, "region_label": "Région",
                  "period": None, "practice_labels": {}},
            settings={**settings["analysis"], "p_adjust": "fdr_bh"},
        )
    text = pdf_text(tmp_path / "a.pdf")
    assert "Correction pour tests multiples : Benjamini–Hochberg" in text
    assert "Holm" not in text
    # the real GP report, two charts included, is the same bytes from one rendering to the next
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
