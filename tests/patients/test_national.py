"""National pooling on a tiny hand-made data set: two regions of two practices each."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import chdtrc
from scipy.stats import fisher_exact

from assistmed.codebook import load_codebook
from assistmed.indicators import compute_indicators
from assistmed.settings import AnalysisSettings
from assistmed.survey import association_tests
from assistmed.patients.national import pool_national
from tests.patients.test_analyse import frame

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
CB = load_codebook(CODEBOOK)

# sex (male, female) × opinion (very, rather favourable) per practice. By hand, stratified by practice:
# a − E(a) = 0.5, 1, 0, 1 and Var(a) = 0.45, 4/7, 1/3, 1/3 → CMH = 2.5² / (709/420) = 2625/709 on 1 df.
STRATA = {
    "north": {"north-1": [[2, 1], [1, 2]], "north-2": [[3, 1], [1, 3]]},
    "south": {"south-1": [[1, 1], [1, 1]], "south-2": [[2, 0], [0, 2]]},
}
CMH_BY_HAND = 2625 / 709


def practice_frame(region, practice, table, extra_women=0):
    sex, opinion = [], []
    for i, s in enumerate(["male", "female"]):
        for j, o in enumerate(["very_favourable", "rather_favourable"]):
            sex += [s] * table[i][j]
            opinion += [o] * table[i][j]
    data = frame(sex=sex + ["female"] * extra_women, overall_opinion=opinion + [None] * extra_women)
    data.insert(0, "practice", practice)
    data.insert(0, "region", region)
    return data


@pytest.fixture
def national(tmp_path):
    settings = AnalysisSettings.from_config()
    clean, region_indicators, region_associations = [], [], []
    for region, practices in STRATA.items():
        # Two women without an opinion in south-2: they count for sex, not in sex × opinion.
        frames = [practice_frame(region, p, t, extra_women=2 * (p == "south-2")) for p, t in practices.items()]
        for data in frames:
            clean.append(tmp_path / f"{data['practice'].iloc[0]}.parquet")
            data.to_parquet(clean[-1])
        pooled = pd.concat(frames, ignore_index=True)
        first = frames[0]["practice"].iloc[0]
        practice_rows = compute_indicators(frames[0], CB, scope=first, distributed=10, confidence=0.95)
        region_rows = compute_indicators(pooled, CB, scope=region, distributed=20, confidence=0.95)
        region_indicators.append(tmp_path / f"{region}-i.parquet")
        pd.concat([practice_rows, region_rows], ignore_index=True).to_parquet(region_indicators[-1])
        region_associations.append(tmp_path / f"{region}-a.parquet")
        tests = association_tests(
            pooled, CB, scope=region, pairs=CB.associations, settings=settings, strata="practice"
        )
        tests.to_parquet(region_associations[-1])
    pool_national(
        clean, region_indicators, region_associations, codebook=CODEBOOK,
        indicators=tmp_path / "i.parquet", associations=tmp_path / "a.parquet",
        regions=["north", "south"], distributed=dict.fromkeys(["north-1", "north-2", "south-1", "south-2"], 10),
        settings={},
    )
    return pd.read_parquet(tmp_path / "i.parquet"), pd.read_parquet(tmp_path / "a.parquet")


def test_national_indicators_hold_each_region_then_the_pooled_national_scope(national):
    indicators, _ = national
    assert list(dict.fromkeys(indicators["scope"])) == ["north", "south", "national"]
    female = indicators.set_index(["scope", "indicator"])["n"].unstack()["female"]
    total = indicators.set_index(["scope", "indicator"])["N"].unstack()["female"]
    # north 3/6 + 4/8 = 7/14 women; south 2/4 + (2 + 2)/6 = 6/10; national 13/24.
    assert (female["north"], total["north"]) == (7, 14)
    assert (female["south"], total["south"]) == (6, 10)
    assert (female["national"], total["national"]) == (13, 24)
    rate = indicators.set_index(["scope", "indicator"]).loc[("national", "response_rate")]
    assert (rate["n"], rate["N"], rate["prop"]) == (24, 40, 0.6)


def test_national_pooled_tests_have_the_cmh_stratified_by_practice_computed_by_hand(national):
    _, associations = national
    tests = associations[associations["scope"] == "national"].set_index(["var_a", "var_b"])
    row = tests.loc[("sex", "overall_opinion")]
    assert row["n"] == 22
    assert row["stratified_test"] == "cmh"
    assert row["p_stratified"] == pytest.approx(chdtrc(1, CMH_BY_HAND), rel=1e-10)


def test_between_region_comparisons_use_the_same_test_rule_and_are_not_stratified(national):
    _, associations = national
    tests = associations[associations["scope"] == "national"].set_index(["var_a", "var_b"])
    # north 7 women / 7 men, south 6 / 4: smallest expected 10·11/24 < 5, so Fisher's exact test.
    row = tests.loc[("region", "sex")]
    assert row["test"] == "fisher"
    assert row["p_value"] == pytest.approx(fisher_exact([[7, 7], [6, 4]]).pvalue, rel=1e-9)
    assert row["stratified_test"] == "" and np.isnan(row["p_stratified"])
    # One family per scope: Holm over every national test.
    assert row["p_adjusted"] >= row["p_value"]


def test_national_associations_keep_the_regions_pooled_rows_before_the_national_scope(national):
    _, associations = national
    assert list(dict.fromkeys(associations["scope"])) == ["north", "south", "national"]
    north = associations[associations["scope"] == "north"].set_index(["var_a", "var_b"])
    # north alone: strata [[2,1],[1,2]] and [[3,1],[1,3]] → CMH 15.75/7.15 (tests/stats/test_stratified.py).
    assert north.loc[("sex", "overall_opinion"), "p_stratified"] == pytest.approx(chdtrc(1, 15.75 / 7.15), rel=1e-10)


# R survey 4.1 on the same 24 respondents:
#   des <- svydesign(ids = ~practice, strata = ~region, data = d); options(survey.lonely.psu = "adjust")
#   svychisq(~region + sex, des, statistic = "F")$p.value                                → 0.347187834123
#   svychisq(~sex + opinion, subset(des, !is.na(opinion)), statistic = "F")$p.value      → 0.164730930415
#   svyciprop(~female, des, method = "logit"); degf(des); deff(svymean(~female, des, deff = "replace"))
def test_the_national_design_has_practices_as_clusters_within_regions_as_strata(national):
    indicators, associations = national
    tests = associations[associations["scope"] == "national"].set_index(["var_a", "var_b"])
    assert tests.loc[("region", "sex"), "p_design"] == pytest.approx(0.347187834123, abs=1e-9)
    assert tests.loc[("sex", "overall_opinion"), "p_design"] == pytest.approx(0.164730930415, abs=1e-9)
    female = indicators.set_index(["scope", "indicator"]).loc[("national", "female")]
    assert (female["design_ci_low"], female["design_ci_high"]) == pytest.approx((0.378099628408, 0.696720678141), abs=1e-9)
    assert (female["design_df"], female["deff"]) == pytest.approx((2, 0.136266511267), abs=1e-9)
