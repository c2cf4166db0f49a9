"""The national report built from hand-made contract tables, read back as text."""

from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assistmed.reports.national import render_national_report

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
NN = "\u202f"
META = {
    "study_title": "Étude",
    "synthetic": True,
    "region_labels": {"nord": "Région <Nord>", "sud": "Région Sud"},
    "period": {"start": "2021-01-01", "end": "2021-06-30"},
}


def association(scope, var_a, var_b, p, stratified_test="", p_stratified=float("nan")):
    return {"scope": scope, "var_a": var_a, "var_b": var_b, "test": "chi2", "statistic": 4.0, "dof": 1,
            "p_value": p, "p_adjusted": min(1.0, 3 * p), "cramers_v": 0.1, "n": 500,
            "stratified_test": stratified_test, "p_stratified": p_stratified}


@pytest.fixture
def report_text(tmp_path, published_table):
    published_table(
        [
            ["indicators", scope, "female", "", "shown", n, N, 0.75, low, high]
            for scope, n, N, low, high in [("nord", 30, 40, 0.60, 0.86), ("sud", 1500, 2000, 0.73, 0.77),
                                            ("national", 1530, 2040, 0.73, 0.77)]
        ]
    ).to_parquet(tmp_path / "published.parquet")
    pd.DataFrame(
        {
            "scope": ["nord", "sud", "national"],
            "indicator": ["female"] * 3,
            "n": [30, 1500, 1530],
            "N": [40, 2000, 2040],
            "prop": [0.75, 0.75, 0.75],
            "ci_low": [0.60, 0.73, 0.73],
            "ci_high": [0.86, 0.77, 0.77],
        }
    ).to_parquet(tmp_path / "indicators.parquet")
    pd.DataFrame(
        [
            association("nord", "sex", "overall_opinion", 0.5, "gcmh", 0.777),
            association("national", "sex", "overall_opinion", 0.0123, "gcmh", 0.0456),
            association("national", "diploma", "role_approval", 0.2),
            association("national", "region", "sex", 0.0321),
        ]
    ).to_parquet(tmp_path / "associations.parquet")
    pd.DataFrame({"return_date": pd.to_datetime(["2021-02-01", "2021-06-15"])}).to_parquet(tmp_path / "clean.parquet")
    render_national_report(
        published=tmp_path / "published.parquet", indicators=tmp_path / "indicators.parquet", associations=tmp_path / "associations.parquet",
        clean=[tmp_path / "clean.parquet"], codebook=CODEBOOK, pdf=tmp_path / "national.pdf", meta=META,
        settings={"confidence": 0.95},
    )
    return "\n".join(page.extract_text() for page in PdfReader(tmp_path / "national.pdf").pages)


def test_each_region_and_the_national_scope_are_printed_side_by_side_in_french(report_text):
    assert f"Région <Nord> 30 / 40 75{NN}% [60{NN}% ; 86{NN}%]" in report_text
    assert f"Région Sud 1{NN}500 / 2{NN}000 75{NN}% [73{NN}% ; 77{NN}%]" in report_text
    assert f"National 1{NN}530 / 2{NN}040 75{NN}%" in report_text


def test_between_region_tests_are_listed_by_the_item_compared(report_text):
    assert "Sexe χ² de Pearson 500 0,032 0,096" in report_text


def test_pooled_tests_show_the_stratified_test_or_a_dash_when_not_computed(report_text):
    assert "CMH généralisé 0,046" in report_text
    assert "500 0,200 0,600 0,10 — —" in report_text
    assert "0,777" not in report_text  # a region's own pooled rows belong to its regional report


def test_provenance_dates_the_data_by_the_last_return_of_any_practice(report_text):
    assert "15/06/2021" in report_text  # « Données arrêtées au »
