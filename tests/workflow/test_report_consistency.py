"""Every PDF of the example run prints the figures of the Parquet tables it was built from, as a reader sees them.

The expected strings are built from the Parquet values with the report's French formats; a cell the
small-count rule hides must print « < 5 » and never its figures. Every number of every report is traced to
a table, the configuration or the fixed text (tests/workflow/printed_numbers.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.disclosure import suppress_proportion
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


def test_practice_reports_print_their_indicators_and_hide_small_counts(example_run):
    settings = config(example_run)
    threshold = settings["reports"]["small_count_threshold"]
    indicators = pd.read_parquet(example_run / "results" / REGION / "patients/indicators.parquet")
    table = indicators.set_index(["scope", "indicator"])
    hidden_seen = 0
    for practice in settings["regions"][REGION]["patients"]["practices"]:
        text = pdf_text(example_run / "results" / REGION / f"reports/{practice}.pdf")
        for row in indicators[indicators["scope"] == practice].itertuples(index=False):
            ref = table.loc[(REGION, row.indicator)]
            pooled = f"{fmt_percent(ref['prop'])} {fmt_ci(ref['ci_low'], ref['ci_high'])}"
            if suppress_proportion(row.n, row.N, threshold):
                hidden_seen += 1
                assert f"< {threshold} < {threshold} — {pooled}" in text, (practice, row.indicator)
                hidden = rf"(?<!\d){re.escape(fmt_int(row.n))} / {re.escape(fmt_int(row.N))}(?!\d)"
                assert not re.search(hidden, text), (practice, row.indicator)
            else:
                line = f"{fmt_int(row.n)} / {fmt_int(row.N)} {fmt_percent(row.prop)} {fmt_ci(row.ci_low, row.ci_high)}"
                assert f"{line} {pooled}" in text, (practice, row.indicator)
    assert hidden_seen, "the example should exercise the small-count rule"


def test_pooled_report_annex_prints_each_practice_cell_or_hides_it(example_run):
    settings = config(example_run)
    threshold = settings["reports"]["small_count_threshold"]
    practices = settings["regions"][REGION]["patients"]["practices"]
    codebook = load_codebook(example_run / settings["codebooks"]["patients"])
    table = pd.read_parquet(example_run / "results" / REGION / "patients/indicators.parquet").set_index(["scope", "indicator"])
    text = pdf_text(example_run / "results" / REGION / f"reports/{REGION}-patients.pdf")
    for practice, spec in practices.items():
        cells = []
        for indicator in codebook.indicators:
            r = table.loc[(practice, indicator.name)]
            cells.append(f"< {threshold}" if suppress_proportion(r["n"], r["N"], threshold) else fmt_percent(r["prop"]))
        assert f"{spec['label']} {' '.join(cells)}" in text, practice


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


def test_gp_report_prints_row_percentages_the_barriers_by_subgroup_and_the_last_submission(example_run):
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-gps.pdf")
    determinants = pd.read_parquet(results / "gps/determinants.parquet")
    for variable, part in determinants.groupby("variable", sort=False):
        first = part.iloc[0]
        assert f"n = {fmt_int(first['n'])}, p = {fmt_p(first['p_value'])}, p ajusté = {fmt_p(first['p_adjusted'])}" in text, variable
    shares = pd.read_parquet(results / "gps/assistant_shares.parquet")
    for row in shares[shares["N"] > 0].itertuples(index=False):
        line = f"{fmt_int(row.n)} / {fmt_int(row.N)} {fmt_percent(row.prop)} {fmt_ci(row.ci_low, row.ci_high)}"
        assert line in text, (row.variable, row.level)
    barriers = pd.read_parquet(results / "gps/barriers.parquet").set_index(["subgroup", "barrier"])
    for barrier, row in barriers.loc["all"].iterrows():
        with_, without = barriers.loc[("with_assistant", barrier)], barriers.loc[("without_assistant", barrier)]
        line = (
            f"{fmt_int(row['n'])} / {fmt_int(row['N'])} {fmt_percent(row['prop'])} {fmt_ci(row['ci_low'], row['ci_high'])} "
            f"{fmt_percent(with_['prop'])} ({fmt_int(with_['n'])} / {fmt_int(with_['N'])}) "
            f"{fmt_percent(without['prop'])} ({fmt_int(without['n'])} / {fmt_int(without['N'])})"
        )
        assert line in text, barrier
    summary = pd.read_parquet(results / "gps/respondents.parquet").iloc[0]
    assert f"au {summary['last_submitted']:%d/%m/%Y}" in text
    assert "Correction pour tests multiples : Holm, sur l'ensemble des" in text
    for section in ("Tâches confiées à l'assistant", "Satisfaction vis-à-vis du dispositif",
                    "Projet de recruter un assistant médical", "Frein : autre (précisez)", "Commentaire libre"):
        assert section in text, section


def test_gp_methods_name_the_configured_correction_and_render_identically_twice(example_run, tmp_path):
    from assistmed.reports.gps import render_gps_report

    settings = config(example_run)
    results = example_run / "results" / REGION
    tables = {"summary": "respondents", "shares": "assistant_shares"} | {
        t: t for t in ("indicators", "distributions", "texts", "determinants", "model", "barriers")
    }
    for name in ("a.pdf", "b.pdf"):
        render_gps_report(
            **{key: results / f"gps/{table}.parquet" for key, table in tables.items()},
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
    return numbers | {fmt_percent(settings["analysis"]["confidence"]).split("\u202f")[0]}


def _patient_sources(workdir: Path, settings) -> tuple[list[pd.DataFrame], set[str], set[str]]:
    """The region's tables a patient report reads, the dates it may print and the digests of its inputs."""
    results = workdir / "results" / REGION
    practices = list(settings["regions"][REGION]["patients"]["practices"])
    names = ("indicators", "distributions", "associations", "comparisons", "comments", "period")
    tables = [pd.read_parquet(results / f"patients/{name}.parquet") for name in names]
    tables += [pd.read_parquet(results / f"patients/practices/{p}/associations.parquet") for p in practices]
    tables += [pd.read_parquet(results / f"qual/{name}.parquet") for name in ("flow", "selection")]
    tables.append(pd.read_parquet(results / "qual/themes.parquet")[["n_interviews", "n_total"]])
    period = pd.read_parquet(results / "patients/period.parquet")
    tables += [pd.read_parquet(results / f"patients/quality/{p}.parquet") for p in practices]
    tables += [pd.read_parquet(path) for path in sorted(results.glob("patients/double_entry/*/agreement.parquet"))]
    spec = settings["regions"][REGION]["patients"]
    dates = dates_of(period["first_return"], period["last_return"], spec["period"]["start"], spec["period"]["end"])
    raw = [s["file"] for s in spec["practices"].values()]
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
    fixed = codebook_numbers(codebook) | _config_numbers(settings)
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
    names = ("respondents", "indicators", "distributions", "assistant_shares", "texts", "determinants", "model", "barriers")
    tables = [pd.read_parquet(results / f"gps/{name}.parquet") for name in names]
    summary = tables[0].iloc[0]
    spec = settings["regions"][REGION]["gps"]
    dates = dates_of(summary["first_submitted"], summary["last_submitted"], spec["period"]["start"], spec["period"]["end"])
    path = results / f"reports/{REGION}-gps.pdf"
    printed = trace(path, tables=tables, fixed_text=codebook_numbers(codebook) | _config_numbers(settings),
                    dates=dates, digests={file_digest(example_run / spec["file"])})
    assert printed.unexplained == [], printed.unexplained
    assert len(printed.from_tables) >= 300, len(printed.from_tables)
