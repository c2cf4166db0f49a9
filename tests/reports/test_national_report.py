"""The report on all regions built from hand-made contract tables, read back as text."""

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assistmed.patients.describe import describe_national, return_period
from assistmed.reports.national import render_national_report

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
GP_CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/gps.yaml"
NN = "\u202f"
META = {
    "study_title": "Étude",
    "author": "URML",
    "synthetic": True,
    "region_labels": {"nord": "Région <Nord>", "sud": "Région Sud"},
    "practices": {"nord": 2, "sud": 30},
    "period": {"start": "2021-01-01", "end": "2021-06-30"},
}


def association(scope, var_a, var_b, p, stratified_test="", p_stratified=float("nan"), p_design=float("nan")):
    return {"scope": scope, "var_a": var_a, "var_b": var_b, "test": "chi2", "statistic": 4.0, "dof": 1,
            "p_value": p, "p_adjusted": min(1.0, 3 * p), "cramers_v": 0.1, "n": 500,
            "stratified_test": stratified_test, "p_stratified": p_stratified, "p_design": p_design}


@pytest.fixture
def report_text(tmp_path, published_table):
    published_table(
        [
            ["indicators", scope, "female", "", "shown", n, N, 0.75, low, high]
            for scope, n, N, low, high in [("nord", 30, 40, 0.60, 0.86), ("sud", 1500, 2000, 0.73, 0.77),
                                            ("national", 1530, 2040, 0.73, 0.77)]
        ]
    ).to_parquet(tmp_path / "published.parquet")
    nan = float("nan")
    pd.DataFrame(
        {"scope": ["nord", "sud", "national"], "indicator": ["female"] * 3, "n": [30, 1500, 1530],
         "N": [40, 2000, 2040], "deff": [nan, nan, 2.5], "icc": [nan, nan, 0.031], "design_df": [nan, nan, 30.0]}
    ).to_parquet(tmp_path / "indicators.parquet")
    pd.DataFrame(
        [
            association("nord", "sex", "overall_opinion", 0.5, "gcmh", 0.777),
            association("national", "sex", "overall_opinion", 0.0123, "gcmh", 0.0456, p_design=0.0789),
            association("national", "diploma", "role_approval", 0.2),
            association("national", "region", "sex", 0.0321, p_design=0.0654),
        ]
    ).to_parquet(tmp_path / "associations.parquet")
    clean = pd.DataFrame(
        {"practice": ["n1", "s1"], "region": ["nord", "sud"], "return_date": pd.to_datetime(["2021-02-01", "2021-06-15"])}
    )
    for region in ("nord", "sud"):
        return_period(clean[clean["region"] == region], scopes=[], pool=region).to_parquet(tmp_path / f"{region}.parquet")
    describe_national(
        tmp_path / "indicators.parquet", [tmp_path / "nord.parquet", tmp_path / "sud.parquet"], regions=["nord", "sud"],
        pool="national", confidence=0.95, period=tmp_path / "period.parquet", comparisons=tmp_path / "comparisons.parquet",
    )
    published_table(
        [["respondents", "all", "with_assistant", "", "shown", 34, 99, 34 / 99, 0.26, 0.44]]
    ).to_parquet(tmp_path / "gps.parquet")
    (tmp_path / "raw.csv").write_text("x", encoding="utf-8")
    render_national_report(
        published=tmp_path / "published.parquet", indicators=tmp_path / "indicators.parquet",
        associations=tmp_path / "associations.parquet",
        comparisons=tmp_path / "comparisons.parquet", period=tmp_path / "period.parquet",
        gp_published=[tmp_path / "gps.parquet"], raw=[tmp_path / "raw.csv", tmp_path / "gps.parquet"],
        codebook=CODEBOOK, gp_codebook=GP_CODEBOOK, pdf=tmp_path / "national.pdf", meta=META,
        settings={"confidence": 0.95}, gp_regions=["sud"], code="0.1.0+test", config_digest="c0ffee",
    )
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "national.pdf").pages)
    return re.sub(r"[ \t\r\n]+", " ", text)  # line breaks as spaces; narrow no-break spaces kept


def test_each_region_and_all_regions_together_are_printed_side_by_side_in_french(report_text):
    assert f"Région <Nord> 30 / 40 75{NN}% [60{NN}% ; 86{NN}%]" in report_text
    assert f"Région Sud 1{NN}500 / 2{NN}000 75{NN}% [73{NN}% ; 77{NN}%]" in report_text
    assert f"Ensemble des régions 1{NN}530 / 2{NN}040 75{NN}%" in report_text


def test_each_region_is_compared_with_the_rest_of_the_regions(report_text):
    # nord 30/40 against sud 1500/2000: the same 75 %, no difference
    assert f"Région <Nord> Femmes 75{NN}% 75{NN}% 0" in report_text


def test_the_gp_strand_is_shown_region_by_region_as_published(report_text):
    assert f"Région Sud 34 / 99 34{NN}%" in report_text
    assert f"Médecins généralistes répondants travaillant avec un assistant médical : 34{NN}% en Région Sud" in report_text


def test_between_region_tests_are_listed_by_the_item_compared(report_text):
    assert "Sexe χ² de Pearson 500 0,032 0,096 0,065" in report_text


def test_pooled_tests_show_the_stratified_test_or_a_dash_when_not_computed(report_text):
    assert "CMH généralisé 0,046" in report_text
    assert "500 0,200 0,600 — 0,10 — —" in report_text
    assert "0,777" not in report_text  # a region's own pooled rows belong to its regional report


def test_pooled_figures_carry_their_design_effect_and_their_design_based_test(report_text):
    assert f"Femmes 1{NN}530 / 2{NN}040 75{NN}% [73{NN}% ; 77{NN}%] 2,50 0,031" in report_text
    assert "0,012 0,037 0,079" in report_text  # p, p adjusted, then p by the design
    assert "32 cabinets, stratifiés par région (2 régions)" in report_text
    assert "Effet de plan de 2,5 selon l'indicateur, corrélation intra-cabinet (ICC) de 0,03." in report_text


def test_provenance_dates_the_data_by_the_first_and_last_returns_of_any_practice(report_text):
    assert "Retours des questionnaires du 01/02/2021 au 15/06/2021" in report_text
    assert "SHA-256 des 2 fichiers d'entrée" in report_text
