"""Intervals for proportions against Newcombe (1998a, Table I) and Newcombe (1998b, method 10).

Published values have 4 decimals, hence abs=5e-5.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistmed.stats.proportions import (
    Proportion,
    clopper_pearson_interval,
    newcombe_difference_interval,
    proportion,
    wilson_interval,
)

TOL = 5e-5


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe_table_1(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=TOL)


def test_wilson_interval_with_continuity_correction_matches_newcombe_table_1():
    assert wilson_interval(81, 263, continuity=True) == pytest.approx((0.2535, 0.3682), abs=TOL)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"), [(81, 263, 0.2527, 0.3676), (0, 20, 0.0000, 0.1684), (1, 29, 0.0009, 0.1776)]
)
def test_clopper_pearson_interval_matches_newcombe_table_1(k, n, low, high):
    assert clopper_pearson_interval(k, n) == pytest.approx((low, high), abs=TOL)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "low", "high"),
    [(56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090)],
)
def test_difference_interval_matches_newcombe_method_10(k1, n1, k2, n2, low, high):
    assert newcombe_difference_interval(k1, n1, k2, n2) == pytest.approx((low, high), abs=TOL)


def test_wilson_bounds_stay_within_zero_and_one_at_the_extremes():
    for k, n in [(0, 1), (1, 1), (0, 20), (20, 20)]:
        for continuity in (False, True):
            low, high = wilson_interval(k, n, continuity=continuity)
            assert 0.0 <= low <= k / n <= high <= 1.0


def test_a_proportion_of_nobody_is_nan_not_an_error():
    p = proportion(0, 0)
    assert (p.n, p.N) == (0, 0)
    assert math.isnan(p.prop) and math.isnan(p.ci_low) and math.isnan(p.ci_high)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_proportion_carries_counts_and_the_uncorrected_wilson_interval():
    p = proportion(81, 263)
    assert isinstance(p, Proportion)
    assert (p.n, p.N) == (81, 263)
    assert p.prop == pytest.approx(81 / 263)
    assert (p.ci_low, p.ci_high) == pytest.approx((0.2553, 0.3662), abs=TOL)


def test_a_wider_confidence_gives_a_wider_interval():
    low95, high95 = wilson_interval(30, 100)
    low99, high99 = wilson_interval(30, 100, confidence=0.99)
    assert low99 < low95 and high99 > high95


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (0, -1)])
def test_impossible_counts_are_refused(k, n):
    with pytest.raises(ValueError, match="0 ≤ k ≤ n"):
        wilson_interval(k, n)


def test_a_confidence_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="confidence"):
        proportion(3, 10, confidence=95)


@given(data=st.data(), n=st.integers(min_value=1, max_value=200), continuity=st.booleans())
def test_wilson_bounds_are_ordered_and_exact_at_zero_and_one(data, n, continuity):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson_interval(k, n, continuity=continuity)
    assert 0.0 <= low <= k / n <= high <= 1.0
    assert (low == 0.0) == (k == 0) and (high == 1.0) == (k == n)
    mirror_low, mirror_high = wilson_interval(n - k, n, continuity=continuity)  # the interval of the complement
    assert low == pytest.approx(1 - mirror_high, abs=1e-12) and high == pytest.approx(1 - mirror_low, abs=1e-12)


def test_everyone_or_nobody_gives_the_exact_bound_for_every_practice_size():
    # 7/7 to 12/12 gave an upper bound of 0.9999999999999999, below the proportion 1 (issue #15).
    for n in range(1, 201):
        assert wilson_interval(n, n)[1] == 1.0 and wilson_interval(0, n)[0] == 0.0
        p = proportion(n, n)
        assert p.ci_low <= p.prop == p.ci_high == 1.0


@given(
    data=st.data(), n1=st.integers(min_value=1, max_value=200), n2=st.integers(min_value=1, max_value=200)
)
def test_difference_interval_contains_the_difference_and_stays_within_minus_one_and_one(data, n1, n2):
    k1 = data.draw(st.integers(min_value=0, max_value=n1))
    k2 = data.draw(st.integers(min_value=0, max_value=n2))
    low, high = newcombe_difference_interval(k1, n1, k2, n2)
    assert -1.0 <= low <= k1 / n1 - k2 / n2 <= high <= 1.0
