"""The GP report's descriptive tables: share with an assistant per level, respondents, free texts."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.codebook import load_codebook
from assistmed.gps.describe import assistant_shares, free_texts, respondents

from .conftest import frame_from_cells


def test_the_share_with_an_assistant_is_the_row_percentage_of_each_level_with_a_wilson_interval(small_codebook):
    # MSP: 23 of 45 GPs in an MSP have an assistant, 11 of 54 outside; one GP did not say whether he has one.
    cells = [(23, "yes", "yes"), (22, "yes", "no"), (11, "no", "yes"), (43, "no", "no"), (1, "yes", None)]
    clean = frame_from_cells(cells, ["msp", "has_assistant"]).assign(cpts=None, area=None)
    shares = assistant_shares(clean, small_codebook, confidence=0.95).set_index(["variable", "level"])
    assert shares.loc[("msp", "yes"), ["n", "N"]].tolist() == [23, 45]
    assert shares.loc[("msp", "no"), ["n", "N"]].tolist() == [11, 54]
    # Wilson by hand, z = 1.959964: (2·23 + z² ± z·√(z² + 4·23·22/45)) / (2·(45 + z²)) → 0.3700 to 0.6504
    assert shares.loc[("msp", "yes"), ["ci_low", "ci_high"]].tolist() == pytest.approx([0.3700, 0.6504], abs=5e-5)
    assert shares.loc[("area", "rural"), "N"] == 0  # no answer at all: an empty level, no share


def test_respondents_count_complete_partial_and_rejected_and_date_the_submissions():
    clean = pd.DataFrame({"submitdate": pd.to_datetime(["2023-11-02", None, "2024-10-08"])})
    row = respondents(clean, pd.DataFrame({"reason": ["x"]})).iloc[0]
    assert (row["responses"], row["complete"], row["partial"], row["rejected"]) == (3, 2, 1, 1)
    assert (row["first_submitted"], row["last_submitted"]) == (pd.Timestamp("2023-11-02"), pd.Timestamp("2024-10-08"))


def test_free_texts_are_tidied_and_counted_per_question_and_system_fields_left_out():
    codebook = load_codebook(Path(__file__).resolve().parents[2] / "resources/codebooks/gps.yaml")
    clean = pd.DataFrame(
        {"barrier_other_text": ["<b>Locaux</b>", "Locaux", None], "comment": [None, "=Bravo", "Bravo"],
         "response_seed": ["1", "2", "3"]}
    )
    assert free_texts(clean, codebook).to_dict("records") == [
        {"scope": "barrier_other_text", "group": "", "text": "Locaux", "n": 2},
        {"scope": "comment", "group": "", "text": "Bravo", "n": 2},
    ]
