"""Determinants of working with an assistant: test choice, odds ratios and counts against hand-made tables."""

import math

import pytest

from assistmed.gps.determinants import DETERMINANT_COLUMNS, determinants

from .conftest import frame_from_cells

SETTINGS = {"min_expected": 5, "fisher_mc_tables": 100_000, "seed": 1, "p_adjust": "holm", "confidence": 0.95}


def one_variable(cells, name="msp"):
    """Cells (count, level, has_assistant) → a frame with that candidate and the outcome."""
    return frame_from_cells(cells, [name, "has_assistant"])


def test_the_table_has_exactly_the_contract_columns(small_codebook):
    frame = one_variable([(3, "yes", "yes"), (1, "yes", "no"), (1, "no", "yes"), (3, "no", "no")])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS)
    assert list(table.columns) == DETERMINANT_COLUMNS
    assert list(table["level"]) == ["yes", "no"]


def test_small_expected_counts_choose_fisher_with_the_published_tea_tasting_p(small_codebook):
    # Tea tasting [[3,1],[1,3]]: two-sided Fisher p = 0.4857 (reference-cases.md).
    frame = one_variable([(3, "yes", "yes"), (1, "yes", "no"), (1, "no", "yes"), (3, "no", "no")])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS)
    assert set(table["test"]) == {"fisher"}
    assert table["p_value"].iloc[0] == pytest.approx(0.4857, abs=1e-4)


def test_large_expected_counts_choose_chi2_without_continuity_correction(small_codebook):
    # [[45,86],[46,101]] → Pearson χ² without correction p = 0.5875 (with Yates it would be 0.6785).
    frame = one_variable([(45, "yes", "yes"), (86, "yes", "no"), (46, "no", "yes"), (101, "no", "no")])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS)
    assert set(table["test"]) == {"chi2"}
    assert table["p_value"].iloc[0] == pytest.approx(0.5875, abs=1e-4)


def test_odds_ratio_and_woolf_interval_match_the_aspirin_study(small_codebook):
    # Physicians' aspirin study: 189 events / 10,845 non-events vs 104 / 10,933 → OR 1.832 (1.44–2.33).
    frame = one_variable([(189, "yes", "yes"), (10845, "yes", "no"), (104, "no", "yes"), (10933, "no", "no")])
    row = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS).set_index("level").loc["yes"]
    assert row["odds_ratio"] == pytest.approx(1.832, abs=5e-4)
    assert (round(row["or_ci_low"], 2), round(row["or_ci_high"], 2)) == (1.44, 2.33)


def test_a_zero_cell_gets_the_haldane_anscombe_correction(small_codebook):
    # [[0,10],[5,5]] + 0.5 → OR = 0.5·5.5 / (10.5·5.5) = 0.047619; SE = √(1/0.5 + 1/10.5 + 2/5.5) = 1.568080;
    # 95 % interval exp(ln OR ± 1.959964·SE) = 0.002203 – 1.029278 (computed by hand from the formula).
    frame = one_variable([(10, "yes", "no"), (5, "no", "yes"), (5, "no", "no")])
    row = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS).set_index("level").loc["yes"]
    assert row["odds_ratio"] == pytest.approx(0.047619, abs=1e-6)
    assert row["or_ci_low"] == pytest.approx(0.002203, abs=1e-6)
    assert row["or_ci_high"] == pytest.approx(1.029278, abs=1e-5)


def test_the_odds_ratio_is_on_the_yes_row_and_the_reference_row_stays_empty(small_codebook):
    frame = one_variable([(20, "yes", "yes"), (10, "yes", "no"), (10, "no", "yes"), (20, "no", "no")])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS).set_index("level")
    assert table.loc["yes", "odds_ratio"] == pytest.approx(4.0)
    assert math.isnan(table.loc["no", "odds_ratio"])


def test_each_test_counts_only_respondents_who_answered_both_questions(small_codebook):
    frame = one_variable([(3, "yes", "yes"), (1, "yes", "no"), (1, "no", "yes"), (3, "no", "no"),
                          (2, None, "yes"), (4, "yes", None)])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS).set_index("level")
    assert set(table["n"]) == {8}
    assert (table.loc["yes", "n_with"], table.loc["yes", "N_with"]) == (3, 4)
    assert (table.loc["yes", "n_without"], table.loc["yes", "N_without"]) == (1, 4)


def test_every_level_of_a_three_level_variable_gets_its_odds_ratio_against_the_reference(small_codebook):
    frame = one_variable([(8, "rural", "yes"), (2, "rural", "no"), (5, "semi_rural", "yes"), (5, "semi_rural", "no"),
                          (2, "urban", "yes"), (8, "urban", "no")], name="area")
    table = determinants(frame, small_codebook, candidates=["area"], settings=SETTINGS).set_index("level")
    assert list(table.index) == ["rural", "semi_rural", "urban"] and set(table["reference"]) == {"rural"}
    assert math.isnan(table.loc["rural", "odds_ratio"])
    # semi-rural vs rural: 5·2 / (5·8) = 0.25; urban vs rural: 2·2 / (8·8) = 0.0625, each from its own 2×2.
    assert table.loc["semi_rural", "odds_ratio"] == pytest.approx(0.25)
    assert table.loc["urban", "odds_ratio"] == pytest.approx(0.0625)
    # Woolf by hand for urban: SE = √(1/2 + 1/8 + 1/8 + 1/2) = 1.118034; exp(ln 0.0625 ± 1.959964·SE).
    assert table.loc["urban", "or_ci_low"] == pytest.approx(0.0625 * math.exp(-1.959964 * 1.118034), rel=1e-6)
    assert table["test"].nunique() == 1 and table["p_value"].nunique() == 1


def test_each_level_gets_the_share_of_its_gps_with_an_assistant_and_its_wilson_interval(small_codebook):
    # 81 of 263 GPs in an MSP work with an assistant: Newcombe (1998) Table I, Wilson 0.2553–0.3662.
    frame = one_variable([(81, "yes", "yes"), (182, "yes", "no"), (15, "no", "yes"), (133, "no", "no")])
    table = determinants(frame, small_codebook, candidates=["msp"], settings=SETTINGS).set_index("level")
    assert table.loc["yes", ["n_with", "n_level"]].tolist() == [81, 263]
    assert table.loc["yes", "prop_with"] == pytest.approx(81 / 263)
    assert (table.loc["yes", "prop_ci_low"], table.loc["yes", "prop_ci_high"]) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    # 15 of 148: Wilson 0.0624–0.1605 (same table).
    assert (table.loc["no", "prop_ci_low"], table.loc["no", "prop_ci_high"]) == pytest.approx((0.0624, 0.1605), abs=5e-5)


def test_holm_corrects_once_per_variable_not_once_per_row(small_codebook):
    # p = 0.4857 (msp, Fisher) and 0.5875 (cpts, χ²): Holm → min(1, max(2·0.4857, 0.5875)) = 0.9714 for both.
    msp = [(3, "yes", "yes"), (1, "yes", "no"), (1, "no", "yes"), (3, "no", "no")]
    cpts = [(45, "yes", "yes"), (86, "yes", "no"), (46, "no", "yes"), (101, "no", "no")]
    frame = frame_from_cells(
        [(c, m, None, a) for c, m, a in msp] + [(c, None, v, a) for c, v, a in cpts],
        ["msp", "cpts", "has_assistant"],
    )
    table = determinants(frame, small_codebook, candidates=["msp", "cpts"], settings=SETTINGS)
    assert table["p_adjusted"].to_numpy() == pytest.approx([0.9714] * 4, abs=1e-4)


def test_a_free_text_candidate_is_refused_with_its_name(small_codebook):
    frame = frame_from_cells([(1, "x", "yes")], ["barrier_other_text", "has_assistant"])
    with pytest.raises(ValueError, match="barrier_other_text"):
        determinants(frame, small_codebook, candidates=["barrier_other_text"], settings=SETTINGS)
