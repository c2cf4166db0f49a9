"""Linear-by-linear (Mantel) trend test against Agresti (2002, §3.4), alcohol and malformation."""

import pytest

from assistmed.stats.contingency import pearson_chi2
from assistmed.stats.trend import linear_trend_test

# Rows: alcohol consumption 0, <1, 1–2, 3–5, ≥6 drinks/day; columns: malformation absent, present.
ALCOHOL = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]


def test_trend_with_agrestis_scores():
    statistic, p = linear_trend_test(ALCOHOL, row_scores=[0, 0.5, 1.5, 4, 7])
    assert statistic == pytest.approx(6.57, abs=5e-3)
    assert p == pytest.approx(0.010, abs=5e-4)


def test_overall_pearson_statistic_of_the_same_table():
    statistic, dof, _ = pearson_chi2(ALCOHOL)
    assert statistic == pytest.approx(12.08, abs=5e-3)
    assert dof == 4


def test_trend_with_mid_rank_scores():
    # Row totals 17114, 14502, 793, 127, 38 (cumulative 17114, 31616, 32409, 32536, 32574); mid-ranks
    # (1 + 17114)/2 = 8557.5, 17114 + 14503/2 = 24365.5, 31616 + 794/2 = 32013, 32409 + 128/2 = 32473,
    # 32536 + 39/2 = 32555.5.
    statistic, p = linear_trend_test(ALCOHOL, row_scores=[8557.5, 24365.5, 32013, 32473, 32555.5])
    assert statistic == pytest.approx(0.35, abs=5e-3)
    assert p == pytest.approx(0.55, abs=5e-3)


def test_trend_by_hand_on_a_small_table():
    # [[2, 0], [0, 2]] with scores 0, 1: perfect correlation r = 1, so M² = (n − 1)·1 = 3.
    assert linear_trend_test([[2, 0], [0, 2]])[0] == pytest.approx(3.0)


def test_one_score_per_row_and_column_is_required():
    with pytest.raises(ValueError, match="5 row and 2 column scores"):
        linear_trend_test(ALCOHOL, row_scores=[0, 1, 2])
