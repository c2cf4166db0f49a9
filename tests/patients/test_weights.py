"""Respondent weights of the pooled analyses: none, return rate, and raking to the patient list's margins."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assistmed.codebook import load_codebook
from assistmed.patients.weights import WEIGHT_REPORT_COLUMNS, respondent_weights
from assistmed.stats.raking import rake

CB = load_codebook(Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml")

# Practice A: 13 respondents, one without sex; nobody under 25 although its list has 20 such patients.
# Practice B: 10 respondents.
AGES = ["age_25_44"] * 4 + ["age_45_64"] * 5 + ["age_65_74"] * 2 + ["age_75_plus", "age_45_64"] + [
    "age_under_25", "age_under_25", "age_25_44", "age_25_44", "age_25_44", "age_45_64", "age_45_64", "age_45_64",
    "age_65_74", "age_75_plus"]
SEXES = ["male", "female", "female", "male", "male", "female", "female", "female", "male", "male", "female", "female",
         None, "male", "female", "male", "female", "female", "male", "female", "female", "male", "female"]
MARGINS = {
    "A": {"age_group": {"age_under_25": 20, "age_25_44": 100, "age_45_64": 150, "age_65_74": 80, "age_75_plus": 50},
          "sex": {"male": 180, "female": 220}},
    "B": {"age_group": {"age_under_25": 30, "age_25_44": 90, "age_45_64": 110, "age_65_74": 40, "age_75_plus": 30},
          "sex": {"male": 140, "female": 160}},
}
# R survey 4.1, the known respondents (sex given) raked within practice to the margins as the module rescales
# them (A: age margin without its absent category, times 400/380; both A margins times 12/13 respondents known):
#   des <- svydesign(ids = ~1, data = subset(d, !is.na(sex))); s <- 12 / 13
#   pop_age <- data.frame(practice = c(rep("A", 4), rep("B", 5)), age_group = c(...present categories...),
#                         Freq = c(c(100, 150, 80, 50) * 400 / 380 * s, 30, 90, 110, 40, 30))
#   pop_sex <- data.frame(practice = c("A", "A", "B", "B"), sex = c("male", "female", "male", "female"),
#                         Freq = c(180 * s, 220 * s, 140, 160))
#   weights(rake(des, list(~practice + age_group, ~practice + sex), list(pop_age, pop_sex),
#                control = list(maxit = 1000, epsilon = 1e-13)))
R_RAKED = [27.4040135139, 21.1789824375, 21.1789824375, 27.4040135139, 33.7496987519, 26.0831967835, 26.0831967835,
           26.0831967835, 33.7496987519, 43.8464216222, 33.8863719001, 48.5829959514, 17.5192319073, 12.4807680927,
           37.1163456417, 26.4418271791, 26.4418271791, 45.3644224510, 32.3177887745, 32.3177887745, 40.0000000000,
           30.0000000000]


def pooled():
    frame = pd.DataFrame({
        "practice": ["A"] * 13 + ["B"] * 10,
        "age_group": pd.Categorical(AGES, categories=CB.variable("age_group").keys, ordered=True),
        "sex": pd.Categorical(SEXES, categories=CB.variable("sex").keys),
    })
    return frame


def test_calibrated_weights_equal_r_survey_rake_and_the_practice_weighs_its_list():
    weights, report = respondent_weights(pooled(), CB, scheme="calibrated", distributed={"A": 50, "B": 40},
                                         margins=MARGINS)
    known = np.array([s is not None for s in SEXES])
    assert weights[known] == pytest.approx(R_RAKED, abs=1e-6)
    # The respondent without sex keeps the practice's mean weight: list size / respondents.
    assert weights[~known] == pytest.approx([400 / 13])
    assert list(report.columns) == WEIGHT_REPORT_COLUMNS
    a, b = report.itertuples(index=False)
    assert (a.respondents, a.calibrated, b.calibrated) == (13, 12, 10)
    assert (a.weight_total, b.weight_total) == pytest.approx((400, 300))
    assert a.converged and b.converged and a.max_margin_error < 1e-10
    assert "age_under_25" in a.message and "1 répondant(s) sans" in a.message
    assert b.message == ""


def test_return_rate_weights_are_questionnaires_handed_out_over_returned():
    weights, report = respondent_weights(pooled(), CB, scheme="return_rate", distributed={"A": 50, "B": 40})
    assert list(weights) == [50 / 13] * 13 + [4.0] * 10
    assert list(report["weight_total"]) == pytest.approx([50, 40])


def test_no_weights_count_every_respondent_once_and_a_practice_without_respondent_is_reported():
    weights, report = respondent_weights(pooled(), CB, scheme="none", distributed={"A": 50, "B": 40, "C": 30})
    assert set(weights) == {1.0}
    c = report.set_index("practice").loc["C"]
    assert c["respondents"] == 0 and math.isnan(c["weight_min"])


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({}, "marges de la patientèle absentes"),
        ({"A": {"age": {"x": 1}}}, "A.margins.age : pas une question à modalités"),
        ({"A": {"sex": {"men": 1}}}, "modalité(s) inconnue(s) ['men']"),
        ({"A": {"sex": {"male": 10, "female": 10}, "age_group": {"age_25_44": 30}}}, "pas le même total"),
    ],
)
def test_calibration_needs_valid_margins_for_every_practice(margins, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        respondent_weights(pooled(), CB, scheme="calibrated", distributed={"A": 50, "B": 40}, margins=margins)


def test_raking_reports_when_it_cannot_converge_in_the_cycles_allowed():
    values = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "q"]})
    result = rake(values, {"a": {"x": 3, "y": 7}, "b": {"p": 5, "q": 5}}, max_iterations=1, tolerance=0)
    assert not result.converged and result.iterations == 1
    converged = rake(values, {"a": {"x": 3, "y": 7}, "b": {"p": 5, "q": 5}})
    assert converged.converged
    assert np.bincount([0, 0, 1, 1], converged.weights) == pytest.approx([3, 7])
