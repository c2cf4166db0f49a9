"""The multivariable model: right on a table whose answer is known, and says so instead of crashing."""

import pytest

from assistmed.gps.model import MODEL_COLUMNS, eligible_variables, fit_model

from .conftest import frame_from_cells


def test_with_one_binary_variable_the_adjusted_odds_ratio_is_the_crude_woolf_one(small_codebook):
    # Logistic regression on one 0/1 variable reproduces the 2×2 table: OR = 20·20 / (10·10) = 4 and its
    # Wald interval is Woolf's, exp(ln 4 ± 1.959964·√(1/20 + 1/10 + 1/10 + 1/20)) = 1.367218 – 11.702598.
    frame = frame_from_cells(
        [(20, "yes", "yes"), (10, "yes", "no"), (10, "no", "yes"), (20, "no", "no")], ["msp", "has_assistant"]
    )
    model = fit_model(frame, small_codebook, variables=["msp"], confidence=0.95, min_events_per_variable=5)
    assert list(model.columns) == MODEL_COLUMNS
    (row,) = model.itertuples(index=False)
    assert (row.term, row.status, row.n, row.reference) == ("msp=yes", "estimated", 60, "no")
    assert row.odds_ratio == pytest.approx(4.0, rel=1e-6)
    assert row.ci_low == pytest.approx(1.367218, rel=1e-5)
    assert row.ci_high == pytest.approx(11.702598, rel=1e-5)


def test_perfect_separation_is_reported_in_french_not_raised(small_codebook):
    # Every GP in an MSP has an assistant: the ML odds ratio is infinite.
    frame = frame_from_cells(
        [(12, "yes", "yes", "yes"), (3, "no", "yes", "yes"), (4, "no", "no", "yes"), (11, "no", "no", "no"),
         (5, "no", "yes", "no")],
        ["msp", "cpts", "has_assistant"],
    )
    model = fit_model(frame, small_codebook, variables=["msp", "cpts"], confidence=0.95, min_events_per_variable=5)
    assert list(model["status"]) == ["separation"]
    assert "Séparation" in model["message"].iloc[0] and "MSP = Oui" in model["message"].iloc[0]
    assert model["odds_ratio"].isna().all()


def test_separation_by_a_combination_of_variables_is_caught_by_the_fit(small_codebook):
    # No single level separates, but msp = yes or cpts = yes ⇔ has an assistant.
    frame = frame_from_cells(
        [(10, "yes", "no", "yes"), (10, "no", "yes", "yes"), (10, "yes", "yes", "yes"), (10, "no", "no", "no")],
        ["msp", "cpts", "has_assistant"],
    )
    model = fit_model(frame, small_codebook, variables=["msp", "cpts"], confidence=0.95, min_events_per_variable=1)
    assert list(model["status"]) == ["separation"]


def test_too_few_events_per_parameter_is_not_estimated(small_codebook):
    frame = frame_from_cells(
        [(3, "yes", "yes"), (1, "no", "yes"), (5, "yes", "no"), (10, "no", "no")], ["msp", "has_assistant"]
    )
    model = fit_model(frame, small_codebook, variables=["msp"], confidence=0.95, min_events_per_variable=5)
    assert list(model["status"]) == ["not_estimated"]
    assert "Trop peu d'événements" in model["message"].iloc[0]


def test_no_significant_determinant_gives_a_single_explanatory_row(small_codebook):
    frame = frame_from_cells([(1, "yes", "yes")], ["msp", "has_assistant"])
    model = fit_model(frame, small_codebook, variables=[], confidence=0.95, min_events_per_variable=5)
    assert list(model["status"]) == ["not_estimated"]
    assert "Aucune variable" in model["message"].iloc[0]


def test_only_variables_below_the_threshold_enter_in_table_order():
    import pandas as pd

    table = pd.DataFrame({"variable": ["msp", "msp", "sex", "area"], "p_value": [0.001, 0.001, 0.4, 0.03]})
    assert eligible_variables(table) == ["msp", "area"]
