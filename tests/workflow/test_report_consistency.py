"""Every PDF of the example run prints the figures of the Parquet tables it was built from, as a reader sees them.

The expected strings are built from the Parquet values with the report's French formats; a figure the
small-count policy hides prints its mark or bound (« < 5 », « ≥ 64 », « s ») and never its value. Every
number of every report is traced to a table, the configuration or the fixed text
(tests/workflow/printed_numbers.py).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.disclosure.cells import Published
from assistmed.reports.common import input_digests
from assistmed.reports.fmt import fmt_ci, fmt_int, fmt_p, fmt_percent
from tests.reports.pdf_structure import accessibility_faults
from tests.workflow.printed_numbers import (
    codebook_numbers,
    dates_of,
    file_digest,
    flat,
    pdf_text,
    text_numbers,
    trace,
)

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"
NN = "\u202f"


def config(workdir):
    return yaml.safe_load((workdir / "config/config.yaml").read_text(encoding="utf-8"))


def reports(workdir):
    return sorted((workdir / "results" / REGION / "reports").glob("*.pdf"))


def test_every_report_is_tagged_titled_signed_in_french_with_bookmarks_and_numbered_pages(example_run):
    paths = reports(example_run)
    assert len(paths) == len(config(example_run)["regions"][REGION]["patients"]["practices"]) + 2
    for path in paths:
        reader = PdfReader(path)
        pages = len(reader.pages)
        assert reader.metadata.title and reader.metadata.author and reader.metadata.subject, path.name
        assert reader.trailer["/Root"]["/Lang"] == "fr", path.name
        assert accessibility_faults(path) == [], path.name
        assert len(reader.outline) == 2 and len(reader.outline[1]) >= 5, path.name  # title, then its chapters
        for number, page in enumerate(reader.pages, start=1):
            assert f"page {number} / {pages}" in page.extract_text(), (path.name, number)
        text = pdf_text(path)
        for section in ("L'essentiel", "Limites", "Méthodes", "Provenance", "SHA-256 ", "Codebook", "Logiciels"):
            assert section in text, (path.name, section)
        assert "arrêtées au" not in text


def test_the_codes_table_lists_questions_only_and_repeats_its_header_on_every_page_it_spans(example_run):
    settings = config(example_run)
    spans = {}
    for path in reports(example_run):
        text = pdf_text(path)
        for system_field in ("lastpage", "response_seed", "questionnaire_id", "Graine aléatoire de LimeSurvey"):
            assert system_field not in text, (path.name, system_field)
        codebook = load_codebook(example_run / settings["codebooks"]["gps" if path.stem.endswith("-gps") else "patients"])
        rows = [f"{v.label_fr} " for v in codebook.variables if v.type in ("categorical", "ordinal")]
        pages = [flat(page.extract_text()) for page in PdfReader(path).pages]
        codes = [text for text in pages if "Questions et codes" in text or "(codes de saisie)" in text]
        holding = [text for text in codes if any(row in text for row in rows)]
        assert all("Question Réponses (codes de saisie)" in text for text in holding), path.name
        spans[path.name] = len(holding)
    assert max(spans.values()) >= 2, spans  # at least one report shows the table across pages


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
    settings = config(example_run)
    codebook = load_codebook(example_run / settings["codebooks"]["patients"])
    cells = Published(published(example_run))
    practices = settings["regions"][REGION]["patients"]["practices"]
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
                label = variable.label_for_key(r.category) if variable.is_categorical else variable.label_fr.split(" : ", 1)[-1]
                # the hidden value is not printed in the cell's row: « s s region% »
                assert not re.search(rf"{re.escape(label)} {exact.loc[(r.scope, r.variable, r.category)]} ", text)
    text = pdf_text(example_run / "results" / REGION / f"reports/{REGION}-patients.pdf")
    for practice, spec in practices.items():  # the annex: one row per practice, each indicator as published
        row = " ".join(cells.cell(practice, indicator.name).percent for indicator in codebook.indicators)
        assert f"{spec['label']} {row}" in text, practice
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
    # the level's share with an assistant would give its hidden count back: « s », and so is its odds ratio
    assert sector.count == f"<{NN}{threshold}" and "Secteur 2 ou OPTAM s s — s" in text
    audit = pd.read_parquet(example_run / "results" / REGION / "disclosure/gps-audit.parquet")
    assert audit["protected"].all()


def test_pooled_report_shows_the_interview_flow_from_15_selected_to_9_coded_and_each_theme(example_run):
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-patients.pdf")
    assert "sélectionnés (règle ci-dessous) 15 joints par téléphone non renseigné interrogés 9" in text
    assert "entretiens codés dans la grille 9" in text
    themes = pd.read_parquet(results / "qual/themes.parquet")
    for row in themes.itertuples(index=False):
        noun = "entretien" if row.n_interviews == 1 else "entretiens"
        assert f"{fmt_int(row.n_interviews)} {noun} sur {fmt_int(row.n_total)}" in text, row.theme
        assert " ".join(row.label.split()) in text, row.theme
    selected = int(pd.read_parquet(results / "qual/selection.parquet")["n_selected"].sum())
    assert f"Total {fmt_int(selected)}" in text
    assert "Aucun entretien n'a été codé pour cette région." not in text


def test_pooled_report_prints_comments_once_with_their_count_and_without_markup(example_run):
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-patients.pdf")
    comments = pd.read_parquet(results / "patients/comments.parquet")
    repeated = comments[(comments["scope"] == REGION) & (comments["n"] > 1)].iloc[0]
    # a comment written by several patients of the same opinion is printed once, with their number
    assert text.count(f"{repeated['text']} (× {fmt_int(repeated['n'])})") == 1
    for raw in ("<b>", "http://", "=1+1"):
        assert raw not in text
    assert "comments.csv" in text and (results / "tables/patients-comments.csv").exists()




def test_gp_report_prints_row_percentages_the_barriers_by_subgroup_and_the_submission_dates(example_run):
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-gps.pdf")
    cells = Published(published(example_run, "gps"))
    determinants = pd.read_parquet(results / "gps/determinants.parquet")
    for variable, part in determinants.groupby("variable", sort=False):
        first = part.iloc[0]
        assert f"n = {fmt_int(first['n'])}, p = {fmt_p(first['p_value'])}, p ajusté = {fmt_p(first['p_adjusted'])}" in text, variable
    shown = 0
    for row in determinants[determinants["n_level"] > 0].itertuples(index=False):
        both = all(cells.cell(s, row.variable, row.level).shown for s in ("with_assistant", "without_assistant"))
        line = (f"{fmt_int(row.n_with)} / {fmt_int(row.n_level)} {fmt_percent(row.prop_with)} "
                f"{fmt_ci(row.prop_ci_low, row.prop_ci_high)}")
        assert (line in text) == both, (row.variable, row.level)  # a share that would give a hidden count back is « s »
        shown += both
    assert shown
    barriers = pd.read_parquet(results / "gps/barriers.parquet")
    for barrier in barriers.loc[barriers["subgroup"] == "all", "barrier"]:
        cell = cells.cell("all", barrier, "cited")
        with_, without = cells.cell("with_assistant", barrier, "cited"), cells.cell("without_assistant", barrier, "cited")
        line = (f"{cell.n_over_N} {cell.percent} {cell.ci} {with_.percent} ({with_.n_over_N}) "
                f"{without.percent} ({without.n_over_N})")
        assert line in text, barrier
    summary = pd.read_parquet(results / "gps/respondents.parquet").iloc[0]
    assert f"du {summary['first_submitted']:%d/%m/%Y} au {summary['last_submitted']:%d/%m/%Y}" in text
    assert "Correction pour tests multiples : Holm, sur l'ensemble des" in text
    for section in ("Tâches confiées à l'assistant", "Satisfaction vis-à-vis du dispositif",
                    "Projet de recruter un assistant médical", "Frein : autre (précisez)", "Commentaire libre"):
        assert section in text, section


def test_gp_methods_name_the_configured_correction_and_render_identically_twice(example_run, tmp_path):
    from assistmed.reports.gps import render_gps_report

    settings = config(example_run)
    results = example_run / "results" / REGION
    tables = {"summary": "respondents", "texts": "texts", "determinants": "determinants", "model": "model"}
    for name in ("a.pdf", "b.pdf"):
        render_gps_report(
            **{key: results / f"gps/{table}.parquet" for key, table in tables.items()},
            published=results / "disclosure/gps.parquet",
            raw=example_run / settings["regions"][REGION]["gps"]["file"],
            codebook=example_run / settings["codebooks"]["gps"],
            pdf=tmp_path / name,
            meta={"study_title": "Étude", "author": "URML", "synthetic": True, "region": REGION,
                  "region_label": "Région", "period": None, "practice_labels": {}},
            settings={**settings["analysis"], "p_adjust": "fdr_bh"},
            code="0.1.0+0123456789abcdef",
            config_digest="0" * 64,
        )
    text = pdf_text(tmp_path / "a.pdf")
    assert "Correction pour tests multiples : Benjamini–Hochberg" in text
    assert "Holm" not in text
    # the real GP report, charts included, is the same bytes from one rendering to the next
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def _config_numbers(settings) -> set[str]:
    """The settings a report prints (seed, number of simulated tables, thresholds, selection rule)."""
    values = [*settings["analysis"].values(), settings["reports"]["small_count_threshold"]]
    values += [settings["interviews"]["min_negative"]] if "interviews" in settings else []
    numbers = text_numbers(str(v) for v in values) | {fmt_int(settings["analysis"]["fisher_mc_tables"])}
    return numbers | {fmt_percent(settings["analysis"]["confidence"]).split(NN)[0]}


def _policy_numbers(threshold: int) -> set[str]:
    """The numbers of the small-count policy's text, generated from the threshold (its example uses N = 68)."""
    from assistmed.disclosure.cells import footnote_fr, methods_fr

    return text_numbers([methods_fr(threshold), footnote_fr(threshold)])


def _patient_sources(workdir: Path, settings) -> tuple[list[pd.DataFrame], set[str], set[str]]:
    """The tables a patient report reads, the dates it may print and the digests of its inputs."""
    results = workdir / "results" / REGION
    practices = list(settings["regions"][REGION]["patients"]["practices"])
    tables = [published(workdir), pd.read_parquet(results / "disclosure/selection.parquet")]
    tables += [pd.read_parquet(results / f"patients/{name}.parquet")
               for name in ("associations", "comparisons", "comments", "period")]
    tables.append(pd.read_parquet(results / "patients/indicators.parquet")[["deff", "icc", "design_df"]])
    tables += [pd.read_parquet(results / f"patients/practices/{p}/associations.parquet") for p in practices]
    tables.append(pd.read_parquet(results / "qual/flow.parquet"))
    tables.append(pd.read_parquet(results / "qual/themes.parquet")[["n_interviews", "n_total"]])
    tables += [pd.read_parquet(results / f"patients/quality/{p}.parquet") for p in practices]
    tables += [pd.read_parquet(path) for path in sorted(results.glob("patients/double_entry/*/agreement.parquet"))]
    period = pd.read_parquet(results / "patients/period.parquet")
    spec = settings["regions"][REGION]["patients"]
    dates = dates_of(period["first_return"], period["last_return"], spec["period"]["start"], spec["period"]["end"])
    raw = [s.get("reconciled", s["file"]) for s in spec["practices"].values()]
    here = Path.cwd()
    os.chdir(workdir)  # the combined digest lists the files as the configuration names them
    try:
        digests = {file_digest(p) for p in raw} | {input_digests(raw)[0]}
    finally:
        os.chdir(here)
    return tables, dates, digests


def test_every_number_of_every_patient_report_comes_from_a_table_the_configuration_or_the_fixed_text(example_run):
    settings = config(example_run)
    codebook = load_codebook(example_run / settings["codebooks"]["patients"])
    tables, dates, digests = _patient_sources(example_run, settings)
    fixed = (codebook_numbers(codebook) | _config_numbers(settings)
             | _policy_numbers(settings["reports"]["small_count_threshold"]))
    for path in reports(example_run):
        if path.stem.endswith("-gps"):
            continue
        printed = trace(path, tables=tables, fixed_text=fixed, dates=dates, digests=digests)
        assert printed.unexplained == [], (path.name, printed.unexplained)
        assert len(printed.from_tables) >= 100, (path.name, len(printed.from_tables))


def test_every_number_of_the_gp_report_comes_from_a_table_the_configuration_or_the_fixed_text(example_run):
    settings = config(example_run)
    results = example_run / "results" / REGION
    codebook = load_codebook(example_run / settings["codebooks"]["gps"])
    tables = [published(example_run, "gps")]
    tables += [pd.read_parquet(results / f"gps/{name}.parquet")
               for name in ("respondents", "texts", "determinants", "model")]
    summary = tables[1].iloc[0]
    spec = settings["regions"][REGION]["gps"]
    dates = dates_of(summary["first_submitted"], summary["last_submitted"], spec["period"]["start"], spec["period"]["end"])
    threshold = settings["reports"].get("gps_small_count_threshold", settings["reports"]["small_count_threshold"])
    fixed = codebook_numbers(codebook) | _config_numbers(settings) | _policy_numbers(threshold)
    printed = trace(results / f"reports/{REGION}-gps.pdf", tables=tables, fixed_text=fixed, dates=dates,
                    digests={file_digest(example_run / spec["file"])})
    assert printed.unexplained == [], printed.unexplained
    assert len(printed.from_tables) >= 300, len(printed.from_tables)
