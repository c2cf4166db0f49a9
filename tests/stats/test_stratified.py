"""Stratified association tests (practices as strata), checked by hand."""

import math

import numpy as np
import pytest
from scipy.special import chdtrc

from assistmed.stats.contingency import pearson_chi2
from assistmed.stats.stratified import cmh_test, generalized_cmh, stratified_association

# Stratum 1 [[2,1],[1,2]]: N = 6, E(a) = 3·3/6 = 1.5, Var(a) = 3·3·3·3/(6²·5) = 0.45.
# Stratum 2 [[3,1],[1,3]]: N = 8, E(a) = 4·4/8 = 2, Var(a) = 4·4·4·4/(8²·7) = 4/7.
# CMH = (0.5 + 1)² / (0.45 + 4/7) = 2.25 / (7.15/7) = 15.75/7.15 = 2.2027972.
# MH OR = Σ(ad/N) / Σ(bc/N) = (4/6 + 9/8) / (1/6 + 1/8) = (43/24) / (7/24) = 43/7.
STRATA = [np.array([[2, 1], [1, 2]]), np.array([[3, 1], [1, 3]])]
CMH_BY_HAND = 15.75 / 7.15


def test_cmh_by_hand_without_continuity_correction():
    statistic, p, common_or = cmh_test(STRATA)
    assert statistic == pytest.approx(CMH_BY_HAND, rel=1e-10)
    assert p == pytest.approx(chdtrc(1, CMH_BY_HAND), rel=1e-10)
    assert common_or == pytest.approx(43 / 7, rel=1e-10)


def test_strata_without_respondents_are_skipped():
    assert cmh_test(STRATA + [np.zeros((2, 2), dtype=int)]) == pytest.approx(cmh_test(STRATA))
    assert all(math.isnan(x) for x in cmh_test([np.zeros((2, 2), dtype=int)]))


def test_cmh_refuses_strata_that_are_not_2x2():
    with pytest.raises(ValueError, match="2×2"):
        cmh_test([np.ones((2, 3), dtype=int)])


def test_generalized_cmh_on_2x2_strata_equals_the_uncorrected_cmh():
    statistic, dof, p = generalized_cmh(STRATA)
    assert statistic == pytest.approx(CMH_BY_HAND, rel=1e-10)
    assert dof == 1


def test_generalized_cmh_with_one_stratum_is_pearson_times_n_minus_1_over_n():
    table = np.array([[762, 327, 468], [484, 239, 477]])  # Agresti: X² = 30.07 on 2 df
    statistic, dof, _ = generalized_cmh([table])
    assert statistic == pytest.approx(30.07 * 2756 / 2757, abs=5e-3)
    assert statistic == pytest.approx(pearson_chi2(table)[0] * 2756 / 2757, rel=1e-10)
    assert dof == 2


def test_generalized_cmh_drops_categories_absent_from_every_stratum():
    padded = [np.pad(t, ((0, 1), (0, 1))) for t in STRATA]
    assert generalized_cmh(padded) == pytest.approx(generalized_cmh(STRATA))


def test_generalized_cmh_refuses_strata_of_different_shapes():
    with pytest.raises(ValueError, match="same shape"):
        generalized_cmh([np.ones((2, 2), dtype=int), np.ones((2, 3), dtype=int)])


def test_stratified_association_picks_cmh_for_2x2_and_drops_strata_where_a_variable_is_constant():
    constant = np.array([[4, 2], [0, 0]])  # one row level only: no variance, dropped
    assert stratified_association(np.array(STRATA)) == pytest.approx(("cmh", chdtrc(1, CMH_BY_HAND)))
    assert stratified_association(np.array([*STRATA, constant])) == pytest.approx(("cmh", chdtrc(1, CMH_BY_HAND)))


def test_stratified_association_uses_the_general_statistic_beyond_2x2():
    # One informative 2×3 stratum: X² = 2 (expected 2 everywhere), Q = X²·11/12 on 2 df, p = exp(−Q/2).
    informative = np.array([[3, 1, 2], [1, 3, 2]])
    constant = np.array([[0, 0, 0], [5, 1, 1]])
    test, p = stratified_association(np.array([informative, constant]))
    assert test == "gcmh"
    assert p == pytest.approx(math.exp(-11 / 12), rel=1e-10)


def test_stratified_association_is_not_computed_when_no_stratum_varies_in_both_variables():
    # A practice × item table stratified by practice: every stratum holds one practice.
    nested = np.array([[[3, 2], [0, 0]], [[0, 0], [1, 4]]])
    test, p = stratified_association(nested)
    assert test == "" and math.isnan(p)
