"""Multiple-testing adjustment against Benjamini & Hochberg (1995) and hand-computed families."""

import math

import numpy as np
import pytest

from assistmed.stats.multiple import adjust_pvalues

# Benjamini & Hochberg (1995), §4: 15 p-values from a trial; at α = 0.05 BH rejects 4, Bonferroni,
# Holm and Hochberg reject 3.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


@pytest.mark.parametrize(
    ("method", "rejected"),
    [("fdr_bh", 4), ("bonferroni", 3), ("holm", 3), ("simes-hochberg", 3), ("hochberg", 3)],
)
def test_rejection_counts_match_benjamini_hochberg_1995(method, rejected):
    assert int(np.sum(adjust_pvalues(BH_1995, method) <= 0.05)) == rejected


def test_holm_by_hand():
    # Sorted 0.01, 0.03, 0.04 times 3, 2, 1 → 0.03, 0.06, 0.04; running maximum → 0.03, 0.06, 0.06.
    assert adjust_pvalues([0.04, 0.01, 0.03]) == pytest.approx([0.06, 0.03, 0.06])


def test_benjamini_hochberg_by_hand():
    # Sorted 0.01, 0.03, 0.04 times 3/1, 3/2, 3/3 → 0.03, 0.045, 0.04; running minimum from the top
    # → 0.03, 0.04, 0.04.
    assert adjust_pvalues([0.04, 0.01, 0.03], "fdr_bh") == pytest.approx([0.04, 0.03, 0.04])


def test_tests_not_done_stay_nan_and_are_left_out_of_the_family():
    # Family of two: Holm on 0.01, 0.04 → 0.02, 0.04.
    adjusted = adjust_pvalues([0.01, math.nan, 0.04], "holm")
    assert adjusted[0] == pytest.approx(0.02) and adjusted[2] == pytest.approx(0.04)
    assert math.isnan(adjusted[1])
    assert np.isnan(adjust_pvalues([math.nan, math.nan])).all()
    assert adjust_pvalues([]).size == 0


def test_an_unknown_method_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="holm"):
        adjust_pvalues([0.1], "sidak")
