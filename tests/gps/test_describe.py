"""The GP report's descriptive tables: respondents, free texts."""

from pathlib import Path

import pandas as pd

from assistmed.codebook import load_codebook
from assistmed.gps.describe import free_texts, respondents


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
