"""Indicators, distributions and association tests of the patient strand on hand-built data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assistmed.codebook import load_codebook
from assistmed.indicators import INDICATOR_COLUMNS, compute_indicators, indicator_series
from assistmed.patients.analyse import pool_region
from assistmed.settings import AnalysisSettings
from assistmed.survey import ASSOCIATION_COLUMNS, association_tests, item_distributions

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
CB = load_codebook(CODEBOOK)


def frame(**columns):
    n = len(next(iter(columns.values())))
    data = {}
    for v in CB.variables:
        if v.restricted or v.name == CB.id_variable:
            continue
        values = columns.get(v.name, [None] * n)
        if v.is_categorical:
            data[v.name] = pd.Categorical(values, categories=v.keys, ordered=v.ordered)
        elif v.type == "checkbox":
            data[v.name] = pd.array(values, dtype="boolean")
        else:
            data[v.name] = values
    return pd.DataFrame(data)


def test_an_indicator_counts_successes_among_those_who_answered_with_a_wilson_interval():
    # 81 women of 263 who answered, 7 who did not: Newcombe (1998) Table I, 81/263 → 0.2553–0.3662.
    sex = ["female"] * 81 + ["male"] * 182 + [None] * 7
    result = compute_indicators(frame(sex=sex), CB, scope="cab", distributed=None, confidence=0.95)
    assert list(result.columns) == INDICATOR_COLUMNS
    row = result.set_index("indicator").loc["female"]
    assert (row["n"], row["N"]) == (81, 263)
    assert row["ci_low"] == pytest.approx(0.2553, abs=5e-5)
    assert row["ci_high"] == pytest.approx(0.3662, abs=5e-5)


def test_the_return_rate_uses_accepted_questionnaires_over_questionnaires_handed_out():
    result = compute_indicators(frame(sex=["male"] * 26), CB, scope="cab", distributed=100, confidence=0.95)
    row = result.set_index("indicator").loc["response_rate"]
    assert (row["n"], row["N"], row["prop"]) == (26, 100, 0.26)


def test_a_group_indicator_counts_the_none_box_as_failure_and_a_skipped_group_as_missing():
    data = frame(
        services_time=[True, False, None],
        services_none=[False, True, None],
    )
    for name in ("services_vitals", "services_paperwork", "services_appointments", "services_prevention"):
        data[name] = pd.array([False, False, None], dtype="boolean")
    series = indicator_series(data, CB, CB.indicator("any_service"))
    assert series.iloc[0] == True and series.iloc[1] == False and pd.isna(series.iloc[2])  # noqa: E712


def test_distributions_list_every_category_including_empty_ones():
    result = item_distributions(frame(contacts=["one", "one", "four_plus", None]), CB, scope="cab")
    contacts = result[result["variable"] == "contacts"].set_index("category")
    assert list(contacts.index) == ["one", "two_three", "four_plus"]
    assert list(contacts["n"]) == [2, 0, 1] and set(contacts["N"]) == {3}


def test_association_tables_leave_missing_answers_out_and_holm_adjusts_within_the_scope():
    rng = np.random.default_rng(1)
    contacts = list(rng.choice(["one", "two_three", "four_plus"], 200)) + [None] * 10
    wait = list(rng.choice(["better", "same", "worse"], 200)) + ["better"] * 10
    data = frame(contacts=contacts, evolution_wait=wait, evolution_quality=wait)
    tests = association_tests(
        data, CB, scope="cab", pairs=[("contacts", "evolution_wait"), ("contacts", "evolution_quality")],
        settings=AnalysisSettings.from_config(),
    )
    assert list(tests.columns) == ASSOCIATION_COLUMNS
    assert list(tests["n"]) == [200, 200]
    # Holm with two equal p-values: both become min(1, 2p).
    assert tests["p_adjusted"].tolist() == pytest.approx([min(1, 2 * p) for p in tests["p_value"]])


def pool_two_practices(tmp_path, distributed, settings):
    """pool_region on practice a (30 women, 10 men) and practice b (20 and 20), half of each very favourable;
    the output folder."""
    paths = {}
    for practice, sexes in {"a": ["female"] * 30 + ["male"] * 10, "b": ["female"] * 20 + ["male"] * 20}.items():
        data = frame(sex=sexes, overall_opinion=["very_favourable", "rather_favourable"] * 20)
        data.insert(0, "practice", practice)
        paths[practice] = tmp_path / f"{practice}.parquet"
        data.to_parquet(paths[practice])
        compute_indicators(data, CB, scope=practice, distributed=distributed[practice], confidence=0.95).to_parquet(tmp_path / f"{practice}-i.parquet")
        item_distributions(data, CB, scope=practice).to_parquet(tmp_path / f"{practice}-d.parquet")
        association_tests(data, CB, scope=practice, pairs=[]).to_parquet(tmp_path / f"{practice}-a.parquet")
    pool_region(
        [paths["a"], paths["b"]], [tmp_path / "a-i.parquet", tmp_path / "b-i.parquet"],
        [tmp_path / "a-d.parquet", tmp_path / "b-d.parquet"], [tmp_path / "a-a.parquet", tmp_path / "b-a.parquet"],
        codebook=CODEBOOK, indicators=tmp_path / "i.parquet", distributions=tmp_path / "d.parquet",
        associations=tmp_path / "as.parquet", funnel=tmp_path / "f.parquet", weights=tmp_path / "w.parquet",
        region="reg", distributed=distributed, settings=settings,
    )
    return tmp_path


def test_the_region_scope_is_the_analysis_of_all_practices_together(tmp_path):
    pool_two_practices(tmp_path, {"a": 100, "b": 100}, {})
    indicators = pd.read_parquet(tmp_path / "i.parquet")
    assert list(indicators.columns) == INDICATOR_COLUMNS
    assert list(dict.fromkeys(indicators["scope"])) == ["a", "b", "reg"]
    female = indicators.set_index(["scope", "indicator"]).loc[("reg", "female")]
    assert (female["n"], female["N"]) == (50, 80)
    # Two practices: 1 design degree of freedom; practice rows have no design-based figures.
    assert female["design_df"] == 1 and female["design_ci_low"] < female["ci_low"]
    assert indicators.loc[indicators["scope"] == "a", "design_ci_low"].isna().all()
    funnel = pd.read_parquet(tmp_path / "f.parquet").set_index(["indicator", "practice"])
    assert list(funnel.loc["female", "prop"]) == [0.75, 0.5]
    assert set(funnel.loc["female", "pooled_prop"]) == {50 / 80}
    weights = pd.read_parquet(tmp_path / "w.parquet")
    assert list(weights["practice"]) == ["a", "b"] and set(weights["weighting"]) == {"none"}
    assert list(weights["weight_total"]) == [40, 40]
    # Practices are compared through the ICC and the funnel, not tested practice × item.
    tests = pd.read_parquet(tmp_path / "as.parquet")
    assert list(tests.loc[tests["scope"] == "reg", "var_a"]) == ["sex"]
    # ICC by hand: MSB = 40·(0.75 − 0.625)² · 2 / 1 = 1.25, MSW = (40·0.1875 + 40·0.25)/78 = 17.5/78,
    # n0 = 40: (MSB − MSW)/(MSB + 39·MSW) = 0.112595 (one-way ANOVA of the 0/1 answers on practice).
    msw = 17.5 / 78
    assert female["icc"] == pytest.approx((1.25 - msw) / (1.25 + 39 * msw), rel=1e-12)


def two_practices_from_strata(strata):
    """Respondents whose sex × opinion (very / rather favourable) counts are the given 2×2 strata."""
    parts = []
    for practice, table in strata.items():
        sex, opinion = [], []
        for i, s in enumerate(["male", "female"]):
            for j, o in enumerate(["very_favourable", "rather_favourable"]):
                sex += [s] * table[i][j]
                opinion += [o] * table[i][j]
        part = frame(sex=sex, overall_opinion=opinion)
        part.insert(0, "practice", practice)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def test_pooled_tests_get_a_cmh_sensitivity_test_stratified_by_practice():
    # Strata [[2,1],[1,2]] and [[3,1],[1,3]]: CMH = 2.25 / (0.45 + 4/7) = 15.75/7.15 by hand (1 df).
    from scipy.special import chdtrc

    data = two_practices_from_strata({"a": [[2, 1], [1, 2]], "b": [[3, 1], [1, 3]]})
    tests = association_tests(
        data, CB, scope="reg", pairs=[("sex", "overall_opinion"), ("practice", "sex")],
        settings=AnalysisSettings.from_config(), strata="practice",
    ).set_index(["var_a", "var_b"])
    assert tests.loc[("sex", "overall_opinion"), "stratified_test"] == "cmh"
    assert tests.loc[("sex", "overall_opinion"), "p_stratified"] == pytest.approx(chdtrc(1, 15.75 / 7.15), rel=1e-10)
    # The practice comparison is constant within each practice: nothing to stratify.
    assert tests.loc[("practice", "sex"), "stratified_test"] == ""
    assert np.isnan(tests.loc[("practice", "sex"), "p_stratified"])


def test_practice_scope_tests_have_no_stratified_test():
    data = two_practices_from_strata({"a": [[2, 1], [1, 2]]})
    tests = association_tests(data, CB, scope="a", pairs=[("sex", "overall_opinion")], settings=AnalysisSettings.from_config())
    assert tests["stratified_test"].tolist() == [""] and tests["p_stratified"].isna().all()


def test_return_rate_weights_reach_the_pooled_design_based_figures(tmp_path):
    # Practice a: 30 women of 40 returned, 100 handed out (weight 2.5); b: 20 of 40, 400 handed out (10).
    # Weighted share of women: (30·2.5 + 20·10) / (40·2.5 + 40·10) = 275/500 = 0.55; unweighted 50/80.
    pool_two_practices(tmp_path, {"a": 100, "b": 400}, {"weights": "return_rate"})
    female = pd.read_parquet(tmp_path / "i.parquet").set_index(["scope", "indicator"]).loc[("reg", "female")]
    assert female["prop"] == 50 / 80 and female["design_prop"] == pytest.approx(0.55)
    assert female["weighting"] == "return_rate"
    assert list(pd.read_parquet(tmp_path / "w.parquet")["weight_total"]) == pytest.approx([100, 400])
    tests = pd.read_parquet(tmp_path / "as.parquet")
    assert set(tests.loc[tests["scope"] == "reg", "weighting"]) == {"return_rate"}
