import pytest

from assistmed.privacy import scrub_identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Appelez-moi au 06 12 34 56 78 svp", "Appelez-moi au [retiré] svp"),
        ("tel 06.12.34.56.78", "tel [retiré]"),
        ("joignable au +33 6 12 34 56 78.", "joignable au [retiré]."),
        ("mail : jean.dupont@example.fr merci", "mail : [retiré] merci"),
        ("Le Dr Martin est très à l'écoute", "Le Dr [retiré] est très à l'écoute"),
        ("Mme Le Goff m'a bien reçue", "Mme [retiré] m'a bien reçue"),
        ("appeler le 0033 (0)6 12 34 56 78", "appeler le [retiré]"),
        ("vu par le docteur Durand-Petit hier", "vu par le docteur [retiré] hier"),
        ("M. J. Dupont a rappelé", "M. [retiré] a rappelé"),
        ("madame de Villiers, très bien", "madame [retiré], très bien"),
    ],
)
def test_identifiers_are_replaced_and_the_rest_of_the_comment_is_kept(text, expected):
    assert scrub_identifiers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Venu le 12/03/2021, attente 25 €",
        "depuis 2019, 3 consultations",
        "le docteur est gentil",
        "06/01/2021",
        "salle d'attente de 3 m. de large",
        "montant 0612345678,50 €",
    ],
)
def test_dates_amounts_and_plain_words_stay(text):
    assert scrub_identifiers(text) == text
