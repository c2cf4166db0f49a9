"""Every PDF of the example run prints the figures of the Parquet tables it was built from, as a reader sees them.

The expected strings are built from the Parquet values with the report's French formats; a cell the
small-count rule hides must print « < 5 » and never its figures.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.disclosure import suppress_proportion
from assistmed.reports.fmt import fmt_ci, fmt_date, fmt_int, fmt_p, fmt_percent

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"


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


def test_pooled_report_prints_each_practice_cell_or_hides_it(example_run):
    settings = config(example_run)
    threshold = settings["reports"]["small_count_threshold"]
    practices = list(settings["regions"][REGION]["patients"]["practices"])
    codebook = load_codebook(example_run / settings["codebooks"]["patients"])
    table = pd.read_parquet(example_run / "results" / REGION / "patients/indicators.parquet").set_index(["scope", "indicator"])
    text = pdf_text(example_run / "results" / REGION / f"reports/{REGION}-patients.pdf")
    for indicator in codebook.indicators:
        cells = []
        for practice in practices:
            r = table.loc[(practice, indicator.name)]
            cells.append(f"< {threshold}" if suppress_proportion(r["n"], r["N"], threshold) else fmt_percent(r["prop"]))
        assert " ".join(cells) in text, indicator.name


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
    results = example_run / "results" / REGION
    text = pdf_text(results / f"reports/{REGION}-gps.pdf")
    determinants = pd.read_parquet(results / "gps/determinants.parquet")
    for variable, part in determinants.groupby("variable", sort=False):
        first = part.iloc[0]
        assert f"{fmt_int(first['n'])} {fmt_p(first['p_value'])} {fmt_p(first['p_adjusted'])}" in text, variable
    barriers = pd.read_parquet(results / "gps/barriers.parquet")
    for row in barriers[barriers["subgroup"] == "all"].itertuples(index=False):
        line = f"{fmt_int(row.n)} / {fmt_int(row.N)} {fmt_percent(row.prop)} {fmt_ci(row.ci_low, row.ci_high)}"
        assert line in text, row.barrier
    submitted = pd.read_parquet(results / "gps/clean.parquet")["submitdate"].max()
    assert f"Dernière réponse envoyée le {fmt_date(submitted.strftime('%Y-%m-%d'))}" in text
    assert "Correction pour tests multiples : Holm, sur l'ensemble des" in text


def test_gp_methods_name_the_configured_correction_and_render_identically_twice(example_run, tmp_path):
    from assistmed.reports.gps import render_gps_report

    settings = config(example_run)
    results = example_run / "results" / REGION
    for name in ("a.pdf", "b.pdf"):
        render_gps_report(
            **{t: results / f"gps/{t}.parquet" for t in ("clean", "rejects", "determinants", "model", "barriers")},
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
