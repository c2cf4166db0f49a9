"""Free text as reports print it: markup, links and formula signs removed; repeats counted once."""

import pandas as pd

from assistmed.texts import distinct_texts, tidy_text


def test_markup_links_and_a_leading_formula_sign_are_removed_but_comparisons_stay():
    assert tidy_text("<b>merci</b> voir http://exemple.fr") == "merci voir [lien]"
    assert tidy_text("=1+1 ceci n'est pas une formule") == "1+1 ceci n'est pas une formule"
    assert tidy_text("Consultation &amp; suivi\n\n  merci") == "Consultation & suivi merci"
    assert tidy_text("3 < 5 et 6 > 2") == "3 < 5 et 6 > 2"
    assert tidy_text("<img src=x>") == ""


def test_repeats_are_counted_once_per_group_most_frequent_first():
    frame = pd.DataFrame(
        {
            "practice": ["a", "a", "a", "b", "a", "a"],
            "comment": ["Très bien", "<i>Très bien</i>", "Très  bien", "Très bien", None, "Accueil"],
        }
    )
    out = distinct_texts(frame, text="comment", by=["practice"])
    assert out.to_dict("records") == [
        {"practice": "a", "text": "Très bien", "n": 3},
        {"practice": "a", "text": "Accueil", "n": 1},
        {"practice": "b", "text": "Très bien", "n": 1},
    ]
    assert distinct_texts(frame, text="comment")["n"].tolist() == [4, 1]
