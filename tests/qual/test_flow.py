"""The qualitative flow: selected → reached → interviewed → coded, each stage at most the one before."""

import pandas as pd
import pytest

from assistmed.qual.flow import interview_flow

SELECTION = pd.DataFrame({"practice": ["a", "b", "c"], "n_selected": [7, 2, 6]})
THEMES = pd.DataFrame({"theme": ["x", "y"], "n_interviews": [3, 1], "n_total": [9, 9]})


def test_the_example_flow_goes_from_15_selected_to_9_coded_interviews():
    flow = interview_flow(SELECTION, THEMES, reached=11)
    assert flow["stage"].tolist() == ["selected", "reached", "interviewed", "coded"]
    assert flow["n"].tolist() == [15, 11, 9, 9]


def test_an_unrecorded_stage_is_missing_and_interviews_default_to_the_coded_ones():
    flow = interview_flow(SELECTION, None)
    assert flow["n"].isna().tolist() == [False, True, False, False]
    assert flow["n"].dropna().tolist() == [15, 0, 0]


def test_more_interviews_than_patients_reached_is_a_config_error():
    with pytest.raises(ValueError, match="interviewed \\(12\\) dépasse reached \\(11\\)"):
        interview_flow(SELECTION, THEMES, reached=11, interviewed=12)
