"""The pre-specified multivariable model: maximum likelihood when events are plenty, Firth's penalised
likelihood when they are few or the data separate, and a sentence instead of a crash when it cannot be fitted."""

import math

import pytest

from assistmed.gps.model import MODEL_COLUMNS, fit_model

from .conftest import frame_from_cells


def fit(frame, codebook, variables, **settings):
    options = {"confidence": 0.95, "min_events_per_variable": 5, "firth_events_per_parameter": 10, **settings}
    return fit_model(frame, codebook, variables=variables, **options)


def test_with_one_binary_variable_and_enough_events_the_odds_ratio_is_the_crude_woolf_one(small_codebook):
    # Maximum likelihood on one 0/1 variable reproduces the 2×2 table: OR = 20·20 / (10·10) = 4 and its
    # Wald interval is Woolf's, exp(ln 4 ± 1.959964·√(1/20 + 1/10 + 1/10 + 1/20)) = 1.367218 – 11.702598.
    frame = frame_from_cells(
        [(20, "yes", "yes"), (10, "yes", "no"), (10, "no", "yes"), (20, "no", "no")], ["msp", "has_assistant"]
    )
    model = fit(frame, small_codebook, ["msp"])
    assert list(model.columns) == MODEL_COLUMNS
    (row,) = model.itertuples(index=False)
    assert (row.term, row.status, row.method, row.n, row.reference) == ("msp=yes", "estimated", "maximum_likelihood", 60, "no")
    assert (row.events, row.parameters, row.events_per_parameter) == (30, 1, 30.0)
    assert row.odds_ratio == pytest.approx(4.0, rel=1e-9)
    assert (row.ci_low, row.ci_high) == pytest.approx((1.367218, 11.702598), rel=1e-6)
    # AIC = −2ℓ + 2·2 with ℓ = 2·[20 ln(2/3) + 10 ln(1/3)]; c = P(p̂ event > p̂ non-event) + ½ ties = 0.5 + 0.5·(2/3 − 1/3)
    assert row.aic == pytest.approx(-4 * (20 * math.log(2 / 3) + 10 * math.log(1 / 3)) + 4, rel=1e-9)
    assert row.c_statistic == pytest.approx(2 / 3 * 2 / 3 + 0.5 * (2 / 3 * 1 / 3 + 1 / 3 * 2 / 3), rel=1e-12)


def test_perfect_separation_gets_firths_finite_odds_ratio(small_codebook):
    # Every GP in an MSP has an assistant. With one 0/1 variable, Firth's estimate is the odds ratio of the
    # table with 0.5 added to each cell (Firth 1993; Heinze & Schemper 2002): 30.5·25.5 / (0.5·5.5) = 282.8182.
    frame = frame_from_cells(
        [(30, "yes", "yes"), (5, "no", "yes"), (25, "no", "no")], ["msp", "has_assistant"]
    )
    (row,) = fit(frame, small_codebook, ["msp"]).itertuples(index=False)
    assert (row.status, row.method) == ("estimated", "firth")
    assert "Séparation" in row.message or "séparation" in row.message
    assert "MSP = Oui" in row.message
    assert row.odds_ratio == pytest.approx(30.5 * 25.5 / (0.5 * 5.5), rel=1e-8)
    assert row.ci_low > 1 and math.isfinite(row.ci_high)


def test_separation_by_a_combination_of_variables_is_caught_and_firth_used(small_codebook):
    # No single level separates (each has GPs with and without an assistant), but in an MSP and a CPTS all
    # have one and in neither none has: quasi-complete separation, the ML coefficients run off to infinity.
    frame = frame_from_cells(
        [(10, "yes", "yes", "yes"), (5, "yes", "no", "yes"), (5, "yes", "no", "no"), (5, "no", "yes", "yes"),
         (5, "no", "yes", "no"), (10, "no", "no", "no")],
        ["msp", "cpts", "has_assistant"],
    )
    model = fit(frame, small_codebook, ["msp", "cpts"], min_events_per_variable=1, firth_events_per_parameter=1)
    assert set(model["method"]) == {"firth"} and "combinaison" in model["message"].iloc[0]
    assert model["odds_ratio"].map(math.isfinite).all()


def test_few_events_per_parameter_get_firths_estimates_and_say_why(small_codebook):
    # 12 events for 2 parameters: 6 per parameter, between the floor (5) and Peduzzi's 10.
    frame = frame_from_cells(
        [(8, "rural", "yes"), (10, "rural", "no"), (3, "semi_rural", "yes"), (10, "semi_rural", "no"),
         (1, "urban", "yes"), (10, "urban", "no")],
        ["area", "has_assistant"],
    )
    model = fit(frame, small_codebook, ["area"]).set_index("term")
    assert list(model.index) == ["area=semi_rural", "area=urban"] and set(model["reference"]) == {"rural"}
    assert set(model["method"]) == {"firth"} and set(model["events_per_parameter"]) == {6.0}
    assert "6,0 événements par paramètre, moins de 10" in model["message"].iloc[0]


def test_too_few_events_per_parameter_is_not_estimated(small_codebook):
    frame = frame_from_cells(
        [(3, "yes", "yes"), (1, "no", "yes"), (5, "yes", "no"), (10, "no", "no")], ["msp", "has_assistant"]
    )
    model = fit(frame, small_codebook, ["msp"])
    assert list(model["status"]) == ["not_estimated"]
    assert "Trop peu d'événements" in model["message"].iloc[0]
    assert (model["events"].iloc[0], model["parameters"].iloc[0]) == (4, 1)


def test_a_covariate_that_is_not_a_coded_question_is_refused_by_name(small_codebook):
    frame = frame_from_cells([(1, "x", "yes")], ["barrier_other_text", "has_assistant"])
    with pytest.raises(ValueError, match="barrier_other_text"):
        fit(frame, small_codebook, ["barrier_other_text"])
