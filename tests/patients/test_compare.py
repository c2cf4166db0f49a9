"""A practice against the rest of its region: Newcombe's interval of the difference, from pooled counts."""

import math

import pandas as pd
import pytest

from assistmed.patients.compare import compare_with_rest


def indicators(rows):
    return pd.DataFrame(rows, columns=["scope", "indicator", "n", "N"])


def test_the_rest_is_the_pool_minus_the_practice_and_its_interval_is_newcombes():
    # Newcombe 1998b, method 10: 56/70 − 48/80 → 0.0524 to 0.3339; the pool holds both (104 / 150).
    table = indicators([["a", "satisfied", 56, 70], ["reg", "satisfied", 104, 150]])
    row = compare_with_rest(table, units=["a"], pool="reg").iloc[0]
    assert (row["n_rest"], row["N_rest"]) == (48, 80)
    assert row["difference"] == pytest.approx(56 / 70 - 48 / 80)
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert row["differs"]


def test_a_difference_whose_interval_contains_zero_is_not_flagged_and_nor_is_a_lower_one_by_sign():
    # 3/10 − 9/10 → −0.8090 to −0.1705 (the published 9/10 − 3/10 interval, negated): lower, and flagged.
    # 5/10 against 50/100: difference 0, not flagged.
    table = indicators([
        ["a", "x", 3, 10], ["reg", "x", 12, 20],
        ["b", "y", 5, 10], ["reg", "y", 55, 110],
    ])
    out = compare_with_rest(table, units=["a", "b"], pool="reg").set_index(["scope", "indicator"])
    assert (out.at[("a", "x"), "diff_low"], out.at[("a", "x"), "diff_high"]) == pytest.approx((-0.8090, -0.1705), abs=5e-5)
    assert out.at[("a", "x"), "differs"]
    assert out.at[("b", "y"), "difference"] == 0 and not out.at[("b", "y"), "differs"]


def test_a_unit_that_is_the_whole_pool_has_no_rest_to_differ_from():
    row = compare_with_rest(indicators([["a", "x", 4, 9], ["reg", "x", 4, 9]]), units=["a"], pool="reg").iloc[0]
    assert row["N_rest"] == 0 and math.isnan(row["difference"]) and not row["differs"]


def test_counts_that_do_not_fit_in_the_pool_are_refused():
    with pytest.raises(ValueError, match="a / x"):
        compare_with_rest(indicators([["a", "x", 8, 9], ["reg", "x", 4, 9]]), units=["a"], pool="reg")
