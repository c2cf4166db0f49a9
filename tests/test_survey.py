"""The strand-neutral survey core: the trend test of ordered pairs beside the association test."""

import math

import numpy as np
import pandas as pd
import pytest

from assistmed.codebook import parse_codebook
from assistmed.survey import association_tests, ordinal_scores
from assistmed.stats.trend import linear_trend_test


def levels(*keys):
    return [{"code": str(i), "key": k, "fr": k, "en": k} for i, k in enumerate(keys, 1)]


CB = parse_codebook(
    {
        "codebook": "trend-test",
        "version": "1",
        "title": {"fr": "Test", "en": "Test"},
        "id_variable": "id",
        "variables": [
            {"name": "id", "type": "identifier", "label": {"fr": "Id", "en": "Id"}},
            {"name": "alcohol", "type": "ordinal", "label": {"fr": "Alcool", "en": "Alcohol"},
             "codes": levels("none", "under_1", "one_two", "three_five", "six_plus")},
            {"name": "malformation", "type": "ordinal", "label": {"fr": "Malformation", "en": "Malformation"},
             "codes": levels("absent", "present")},
            {"name": "sex", "type": "categorical", "label": {"fr": "Sexe", "en": "Sex"},
             "codes": levels("male", "female")},
        ],
    }
)
# Agresti (2002, §3.4): alcohol consumption (0, <1, 1–2, 3–5, ≥6 drinks a day) × malformation.
ALCOHOL = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]


def respondents(table, row_keys, col_keys):
    rows = [(r, c) for i, r in enumerate(row_keys) for j, c in enumerate(col_keys) for _ in range(table[i][j])]
    frame = pd.DataFrame(rows, columns=["alcohol", "malformation"])
    for name in frame:
        frame[name] = pd.Categorical(frame[name], categories=CB.variable(name).keys, ordered=True)
    frame["sex"] = pd.Categorical(np.resize(["male", "female"], len(frame)), categories=["male", "female"])
    return frame


def test_an_ordered_pair_gets_the_linear_by_linear_test_with_equally_spaced_scores():
    frame = respondents(ALCOHOL, CB.variable("alcohol").keys, CB.variable("malformation").keys)
    row = association_tests(frame, CB, scope="s", pairs=[("alcohol", "malformation")]).iloc[0]
    # R: u, v the scores 0–4 and 0–1 of the 32,574 respondents; M2 <- (n - 1) * cor(u, v)^2 = 1.82775963837,
    # pchisq(M2, 1, lower.tail = FALSE) = 0.176392395174 (Agresti 2002, §3.4.5: M² = 1.83 for equal spacing).
    assert row["p_trend"] == pytest.approx(0.176392395174, abs=1e-9)
    # The reference case's own scores give its published M² = 6.57 (shared/reference-cases.md).
    assert linear_trend_test(ALCOHOL, row_scores=[0, 0.5, 1.5, 4, 7])[0] == pytest.approx(6.57, abs=5e-3)


def test_a_level_nobody_chose_keeps_its_place_on_the_scale():
    assert ordinal_scores(CB, "alcohol", ["none", "one_two", "six_plus"]) == [0.0, 2.0, 4.0]
    table = [[30, 10], [0, 0], [10, 30], [0, 0], [5, 5]]
    frame = respondents(table, CB.variable("alcohol").keys, CB.variable("malformation").keys)
    row = association_tests(frame, CB, scope="s", pairs=[("alcohol", "malformation")]).iloc[0]
    expected = linear_trend_test([[30, 10], [10, 30], [5, 5]], row_scores=[0, 2, 4])[1]
    assert row["p_trend"] == pytest.approx(expected, rel=1e-12)


def test_a_nominal_variable_gets_no_trend_test():
    frame = respondents(ALCOHOL, CB.variable("alcohol").keys, CB.variable("malformation").keys)
    row = association_tests(frame, CB, scope="s", pairs=[("sex", "alcohol")]).iloc[0]
    assert math.isnan(row["p_trend"])
