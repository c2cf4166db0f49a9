"""Contingency tables, Pearson χ², exact and Monte Carlo Fisher tests and the test-choice rule."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from assistmed.stats import contingency as ct


def brute_force_fisher(table):
    """Freeman–Halton p-value from its definition: list every table with the observed margins and add the
    hypergeometric probabilities of those at most as probable as the observed one (times 1 + 1e-7)."""
    table = np.asarray(table)
    rows, cols, n = table.sum(axis=1), table.sum(axis=0), table.sum()

    def log_p(t):
        return (
            sum(math.lgamma(x + 1) for x in rows)
            + sum(math.lgamma(x + 1) for x in cols)
            - math.lgamma(n + 1)
            - sum(math.lgamma(x + 1) for x in np.ravel(t))
        )

    observed = log_p(table)
    total = 0.0

    def fill(j, remaining, columns):
        nonlocal total
        if j == len(cols) - 1:
            candidate = np.column_stack(columns + [remaining])
            if log_p(candidate) <= observed + math.log1p(1e-7):
                total += math.exp(log_p(candidate))
            return
        for column in itertools.product(*(range(min(r, cols[j]) + 1) for r in remaining)):
            if sum(column) == cols[j]:
                fill(j + 1, [r - x for r, x in zip(remaining, column)], columns + [list(column)])

    fill(0, list(rows), [])
    return total


# --- crosstab -------------------------------------------------------------------------------------------


def test_crosstab_counts_only_pairs_answered_on_both_items_and_keeps_category_order():
    a = pd.Series(
        pd.Categorical(["4+", "1", None, "2-3", "1", "4+"], categories=["1", "2-3", "4+"], ordered=True),
        name="contacts",
    )
    b = pd.Series(["better", "same", "better", None, "better", "worse"], name="evolution_wait")
    table = ct.crosstab(a, b)
    # Pairs kept: (4+, better), (1, same), (1, better), (4+, worse); "2-3" has no complete pair.
    assert list(table.index) == ["1", "4+"]
    assert list(table.columns) == ["better", "same", "worse"]
    assert table.to_numpy().tolist() == [[1, 1, 0], [1, 0, 1]]
    assert table.index.name == "contacts" and table.columns.name == "evolution_wait"


def test_crosstab_orders_categories_as_the_codebook_does_not_alphabetically():
    a = pd.Series(pd.Categorical(["worse", "better", "same"], categories=["better", "same", "worse"]))
    b = pd.Series(pd.Categorical(["no", "yes", "yes"], categories=["yes", "no"]))
    table = ct.crosstab(a, b)
    assert list(table.index) == ["better", "same", "worse"]
    assert list(table.columns) == ["yes", "no"]


def test_crosstab_refuses_series_from_different_respondents():
    with pytest.raises(ValueError, match="same index"):
        ct.crosstab(pd.Series([1, 2], index=[0, 1], name="x"), pd.Series([1, 2], index=[1, 2], name="y"))


# --- Pearson χ² -----------------------------------------------------------------------------------------


def test_pearson_chi2_matches_agresti_gender_by_party():
    statistic, dof, p = ct.pearson_chi2([[762, 327, 468], [484, 239, 477]])
    assert statistic == pytest.approx(30.07, abs=5e-3)
    assert dof == 2
    assert p == pytest.approx(2.954e-07, abs=5e-11)


def test_pearson_chi2_has_no_continuity_correction():
    # Published: 0.5875 without correction (0.6785 with Yates).
    assert ct.pearson_chi2([[45, 86], [46, 101]])[2] == pytest.approx(0.5875, abs=5e-5)


def test_cramers_v_of_a_hand_computed_table():
    # [[3,1,2],[1,3,4]]: X² = n(Σ o²/(R·C) − 1) = 14·(9/24 + 1/24 + 4/36 + 1/32 + 9/32 + 16/48 − 1)
    # = 14·25/144 = 175/72, so V = sqrt(X²/(14·1)) = 5/12.
    assert ct.pearson_chi2([[3, 1, 2], [1, 3, 4]])[0] == pytest.approx(175 / 72, rel=1e-12)
    assert ct.cramers_v([[3, 1, 2], [1, 3, 4]]) == pytest.approx(5 / 12, rel=1e-12)


def test_empty_rows_and_columns_are_ignored():
    assert ct.pearson_chi2([[3, 0, 1, 2], [0, 0, 0, 0], [1, 0, 3, 4]]) == pytest.approx(
        ct.pearson_chi2([[3, 1, 2], [1, 3, 4]])
    )


def test_a_table_of_non_counts_is_refused():
    with pytest.raises(ValueError, match="non-negative whole counts"):
        ct.pearson_chi2([[1, -2], [3, 4]])
    with pytest.raises(ValueError, match="non-negative whole counts"):
        ct.fisher_exact_rxc([[1.5, 2], [3, 4]])


# --- Fisher exact ---------------------------------------------------------------------------------------


def test_fisher_exact_2x3_matches_r_fisher_test():
    assert ct.fisher_exact_rxc([[3, 1, 2], [1, 3, 4]]) == pytest.approx(0.5004995, abs=5e-8)


def test_fisher_exact_tea_tasting_two_sided():
    assert ct.fisher_exact_rxc([[3, 1], [1, 3]]) == pytest.approx(0.4857, abs=5e-5)


def test_fisher_exact_4x4_job_satisfaction_matches_r_documentation():
    # R ?fisher.test example: Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4);
    # fisher.test(Job) prints p-value = 0.7827.
    job = np.array([1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11]).reshape(4, 4).T
    assert ct.fisher_exact_rxc(job) == pytest.approx(0.7827, abs=5e-5)


@pytest.mark.parametrize(
    "table", [[[2, 10], [15, 3]], [[3, 1], [1, 3]], [[0, 5], [7, 2]], [[12, 30], [25, 9]], [[1, 0], [0, 1]]]
)
def test_fisher_exact_2x2_agrees_with_scipy(table):
    assert ct.fisher_exact_rxc(table) == pytest.approx(fisher_exact(table)[1], rel=1e-10)


@pytest.mark.parametrize(
    "table",
    [
        [[4, 4, 0], [4, 2, 3]],
        [[3, 0, 3], [0, 3, 0], [3, 0, 3]],  # many tables tie with the observed one
        [[1, 1, 1], [1, 1, 1]],
        [[2, 0, 1, 4], [1, 3, 0, 1], [0, 2, 2, 1]],
        [[5, 1], [0, 3], [2, 2], [1, 4]],
        [[1, 0, 2, 0, 3], [2, 3, 0, 1, 1]],
    ],
)
def test_fisher_exact_rxc_equals_the_sum_over_all_tables_with_the_same_margins(table):
    assert ct.fisher_exact_rxc(table) == pytest.approx(brute_force_fisher(table), abs=1e-12)


def test_fisher_exact_of_a_single_row_or_column_is_one():
    assert ct.fisher_exact_rxc([[3, 4, 5], [0, 0, 0]]) == 1.0


def test_exact_enumeration_refuses_a_table_out_of_reach_instead_of_exhausting_memory():
    with pytest.raises(ValueError, match="fisher_monte_carlo"):
        ct.fisher_exact_rxc(np.full((4, 8), 40))


def test_exact_enumeration_is_feasible_for_survey_tables_and_not_for_huge_ones():
    assert ct.exact_is_feasible([[3, 1, 2], [1, 3, 4]])
    assert ct.exact_is_feasible([[30, 35, 25, 28, 32, 30], [30, 25, 35, 32, 28, 30]])
    assert not ct.exact_is_feasible(np.full((4, 8), 40))


# --- Monte Carlo Fisher ---------------------------------------------------------------------------------


def test_fisher_monte_carlo_is_identical_from_run_to_run_and_close_to_the_exact_value():
    first = ct.fisher_monte_carlo([[3, 1, 2], [1, 3, 4]])
    assert first == ct.fisher_monte_carlo([[3, 1, 2], [1, 3, 4]])
    # 100,000 tables: standard error about sqrt(0.25/1e5) = 0.0016.
    assert first == pytest.approx(0.5004995, abs=0.01)


def test_fisher_monte_carlo_follows_rs_plus_one_formula():
    # The observed table is the most probable one here, so every simulated table counts:
    # (1 + B) / (B + 1) = 1.
    assert ct.fisher_monte_carlo([[2, 2], [2, 2]], n_tables=500) == 1.0


# --- the rule -------------------------------------------------------------------------------------------


def test_a_small_expected_count_gets_fisher_with_the_chi2_statistic_reported():
    result = ct.test_association([[3, 1, 2], [1, 3, 4]])
    assert result.test == "fisher"
    assert result.p_value == pytest.approx(0.5004995, abs=5e-8)
    assert result.statistic == pytest.approx(175 / 72, rel=1e-12)  # hand computation above
    assert result.dof == 2
    assert result.n == 14
    assert result.cramers_v == pytest.approx(5 / 12, rel=1e-12)
    assert result.min_expected == pytest.approx(4 * 6 / 14)  # smallest row total × column total / n


def test_large_expected_counts_get_pearson_chi2():
    result = ct.test_association(pd.DataFrame([[762, 327, 468], [484, 239, 477]]))
    assert result.test == "chi2"
    assert result.statistic == pytest.approx(30.07, abs=5e-3)
    assert result.p_value == pytest.approx(2.954e-07, abs=5e-11)
    assert (result.dof, result.n) == (2, 2757)


def test_exact_out_of_reach_falls_back_to_seeded_monte_carlo():
    table = np.full((4, 8), 40)
    table[:, :2] = 1  # two columns of 4 respondents: 8 of 32 expected counts (25 %) equal 1
    result = ct.test_association(table, mc_tables=2_000)
    assert result.test == "fisher_mc"
    assert result.p_value == ct.test_association(table, mc_tables=2_000).p_value
    assert 0 < result.p_value <= 1


# Cochran's rule on its boundaries. Each table's row 1 holds the small expected counts (row total × column
# total / n, written beside it); row 2's are all at least 5.
@pytest.mark.parametrize(
    ("table", "test"),
    [
        # 20 and 80 of 100: expected 2, 3, 5, 5, 5 in row 1, so 2 of 10 cells below 5 (20 %), none below 1
        ([[2, 3, 5, 5, 5], [8, 12, 20, 20, 20]], "chi2"),
        # column totals 10, 15, 24, 25, 26: expected 2, 3, 4.8, 5, 5.2, so 3 of 10 below 5 (30 %)
        ([[2, 3, 5, 5, 5], [8, 12, 19, 20, 21]], "fisher"),
        # 20 and 100 of 120, column totals 6, 30, 30, 30, 24: expected 1, 5, 5, 5, 4 (the smallest exactly 1)
        ([[1, 5, 5, 5, 4], [5, 25, 25, 25, 20]], "chi2"),
    ],
)
def test_cochrans_rule_allows_chi2_with_at_most_20_percent_of_expected_counts_below_5(table, test):
    assert ct.test_association(table).test == test


def test_cochrans_rule_refuses_chi2_with_an_expected_count_below_1():
    # Rows of 100 and 900 of 1,000, column totals 9, 250, 250, 250, 241: row 1 expects 0.9, 25, 25, 25,
    # 24.1 and row 2 8.1, 225, 225, 225, 216.9. One cell of 10 below 5, but below 1.
    table = [[1, 25, 25, 25, 24], [8, 225, 225, 225, 217]]
    result = ct.test_association(table)
    assert result.test == "fisher"
    assert result.min_expected == pytest.approx(0.9)


def test_cochrans_threshold_follows_min_expected():
    table = np.array([[2, 3, 5, 5, 5], [8, 12, 20, 20, 20]])  # expected 2, 3, 5, 5, 5 in row 1
    assert ct.test_association(table, min_expected=3).test == "chi2"  # only 2 (20 %) below 3
    assert ct.test_association(table, min_expected=5.5).test == "fisher"  # 5 of 10 below 5.5


def test_a_table_without_two_non_empty_rows_and_columns_is_not_tested():
    result = ct.test_association([[5, 0], [3, 0]])
    assert result.test == "none"
    assert math.isnan(result.p_value) and math.isnan(result.statistic)
    assert result.n == 8
