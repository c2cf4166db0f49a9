"""The region's descriptive tables: comments per practice and pooled by opinion, return periods."""

import pandas as pd

from assistmed.patients.comments import comment_table
from assistmed.patients.describe import return_period


def test_comments_are_counted_per_practice_and_for_the_region_by_opinion():
    clean = pd.DataFrame(
        {
            "practice": ["b", "b", "a", "a", "a"],
            "overall_opinion": pd.Categorical(
                ["very_favourable", "very_favourable", "very_favourable", None, "very_unfavourable"],
                categories=["very_favourable", "rather_favourable", "rather_unfavourable", "very_unfavourable"],
                ordered=True,
            ),
            "comment": ["Merci", "<b>merci</b> http://x.fr", "Merci", "Trop long", None],
        }
    )
    table = comment_table(clean, region="reg")
    assert table.columns.tolist() == ["scope", "group", "text", "n"]
    assert table.to_dict("records") == [
        {"scope": "b", "group": "very_favourable", "text": "Merci", "n": 1},
        {"scope": "b", "group": "very_favourable", "text": "merci [lien]", "n": 1},
        {"scope": "a", "group": "", "text": "Trop long", "n": 1},
        {"scope": "a", "group": "very_favourable", "text": "Merci", "n": 1},
        {"scope": "reg", "group": "", "text": "Trop long", "n": 1},
        {"scope": "reg", "group": "very_favourable", "text": "Merci", "n": 2},
        {"scope": "reg", "group": "very_favourable", "text": "merci [lien]", "n": 1},
    ]


def test_the_return_period_of_each_practice_and_of_the_region():
    clean = pd.DataFrame(
        {"practice": ["a", "a", "b"], "return_date": pd.to_datetime(["2021-02-01", "2021-05-28", None])}
    )
    period = return_period(clean, scopes=["a", "b", "c"], pool="reg").set_index("scope")
    assert period["returns"].tolist() == [2, 1, 0, 3]
    assert period.loc["a", "first_return"] == pd.Timestamp("2021-02-01")
    assert period.loc["reg", "last_return"] == pd.Timestamp("2021-05-28")
    assert period.loc[["b", "c"], "last_return"].isna().all()
