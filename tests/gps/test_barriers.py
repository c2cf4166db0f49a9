"""Barrier ranking on a hand-made frame: counts, denominators, ties and subgroups."""

import pandas as pd
import pytest

from assistmed.gps.barriers import BARRIER_COLUMNS, barriers


def respondents():
    # 6 GPs answered the barrier question, 1 did not (all boxes missing). Counts among the 6:
    # space 4, pay 2, control 2, cost 1, « autre » 1 (text only), none 1.
    rows = [
        ("yes", True, True, False, False, False, None),
        ("yes", True, False, True, False, False, None),
        ("no", True, True, False, True, False, None),
        ("no", True, False, True, False, False, None),
        ("no", False, False, False, False, True, None),
        ("no", False, False, False, False, False, "Associés réticents"),
        ("no", None, None, None, None, None, None),
    ]
    columns = ["has_assistant", "barrier_space", "barrier_pay", "barrier_control", "barrier_cost", "barrier_none",
               "barrier_other_text"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[1:-1]:
        frame[column] = frame[column].astype("boolean")
    return frame


def test_ranks_are_most_cited_first_with_ties_sharing_the_smaller_rank(small_codebook):
    table = barriers(respondents(), small_codebook, confidence=0.95)
    assert list(table.columns) == BARRIER_COLUMNS
    everyone = table[table["subgroup"] == "all"].set_index("barrier")
    assert everyone["n"].to_dict() == {"barrier_space": 4, "barrier_pay": 2, "barrier_control": 2,
                                       "barrier_cost": 1, "barrier_other_text": 1, "barrier_none": 1}
    assert everyone["rank"].drop("barrier_none").to_dict() == {
        "barrier_space": 1, "barrier_pay": 2, "barrier_control": 2, "barrier_cost": 4, "barrier_other_text": 4
    }
    assert pd.isna(everyone.loc["barrier_none", "rank"])
    assert list(everyone.index)[-1] == "barrier_none"


def test_the_denominator_is_who_answered_the_question_other_text_included(small_codebook):
    table = barriers(respondents(), small_codebook, confidence=0.95)
    assert set(table.loc[table["subgroup"] == "all", "N"]) == {6}
    space = table[(table["subgroup"] == "all") & (table["barrier"] == "barrier_space")].iloc[0]
    # Wilson 95 % for 4/6 (R: prop.test(4, 6, correct = FALSE)$conf.int → 0.3000 – 0.9032).
    assert space["prop"] == pytest.approx(4 / 6)
    assert (round(space["ci_low"], 4), round(space["ci_high"], 4)) == (0.3, 0.9032)


def test_subgroups_split_by_has_assistant(small_codebook):
    table = barriers(respondents(), small_codebook, confidence=0.95)
    assert list(dict.fromkeys(table["subgroup"])) == ["all", "with_assistant", "without_assistant"]
    with_ = table[table["subgroup"] == "with_assistant"].set_index("barrier")
    assert set(with_["N"]) == {2}
    assert with_.loc["barrier_space", "n"] == 2 and with_.loc["barrier_cost", "n"] == 0
    without = table[table["subgroup"] == "without_assistant"]
    assert set(without["N"]) == {4}
