"""« L'essentiel » and « Limites »: each rule on the smallest tables that show it."""

from pathlib import Path

import pandas as pd

from assistmed.codebook import load_codebook
from assistmed.disclosure.cells import Published
from assistmed.patients.compare import compare_with_rest
from assistmed.reports import essentials

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = load_codebook(ROOT / "resources/codebooks/patients.yaml")
GPS = load_codebook(ROOT / "resources/codebooks/gps.yaml")
NN = "\u202f"


def indicators(rows):
    frame = pd.DataFrame(rows, columns=["scope", "indicator", "n", "N"])
    frame["prop"] = frame["n"] / frame["N"]
    frame["ci_low"], frame["ci_high"] = frame["prop"] - 0.05, frame["prop"] + 0.05
    return frame


def test_a_practice_differs_from_the_rest_of_its_region_not_from_the_region_that_contains_it():
    # a: 56/70 = 80 %; the region 104/150 = 69 %; the rest 48/80 = 60 %: Newcombe 0.0524 to 0.3339 excludes 0.
    table = indicators([["a", "role_approved", 56, 70], ["reg", "role_approved", 104, 150]])
    messages = essentials.difference_messages(
        PATIENTS, compare_with_rest(table, units=["a"], pool="reg"), "a", rest_name="de la région"
    )
    assert messages == [
        f"Approuve le rôle de l'assistante : plus fréquent que dans le reste de la région (80{NN}% contre 60{NN}%, "
        "écart +20 points, IC [+5 ; +33])."
    ]


def test_no_difference_says_so_with_the_number_of_indicators_compared():
    table = indicators([["a", "female", 5, 10], ["reg", "female", 55, 110], ["a", "role_approved", 5, 10],
                        ["reg", "role_approved", 50, 100]])
    messages = essentials.difference_messages(
        PATIENTS, compare_with_rest(table, units=["a"], pool="reg"), "a", rest_name="de la région"
    )
    assert messages == [
        "Aucun des 2 indicateurs ne s'écarte du reste de la région au-delà des fluctuations d'échantillonnage "
        "(l'intervalle de l'écart contient 0)."
    ]


def published(rows):
    """A published table: (scope, variable, category, status, n, N, prop, ci_low, ci_high) rows, threshold 5."""
    columns = ["scope", "variable", "category", "status", "n", "N", "prop", "ci_low", "ci_high"]
    frame = pd.DataFrame(rows, columns=columns).assign(table="indicators", threshold=5)
    return Published(frame.astype({"n": "Int64", "N": "Int64"}))


def test_a_difference_on_a_hidden_figure_is_never_printed():
    # 3 of 40 patients with a discomfort: published « < 5 », so no message may print it, nor its difference.
    table = indicators([["a", "any_discomfort", 3, 40], ["reg", "any_discomfort", 103, 200]])
    compared = compare_with_rest(table, units=["a"], pool="reg")
    assert compared["differs"].all()
    cells = published([["a", "any_discomfort", "", "small", None, 40, 0.13, None, None],
                       ["reg", "any_discomfort", "", "shown", 103, 200, 0.515, 0.45, 0.58]])
    messages = essentials.difference_messages(PATIENTS, compared, "a", rest_name="de la région", published=cells)
    assert messages == [
        "L'indicateur comparé ne s'écarte pas du reste de la région au-delà des fluctuations d'échantillonnage "
        "(l'intervalle de l'écart contient 0)."
    ]


def test_the_most_cited_box_of_a_multiple_choice_question_among_those_shown():
    cells = published([
        ["reg", "any_service", "", "shown", 177, 340, 177 / 340, 0.47, 0.57],
        ["reg", "services_time", "checked", "shown", 89, 340, 89 / 340, None, None],
        ["reg", "services_paperwork", "checked", "shown", 80, 340, 80 / 340, None, None],
        ["reg", "services_vitals", "checked", "secondary", None, 340, None, None, None],
    ])
    assert essentials.most_cited_messages(PATIENTS, cells, "reg") == [
        f"Au moins un service rendu : 52{NN}% des répondants ; le plus cité : gain de temps pendant la consultation "
        f"(26{NN}%)."
    ]


def test_only_associations_significant_after_correction_are_messages_and_unit_comparisons_are_left_out():
    tests = pd.DataFrame(
        {"scope": "reg", "var_a": ["contacts", "diploma", "practice"], "var_b": ["evolution_wait", "role_approval", "sex"],
         "p_adjusted": [0.044, 0.2, 0.001], "p_stratified": [0.02, 0.3, float("nan")]}
    )
    assert essentials.association_messages(PATIENTS, tests, "reg", p_adjust_name="Holm") == [
        "Association entre « Nombre de contacts avec l'assistante » et « Évolution perçue du temps d'attente » "
        "(p ajusté (Holm) = 0,044 ; stratifié par cabinet : p = 0,020)."
    ]


def test_an_association_that_clustering_undoes_is_said_so_and_one_it_keeps_gives_its_design_based_p():
    # The example region: contacts × waiting time is p = 0.013 after Holm, but 0.154 by the design (R svychisq).
    tests = pd.DataFrame(
        {"scope": "reg", "var_a": ["contacts", "diploma"], "var_b": ["evolution_wait", "role_approval"],
         "p_adjusted": [0.0132, 0.0003], "p_stratified": [0.020, 0.0001], "p_design": [0.1544, 0.0427]}
    )
    assert essentials.association_messages(PATIENTS, tests, "reg", p_adjust_name="Holm") == [
        "Association entre « Diplôme le plus élevé » et « Approbation des tâches confiées à l'assistante » "
        "(p ajusté (Holm) < 0,001 ; plan de sondage : p = 0,043).",
        "Association entre « Nombre de contacts avec l'assistante » et « Évolution perçue du temps d'attente » "
        "(p ajusté (Holm) = 0,013), qui n'est plus significative une fois pris en compte le regroupement des "
        "patients par cabinet (plan de sondage : p = 0,154).",
    ]


def test_the_limits_give_the_design_effects_and_iccs_of_a_pooled_scope():
    design = pd.DataFrame({"deff": [float("nan"), 0.58, 4.77], "icc": [float("nan"), 0.0, 0.0628],
                           "design_df": [float("nan"), 5.0, 5.0]}, index=["response_rate", "female", "favourable"])
    assert essentials.design_limit(design, practices=6) == (
        "Les patients ont été recrutés par 6 cabinets, et ceux d'un même cabinet se ressemblent : les intervalles "
        "et les tests « plan de sondage » en tiennent compte (cabinets pris comme grappes, 5 degrés de liberté). "
        "Effet de plan de 0,6 à 4,8 selon l'indicateur, corrélation intra-cabinet (ICC) de 0,00 à 0,06 ; avec si "
        "peu de cabinets, ces intervalles restent approximatifs."
    )
    assert "trop étroits" in essentials.design_limit(None, practices=6)


def test_determinants_print_the_share_with_an_assistant_at_each_level():
    determinants = pd.DataFrame({"variable": ["msp", "msp", "sex"], "level": ["yes", "no", "female"],
                                 "n_with": [23, 11, 20], "n_level": [45, 54, 50],
                                 "prop_with": [23 / 45, 11 / 54, 20 / 50], "p_adjusted": [0.003, 0.003, 0.5]})
    cells = published([[s, "msp", level, "shown", n, 34 if s == "with_assistant" else 65, None, None, None]
                       for s, level, n in [("with_assistant", "yes", 23), ("with_assistant", "no", 11),
                                           ("without_assistant", "yes", 22), ("without_assistant", "no", 43)]])
    assert essentials.determinant_messages(GPS, determinants, cells, p_adjust_name="Holm") == [
        f"Exercice en maison de santé pluriprofessionnelle (MSP) : travaillent avec un assistant 51{NN}% (oui) contre "
        f"20{NN}% (non) des médecins (p ajusté (Holm) = 0,003)."
    ]


def test_at_most_five_messages_in_the_order_of_the_rules():
    assert essentials.first_messages(["a", "b"], [], ["c", "d", "e", "f"]) == ["a", "b", "c", "d", "e"]


def test_a_bounded_headline_figure_prints_its_bound_and_no_interval():
    # 66 of 70 favourable: the complement (4) is small, so the figure is published as the bound « ≥ 66 »
    cells = published([["a", "overall_favourable", "", "at_least", 66, 70, 0.94, None, None],
                       ["reg", "overall_favourable", "", "shown", 306, 356, 306 / 356, 0.82, 0.89]])
    (figure,) = essentials.headline_figures(PATIENTS, cells, "a", ["overall_favourable"], reference=("reg", "région"))
    assert (figure["value"], figure["nN"], figure["ci"], figure["ref"]) == (
        f"≥{NN}94{NN}%", f"≥{NN}66 / 70", "", f"région : 86{NN}%"
    )
    assert figure["hidden"]


def test_limits_state_the_return_rate_the_clustering_and_the_interview_selection():
    cells = published([["reg", "response_rate", "", "shown", 364, 1400, 0.26, 0.24, 0.28]])
    limits = essentials.patient_limits(cells, "reg", practices=6, comparisons=54, interviews_min_negative=2)
    text = " ".join(limits)
    assert f"Taux de retour de 26{NN}% (364 questionnaires conservés sur 1{NN}400 distribués)" in text
    assert "6 cabinets volontaires" in text
    assert "trop étroits" in text
    assert "54 comparaisons" in text
    assert "au moins 2 réponses négatives" in text and "patients insatisfaits" in text


def test_a_headline_hidden_only_to_protect_another_is_left_off_page_1():
    cells = published([["all", "with_assistant", "", "shown", 34, 99, 34 / 99, 0.26, 0.44],
                       ["all", "satisfied", "", "secondary", None, 32, float("nan"), float("nan"), float("nan")]])
    figures = essentials.headline_figures(GPS, cells, "all", ["with_assistant", "satisfied"])
    assert [f["label"] for f in figures] == [GPS.indicator("with_assistant").label_fr]
