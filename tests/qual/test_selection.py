"""Interview selection: who is called back and why, the restricted CSV a spreadsheet opens safely, and no
contact detail anywhere else."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.codebook import load_codebook
from assistmed.ingest import ingest_file
from assistmed.qual.selection import (
    SelectionError,
    SelectionRule,
    negative_count,
    select_candidates,
    selection_summary,
    write_candidates,
    write_selection_summary,
)

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_PATH = ROOT / "resources/codebooks/patients.yaml"
CODEBOOK = load_codebook(CODEBOOK_PATH)
RULE = SelectionRule(
    negative_answers={
        "overall_opinion": ("rather_unfavourable", "very_unfavourable"),
        "evolution_wait": ("worse",),
        "any_discomfort": (True,),
    },
    min_negative=2,
)
DISCOMFORT = [v.name for v in CODEBOOK.group_members("discomfort")]


def respondent(practice, ident, consent, contact, opinion=None, wait=None, discomfort=None):
    """One clean row; ``discomfort`` names the ticked boxes (None: the question was skipped)."""
    row = {
        "practice": practice, "questionnaire_id": ident, "source_row": 0, "interview_consent": consent,
        "has_contact": contact, "overall_opinion": opinion, "evolution_wait": wait,
    }
    for box in DISCOMFORT:
        row[box] = None if discomfort is None else box in discomfort
    return row


def clean_frame(rows):
    frame = pd.DataFrame(rows)
    for name in ("interview_consent", "overall_opinion", "evolution_wait"):
        variable = CODEBOOK.variable(name)
        frame[name] = pd.Categorical(frame[name], categories=variable.keys, ordered=variable.ordered)
    return frame.astype({box: "boolean" for box in DISCOMFORT})


HAND = clean_frame(
    [
        respondent("p1", "10", "yes", True, opinion="rather_unfavourable", wait="worse"),
        respondent("p1", "9", "yes", True, opinion="very_unfavourable", discomfort={"discomfort_competence"}),
        respondent("p1", "11", "no", True, opinion="very_unfavourable", wait="worse", discomfort={"discomfort_intermediary"}),
        respondent("p1", "12", "yes", False, opinion="rather_unfavourable", wait="worse"),
        respondent("p1", "13", "yes", True, wait="worse", discomfort=set()),
        respondent("p1", "14", "yes", True, opinion="rather_unfavourable", discomfort={"discomfort_none"}),
        respondent("p1", "15", None, True, opinion="rather_unfavourable", wait="worse"),
        respondent("p1", "16", "yes", True, opinion=None, wait="worse", discomfort=None),
        respondent("p0", "2", "yes", True, opinion="very_unfavourable", wait="worse", discomfort={"discomfort_confidentiality"}),
        respondent("p2", "3", "yes", True, opinion="very_favourable", wait="better", discomfort=set()),
    ]
)


def test_negative_answers_are_counted_per_respondent_and_a_missing_answer_is_not_negative():
    counts = dict(zip(HAND["questionnaire_id"], negative_count(HAND, CODEBOOK, RULE)))
    # 14: the « none » box is not a discomfort; 16: skipped group and missing opinion count for nothing.
    assert counts == {"10": 2, "9": 2, "11": 3, "12": 2, "13": 1, "14": 1, "15": 2, "16": 1, "2": 3, "3": 0}


def test_candidates_consented_left_a_contact_and_gave_enough_negative_answers_in_stable_order():
    chosen = select_candidates(HAND, CODEBOOK, RULE)
    # Out: 11 refused, 12 left no contact, 13/14/16 one negative answer only, 15 did not answer consent.
    assert list(zip(chosen["practice"], chosen["questionnaire_id"], chosen["n_negative"])) == [
        ("p0", "2", 3), ("p1", "9", 2), ("p1", "10", 2),
    ]
    assert list(select_candidates(HAND.iloc[::-1], CODEBOOK, RULE)["questionnaire_id"]) == ["2", "9", "10"]


def test_summary_counts_candidates_per_practice_with_zeros_and_no_identifier():
    summary = selection_summary(HAND, CODEBOOK, RULE, practices=["p0", "p1", "p2"])
    assert summary.to_dict("list") == {"practice": ["p0", "p1", "p2"], "n_selected": [1, 2, 0]}


def test_rule_is_read_from_config_and_described_in_french_with_codebook_labels():
    rule = SelectionRule.from_config(
        {"negative_answers": {"evolution_wait": ["worse"], "any_discomfort": [True]}, "min_negative": 2}
    )
    assert rule == SelectionRule({"evolution_wait": ("worse",), "any_discomfort": (True,)}, 2)
    text = RULE.describe_fr(CODEBOOK)
    assert "accepté d'être recontactées" in text and "au moins 2 des 3 réponses négatives" in text
    assert "Avis global sur la présence de l'assistante : « Plutôt défavorable » ou « Très défavorable »" in text
    assert "Évolution perçue du temps d'attente : « Dégradé »" in text
    assert text.endswith("Au moins un motif de gêne.")
    single = SelectionRule({"evolution_wait": ("worse",)}, 1).describe_fr(CODEBOOK)
    assert single.endswith("ont donné la réponse négative suivante : Évolution perçue du temps d'attente : « Dégradé ».")
    every = SelectionRule({"evolution_wait": ("worse",), "any_discomfort": (True,)}, 2).describe_fr(CODEBOOK)
    assert "ont donné les 2 réponses négatives suivantes" in every


@pytest.mark.parametrize(
    ("answers", "minimum", "named"),
    [
        ({"not_a_variable": ("x",)}, 1, "negative_answers.not_a_variable"),
        ({"evolution_wait": ("pire",)}, 1, "negative_answers.evolution_wait"),
        ({"any_discomfort": ("yes",)}, 1, "negative_answers.any_discomfort"),
        ({"comment": ("x",)}, 1, "negative_answers.comment"),
        ({"evolution_wait": ("worse",)}, 2, "min_negative"),
    ],
)
def test_a_rule_that_does_not_fit_the_codebook_is_refused_naming_the_config_key(answers, minimum, named):
    with pytest.raises(SelectionError, match=named):
        negative_count(HAND, CODEBOOK, SelectionRule(answers, minimum))


HEADER = (
    "N° questionnaire;Date;Sexe;Age;Diplome;Distance (km);Nb contacts;Avis global;Q7a;Q7b;Q7c;Q7d;Q7e;Q7f;"
    "Q8a;Q8b;Q8c;Q8d;Q8e;Evolution attente;Evolution qualite;Approbation role;Commentaire;Accord entretien;"
    "Nom;Telephone;Mail"
)
# id, opinion, Q8a (confidentiality), wait, consent, name, phone, mail
ENTRIES = [
    ("301", "3", "x", "3", "1", '=HYPERLINK("http://exemple.invalid";"clic")', "+33 6 00 00 12 34", ""),
    ("302", "4", "", "3", "1", "Alix Essai", "", "alix.essai@example.fr"),
    ("303", "3", "x", "3", "2", "Sacha Refus", "06 00 00 98 76", ""),
    ("304", "1", "", "1", "1", "Gwenn Content", "06 00 00 55 44", ""),
    ("305", "3", "", "1", "1", "-Yannick Un", "06 00 00 11 11", ""),
]
SECRETS = ['HYPERLINK("http', "+33 6 00 00 12 34", "Alix Essai", "alix.essai@example.fr", "Sacha Refus", "98 76", "Gwenn Content", "Yannick Un"]


def raw_line(ident, opinion, q8a, wait, consent, name, phone, mail):
    cells = [ident, "12/01/2021", "2", "3", "4", "3", "2", opinion, "x", "", "", "", "", "", q8a, "", "", "", "" if q8a else "x"]
    cells += [wait, "1", "1", "", consent, name, phone, mail]
    return ";".join(f'"{c}"' if '"' in c or ";" in c else c for c in [c.replace('"', '""') for c in cells])


@pytest.fixture
def practice_files(tmp_path):
    raw = tmp_path / "cab.csv"
    raw.write_bytes(("\r\n".join([HEADER, *(raw_line(*e) for e in ENTRIES)]) + "\r\n").encode("cp1252", "replace"))
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOK_PATH)
    clean_file(
        tmp_path / "ingested.parquet", tmp_path / "clean.parquet", tmp_path / "rejects.parquet",
        codebook_path=CODEBOOK_PATH, extra_columns={"region": "r", "practice": "cab"},
    )
    return raw, tmp_path / "clean.parquet"


def test_candidates_file_joins_contact_details_from_the_raw_file_and_is_safe_to_open(practice_files, tmp_path, caplog):
    raw, clean = practice_files
    out = tmp_path / "results/r/restricted/interview_candidates.csv"
    with caplog.at_level(logging.INFO, logger="assistmed"):
        write_candidates([clean], {"cab": (raw, {"delimiter": ";"})}, out, codebook_path=CODEBOOK_PATH, rule=RULE,
                         practice_labels={"cab": "Cabinet Test"})
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == [
        "Cabinet", "Numéro du questionnaire", "Nom (recontact)", "Téléphone (recontact)", "Courriel (recontact)",
        "Nombre de réponses négatives", "Réponses négatives",
    ]
    # 303 refused, 304 gave no negative answer, 305 only one (opinion).
    assert table[["Numéro du questionnaire", "Nom (recontact)", "Téléphone (recontact)", "Courriel (recontact)"]].values.tolist() == [
        ["301", '\'=HYPERLINK("http://exemple.invalid";"clic")', "'+33 6 00 00 12 34", ""],
        ["302", "Alix Essai", "", "alix.essai@example.fr"],
    ]
    assert list(table["Nombre de réponses négatives"]) == ["3", "2"]
    assert table["Réponses négatives"].iloc[1] == (
        "Avis global sur la présence de l'assistante : Très défavorable ; Évolution perçue du temps d'attente : Dégradé"
    )
    assert set(table["Cabinet"]) == {"Cabinet Test"}
    assert not [s for s in SECRETS if s in caplog.text]


def test_no_contact_detail_reaches_the_clean_data_or_the_selection_summary(practice_files, tmp_path):
    raw, clean = practice_files
    summary = tmp_path / "summary.parquet"
    write_selection_summary([clean], summary, codebook_path=CODEBOOK_PATH, rule=RULE, practices=["cab"])
    assert pd.read_parquet(summary).to_dict("list") == {"practice": ["cab"], "n_selected": [2]}
    for path in (clean, summary, tmp_path / "ingested.parquet", tmp_path / "rejects.parquet"):
        data = path.read_bytes()
        assert not [s for s in SECRETS if s.encode() in data], path


def test_a_raw_file_that_changed_since_cleaning_is_refused_naming_the_row(practice_files, tmp_path):
    raw, clean = practice_files
    lines = raw.read_bytes().split(b"\r\n")
    lines[1], lines[2] = lines[2], lines[1]
    raw.write_bytes(b"\r\n".join(lines))
    with pytest.raises(SelectionError, match="ligne 2"):
        write_candidates([clean], {"cab": (raw, {})}, tmp_path / "c.csv", codebook_path=CODEBOOK_PATH, rule=RULE)
    assert not (tmp_path / "c.csv").exists()
