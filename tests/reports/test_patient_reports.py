"""A practice report built from hand-made contract tables, read back as text."""

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assistmed.patients.comments import comment_table
from assistmed.patients.compare import compare_with_rest
from assistmed.patients.describe import return_period
from assistmed.quality import quality_summary
from assistmed.reports.patients import render_practice_report

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
NN = "\u202f"


@pytest.fixture
def inputs(tmp_path):
    pd.DataFrame(
        {
            "scope": ["cab", "cab", "reg", "reg"],
            "indicator": ["female", "any_discomfort", "female", "any_discomfort"],
            "n": [45, 3, 266, 60],
            "N": [60, 58, 364, 333],
            "prop": [0.75, 3 / 58, 266 / 364, 60 / 333],
            "ci_low": [0.63, 0.02, 0.68, 0.14],
            "ci_high": [0.84, 0.14, 0.77, 0.22],
        }
    ).to_parquet(tmp_path / "indicators.parquet")
    pd.DataFrame(
        {
            "scope": ["cab"] * 3 + ["reg"] * 3,
            "variable": ["contacts"] * 6,
            "category": ["one", "two_three", "four_plus"] * 2,
            "n": [3, 30, 27, 70, 150, 144],
            "N": [60] * 3 + [364] * 3,
            "prop": [0.05, 0.5, 0.45, 70 / 364, 150 / 364, 144 / 364],
        }
    ).to_parquet(tmp_path / "distributions.parquet")
    pd.DataFrame(
        {"scope": ["cab"], "var_a": ["contacts"], "var_b": ["evolution_wait"], "test": ["fisher"],
         "statistic": [9.1], "dof": [4], "p_value": [0.0123], "p_adjusted": [0.0369], "cramers_v": [0.27], "n": [58]}
    ).to_parquet(tmp_path / "associations.parquet")
    clean = pd.DataFrame(
        {"practice": ["cab"] * 3, "overall_opinion": ["very_favourable", "very_favourable", None],
         "comment": ["<b>merci</b> voir http://exemple.fr", "merci voir http://autre.fr", None],
         "return_date": pd.to_datetime(["2021-02-01", "2021-03-15", "2021-03-01"])}
    )
    comment_table(clean, region="reg").to_parquet(tmp_path / "comments.parquet")
    return_period(clean, scopes=["cab"], pool="reg").to_parquet(tmp_path / "period.parquet")
    compare_with_rest(pd.read_parquet(tmp_path / "indicators.parquet"), units=["cab"], pool="reg").to_parquet(
        tmp_path / "comparisons.parquet"
    )
    rejects = pd.DataFrame({"source_row": [9], "reason": ["ligne sans aucune réponse"]})
    summary = quality_summary(3, 2, rejects, pd.DataFrame({"variable": []}), ["sex"])
    summary.assign(region="reg", practice="cab").to_parquet(tmp_path / "quality.parquet")
    (tmp_path / "raw.csv").write_text("x", encoding="utf-8")
    return tmp_path


def render(tmp_path, name, **extra):
    render_practice_report(
        indicators=tmp_path / "indicators.parquet", distributions=tmp_path / "distributions.parquet",
        associations=tmp_path / "associations.parquet", comparisons=tmp_path / "comparisons.parquet",
        comments=tmp_path / "comments.parquet", period=tmp_path / "period.parquet",
        quality=tmp_path / "quality.parquet", raw=tmp_path / "raw.csv", codebook=CODEBOOK,
        pdf=tmp_path / name,
        meta={"study_title": "Étude", "author": "URML", "synthetic": True, "region": "reg", "region_label": "Région",
              "period": {"start": "2021-01-01", "end": "2021-05-31"}, "practice": "cab",
              "practice_labels": {"cab": "Cabinet A"}},
        settings={"confidence": 0.95}, threshold=5, code="0.1.0+test", config_digest="c0ffee", **extra,
    )
    reader = PdfReader(tmp_path / name)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_practice_report_prints_the_parquet_figures_in_french_format(inputs):
    _, text = render(inputs, "r.pdf")
    assert f"45 / 60" in text and f"75{NN}%" in text  # the practice's share of women
    assert f"73{NN}%" in text  # the pooled value beside it
    assert "0,012" in text and "0,037" in text
    assert "Données synthétiques" in text
    assert "page 1 / " in text


def test_small_counts_and_their_secondary_partner_are_hidden(inputs):
    _, text = render(inputs, "r.pdf")
    assert "3 / 58" not in text  # 3 respondents with a discomfort
    assert "< 5" in text
    # contacts: « one » (3) is hidden, and so is the next smallest count (27), or 3 = 60 − 30 − 27.
    assert f"45{NN}%" not in text


def test_comments_are_tidied_counted_once_and_the_pdf_is_reproducible(inputs):
    reader, text = render(inputs, "a.pdf")
    assert "merci voir [lien] (× 2)" in " ".join(text.split())
    assert "<b>" not in text and "http" not in text
    render(inputs, "b.pdf")
    assert (inputs / "a.pdf").read_bytes() == (inputs / "b.pdf").read_bytes()
    assert reader.metadata.title.startswith("Questionnaire patients")


def test_the_quality_section_counts_come_from_the_quality_summary_and_state_the_double_entry_agreement(inputs):
    _, text = render(inputs, "once.pdf")
    flat = re.sub(r"[ \t\r\n]+", " ", text)
    assert "ligne sans aucune réponse (1)" in flat and "Double saisie" not in flat
    # 1,262 of 1,274 cells agree: 99.058 % → « 99,1 % »
    pd.DataFrame(
        {"region": "reg", "practice": "cab", "variable": ["sex", ""], "header": ["Sexe", ""],
         "compared": [49, 1274], "agreed": [48, 1262], "rate": [48 / 49, 1262 / 1274]}
    ).to_parquet(inputs / "agreement.parquet")
    _, text = render(inputs, "twice.pdf", agreement=inputs / "agreement.parquet")
    flat = re.sub(r"[ \t\r\n]+", " ", text)
    assert f"concordent pour 99,1{NN}% des cellules comparées (1{NN}262 sur 1{NN}274)" in flat
