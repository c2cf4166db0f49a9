"""Design-based proportions, design effects, ICC and Rao–Scott tests against R's survey package 4.1.

Every expected value below was computed by R 4.2.2 with survey 4.1-1 (Debian's r-cran-survey), from the
same data, with

    library(survey); options(survey.lonely.psu = "adjust")
    chars <- function(x) { v <- strsplit(x, "")[[1]]; v[v == "."] <- NA; v }
    d <- data.frame(practice = chars(PRACTICE), y = as.numeric(chars(Y)), a = chars(A), b = chars(B))
    des <- svydesign(ids = ~practice, data = d)        # (+ strata = ~region, weights = ~w where said)
    sub <- subset(des, !is.na(y))
    ci <- svyciprop(~y, sub, method = "logit")          # prop, attr(ci, "ci")
    m <- svymean(~y, sub, deff = "replace"); deff(m); degf(sub)
    sub2 <- subset(des, !is.na(a) & !is.na(b))         # a and b made factors, droplevels()
    svychisq(~a + b, sub2, statistic = "F")            # $statistic, $parameter, $p.value

and the ICC by the one-way ANOVA of y on practice: anova(lm(y ~ factor(practice))), MSB and MSW,
n0 = (N − Σ n_c²/N)/(k − 1), max(0, (MSB − MSW)/(MSB + (n0 − 1)·MSW)). Each string holds one character
per respondent, "." for a missing answer.
"""

import math

import numpy as np
import pytest

from assistmed.stats.design import ClusterDesign, design_proportion, icc_anova, rao_scott_test


def chars(text):
    return [None if c == "." else c for c in text]


def binary(text):
    return [None if c == "." else c == "1" for c in text]


CASES = {
    # five practices of 2, 3, 5, 8 and 12 respondents
    "unequal": dict(
        practice="AABBBCCCCCDDDDDDDDEEEEEEEEEEEE",
        y="1111011.0101111010.11011101001",
        a="zz.z.xzyxyzxyxz.xxy.zyxzyzxxz.",
        b="qrrqrpprpprpr.rqpqqrprqrq.pprp",
    ),
    # practice A has a single respondent, who left a blank: A is absent from the a × b table
    "single": dict(
        practice="ABBBBBBCCCCCCCDDDDDDDDD",
        y="111011001.1001001100..1",
        a=".xzxxxxx.zzxxy.zzyy.z.x",
        b="qprppqpqrpqrpqqqrprqprr",
    ),
    # practice A answers y = 1 and a = x throughout
    "constant": dict(
        practice="AAAAAABBBBBBBCCCCCCCCDDDDDDDDD",
        y="111111.111101...0101.10111.110",
        a="xxxxxxxxxy.y.yzy.zzzyyxyxzzxzx",
        b="rpqqrqrrprpqrqrr.prrqppprrprrq",
    ),
    # strata: S1 = practices A, B, C and S2 = practice D alone (a lonely PSU)
    "lonely": dict(
        practice="AAAAABBBBBBCCCCCCCDDDDDDDD",
        y="0111111101100.0000.1011001",
        a="zxyyyzxzyzyxzzxzz.zyyxzxz.",
        b="qpqp.r.rrqqprr.pqq.qp.rrpq",
    ),
}
WEIGHTS = [2, 4, 2, 1.5, 2.5, 4, 4, 1.5, 2.5, 2, 2, 1.5, 1, 1.5, 2, 4, 4, 1, 2.5, 1, 2.5, 1.5, 2, 2.5, 2, 4, 2, 4,
           2.5, 1.5]
REGION = {"A": "S1", "B": "S1", "C": "S1", "D": "S2"}


def design_of(name, weighted=False):
    case = CASES[name]
    strata = [REGION[p] for p in case["practice"]] if name == "lonely" else None
    return ClusterDesign.build(list(case["practice"]), strata, WEIGHTS if weighted else None)


# name, weighted → R's prop, logit interval, deff, degf, ICC
PROPORTIONS = [
    ("unequal", False, 0.678571428571, 0.566171072916, 0.773500363751, 0.176725295381, 4, 0.0),
    ("unequal", True, 0.641791044776, 0.434238338428, 0.807037134234, 0.578663784730, 4, 0.0),
    ("single", False, 0.550000000000, 0.329583946870, 0.752391660585, 0.385117845118, 3, 0.0),
    ("constant", False, 0.791666666667, 0.425846170446, 0.951145535134, 0.999805068226, 3, 0.040723981900),
    ("lonely", False, 0.541666666667, 0.035803412087, 0.974102249707, 3.693157536908, 2, 0.412839866831),
]


@pytest.mark.parametrize(("name", "weighted", "prop", "low", "high", "deff", "df", "icc"), PROPORTIONS)
def test_a_proportion_its_logit_interval_and_design_effect_equal_rs(name, weighted, prop, low, high, deff, df, icc):
    result = design_proportion(design_of(name, weighted), binary(CASES[name]["y"]))
    assert result.prop == pytest.approx(prop, abs=1e-9)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=1e-9)
    assert result.deff == pytest.approx(deff, abs=1e-9)
    assert result.df == df
    assert icc_anova(binary(CASES[name]["y"]), list(CASES[name]["practice"])) == pytest.approx(icc, abs=1e-12)


# name, weighted → R's svychisq F, ndf, ddf, p
RAO_SCOTT = [
    ("unequal", False, 2.591442644540, 2.167409749383, 8.669638997532, 0.129033560308),
    ("unequal", True, 3.928706480818, 2.122052738026, 8.488210952105, 0.060293087482),
    ("single", False, 0.280430029155, 1.799660792033, 3.599321584067, 0.750756402591),
    ("constant", False, 1.142098670050, 2.079161053038, 6.237483159113, 0.380471381678),
    ("lonely", False, 2.394570037015, 2.035790737524, 4.071581475048, 0.205473047489),
]


@pytest.mark.parametrize(("name", "weighted", "F", "ndf", "ddf", "p"), RAO_SCOTT)
def test_the_rao_scott_second_order_test_equals_rs_svychisq(name, weighted, F, ndf, ddf, p):
    case = CASES[name]
    result = rao_scott_test(design_of(name, weighted), chars(case["a"]), chars(case["b"]))
    assert (result.statistic, result.ndf, result.ddf) == pytest.approx((F, ndf, ddf), abs=1e-9)
    assert result.p_value == pytest.approx(p, abs=1e-9)


def test_a_comparison_of_strata_is_tested_with_the_lonely_psu_adjusted():
    # R: sub3 <- subset(des, !is.na(b)); svychisq(~region + b, sub3, statistic = "F")
    case = CASES["lonely"]
    result = rao_scott_test(design_of("lonely"), [REGION[p] for p in case["practice"]], chars(case["b"]))
    assert (result.statistic, result.ndf, result.ddf) == pytest.approx(
        (0.173161967938, 1.097227125825, 2.194454251650), abs=1e-9
    )
    assert result.p_value == pytest.approx(0.735511161461, abs=1e-9)


def test_a_proportion_of_0_or_1_has_no_interval_and_one_practice_no_degrees_of_freedom():
    # R gives a zero-width interval (2e-11, 2e-11) and deff NaN for an all-zero y.
    none = design_proportion(ClusterDesign.build(list("AABB")), [False] * 4)
    assert none.prop == 0 and math.isnan(none.ci_low) and math.isnan(none.deff)
    alone = design_proportion(ClusterDesign.build(list("AAAA")), [True, False, True, True])
    assert alone.df == 0 and math.isnan(alone.ci_low) and alone.prop == 0.75


def test_the_icc_is_truncated_at_zero_and_needs_two_practices():
    assert icc_anova([1, 0, 1, 0], list("AABB")) == 0.0
    assert math.isnan(icc_anova([1, 0, 1], list("AAA")))
    # Practices entirely 1 and entirely 0: all variance between practices, ICC = 1.
    assert icc_anova([1, 1, 0, 0], list("AABB")) == pytest.approx(1.0)


def test_a_practice_in_two_regions_is_refused():
    with pytest.raises(ValueError, match="two strata"):
        ClusterDesign.build(list("AAB"), ["r1", "r2", "r2"])


def test_without_clustering_the_design_effect_is_close_to_one():
    # One respondent per practice: a simple random sample; deff = 1 exactly (svyvar/n is the same variance).
    y = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 1], dtype=bool)
    result = design_proportion(ClusterDesign.build(list("ABCDEFGHIJ")), list(y))
    assert result.deff == pytest.approx(1.0)
