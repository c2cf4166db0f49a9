"""Woolf odds ratio against the physicians' aspirin study and a hand-computed zero-cell table."""

import pytest

from assistmed.stats.odds import woolf_odds_ratio


def test_woolf_interval_matches_the_aspirin_study():
    # Myocardial infarction: placebo 189 of 11034, aspirin 104 of 11037 → OR 1.832, 95 % CI 1.44–2.33,
    # SE(log OR) 0.123.
    result = woolf_odds_ratio(189, 10845, 104, 10933)
    assert result.odds_ratio == pytest.approx(1.832, abs=5e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx((1.44, 2.33), abs=5e-3)
    assert result.se_log == pytest.approx(0.123, abs=5e-4)
    assert not result.corrected


def test_a_zero_cell_gets_haldane_anscombe_correction():
    # [[0, 5], [3, 4]] + 0.5 → [[0.5, 5.5], [3.5, 4.5]]: OR = 0.5·4.5 / (5.5·3.5) = 2.25/19.25 = 0.116883;
    # SE = sqrt(1/0.5 + 1/5.5 + 1/3.5 + 1/4.5) = sqrt(2 + 0.181818 + 0.285714 + 0.222222) = 1.640047;
    # CI = exp(ln 0.116883 ± 1.959964·1.640047) = exp(−2.146528 ± 3.214433) = 0.004696 to 2.909126.
    result = woolf_odds_ratio(0, 5, 3, 4)
    assert result.corrected
    assert result.odds_ratio == pytest.approx(0.116883, abs=5e-7)
    assert result.se_log == pytest.approx(1.640047, abs=5e-7)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.004696, 2.909126), abs=5e-6)


def test_negative_cells_are_refused():
    with pytest.raises(ValueError, match="non-negative"):
        woolf_odds_ratio(1, -1, 2, 3)
