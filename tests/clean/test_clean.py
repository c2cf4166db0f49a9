"""Cleaning against the patient codebook: what is kept, what is rejected and why."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file, clean_table
from assistmed.codebook import load_codebook
from assistmed.ingest import ingest_file

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
HEADER = (
    "N° questionnaire;Date;Sexe;Age;Diplome;Distance (km);Nb contacts;Avis global;Q7a;Q7b;Q7c;Q7d;Q7e;Q7f;"
    "Q8a;Q8b;Q8c;Q8d;Q8e;Evolution attente;Evolution qualite;Approbation role;Commentaire;Accord entretien;"
    "Nom;Telephone;Mail"
)
ROWS = [
    "101;12/01/2021;2;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;Très bien, Dr Martin au top;1;Jean Test;06 00 00 11 22;",
    "102;31/02/2021; 1 ;NSP;7;850;1;2;;;;;;1;;;;;;2;2;1;2;2;;;",
    "102;12/01/2021;2;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;;1;;;",
    ";12/01/2021;2;3;4;3,5;2;1;;;;;;;;;;;;1;1;1;;;;;",
    "104;;;;;;;;;;;;;;;;;;;;;;;;;;",
    ";;;;;;;;;;;;;;;;;;;;;;;;;;",
    "105;01/03/2021;1;2;1;;1;3;;;;;;;1;;;;;3;3;4;;2;;;",
]


@pytest.fixture
def cleaned(tmp_path):
    raw = tmp_path / "cab.csv"
    raw.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOK)
    clean_file(
        tmp_path / "ingested.parquet", tmp_path / "clean.parquet", tmp_path / "rejects.parquet",
        codebook_path=CODEBOOK, extra_columns={"region": "r", "practice": "cab"},
    )
    return tmp_path


def test_raw_rows_equal_kept_plus_rejected_and_rejects_keep_their_cells_and_a_reason(cleaned):
    clean = pd.read_parquet(cleaned / "clean.parquet")
    rejects = pd.read_parquet(cleaned / "rejects.parquet").set_index("source_row")
    assert list(clean["source_row"]) == [2, 3, 8]
    assert len(clean) + len(rejects) == len(ROWS)
    assert rejects.loc[4, "reason"] == "numéro de questionnaire 102 déjà saisi ligne 3"
    assert rejects.loc[5, "reason"] == "numéro de questionnaire absent"
    assert rejects.loc[6, "reason"] == "ligne sans aucune réponse"
    assert rejects.loc[7, "reason"] == "ligne vide"  # a blank row between entries is counted, not lost
    assert rejects.loc[4, "distance_km"] == "3,5"


def test_bad_cells_become_missing_and_the_row_is_kept(cleaned):
    clean = pd.read_parquet(cleaned / "clean.parquet").set_index("questionnaire_id")
    row = clean.loc["102"]
    assert pd.isna(row["return_date"]) and pd.isna(row["diploma"]) and pd.isna(row["distance_km"])
    assert pd.isna(row["age_group"])  # « NSP »
    assert row["sex"] == "male"  # « 1 » with stray spaces
    assert clean.loc["101", "distance_km"] == 3.5  # decimal comma


def test_codes_become_ordered_categories_of_the_codebook_keys(cleaned):
    clean = pd.read_parquet(cleaned / "clean.parquet")
    assert list(clean["contacts"].cat.categories) == ["one", "two_three", "four_plus"]
    assert clean["contacts"].cat.ordered
    assert list(clean["overall_opinion"]) == ["very_favourable", "rather_favourable", "rather_unfavourable"]


def test_a_skipped_multiselect_question_is_missing_not_false(cleaned):
    clean = pd.read_parquet(cleaned / "clean.parquet").set_index("questionnaire_id")
    assert clean.loc["101", "services_time"] is True or clean.loc["101", "services_time"] == True  # noqa: E712
    assert clean.loc["101", "services_vitals"] == False  # noqa: E712
    assert pd.isna(clean.loc["105", "services_time"])


def test_contact_details_never_reach_ingested_or_clean_outputs_and_comments_are_scrubbed(cleaned):
    for name in ("ingested.parquet", "clean.parquet", "rejects.parquet"):
        data = (cleaned / name).read_bytes()
        assert b"06 00 00 11 22" not in data and b"Jean Test" not in data
    clean = pd.read_parquet(cleaned / "clean.parquet").set_index("questionnaire_id")
    assert clean.loc["101", "has_contact"] and not clean.loc["105", "has_contact"]
    assert clean.loc["101", "comment"] == "Très bien, Dr [retiré] au top"


def test_cell_problems_name_the_row_the_column_and_the_value():
    codebook = load_codebook(CODEBOOK)
    raw = pd.DataFrame({"questionnaire_id": ["1", "2"], "contacts": ["7", "1;2"], "source_row": [2, 3]})
    issues = clean_table(raw, codebook, source="x.csv").cell_issues
    assert list(issues["source_row"]) == [2, 3]
    assert set(issues["column"]) == {"contacts"}
    assert "code « 7 » inconnu" in issues["problem"].iloc[0]
    assert "plusieurs cases cochées" in issues["problem"].iloc[1]


def test_same_input_gives_the_same_bytes(cleaned, tmp_path):
    again = tmp_path / "again.parquet"
    clean_file(
        cleaned / "ingested.parquet", again, tmp_path / "rej2.parquet",
        codebook_path=CODEBOOK, extra_columns={"region": "r", "practice": "cab"},
    )
    assert again.read_bytes() == (cleaned / "clean.parquet").read_bytes()
