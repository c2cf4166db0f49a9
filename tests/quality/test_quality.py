"""What the person who typed a file is told: nulled cells with their place and reason, counts per file."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.ingest import ingest_file
from tests.clean.test_clean import HEADER
from assistmed.quality import reject_kinds, summary_count

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
# Column letters: A N° questionnaire, B Date, C Sexe, D Age, E Diplome, F Distance (km), G Nb contacts,
# H Avis global, ... W Commentaire, X Accord entretien, Y Nom, Z Telephone, AA Mail.
ROWS = [
    "101;12/01/2021;2;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;Très bien;1;Jean Test;06 00 00 11 22;",  # row 2
    "102;31/02/2021; 1 ;NSP;7;850;1;2;;;;;;1;;;;;;2;2;1;2;2;;;",  # row 3: date, diploma, distance refused
    "102;12/01/2021;2;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;;1;;;",  # row 4: number already used
    "103;12/01/2021;06 12 34 56 78;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;;1;;;",  # row 5: a phone number as the sex
    ";;;;;;;;;;;;;;;;;;;;;;;;;;",  # row 6: blank
    "104;;;;;;;;;;;;;;;;;;;;;;;;;;",  # row 7: no answer
]


@pytest.fixture
def tables(tmp_path):
    raw = tmp_path / "cab.csv"
    raw.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOK)
    clean_file(
        tmp_path / "ingested.parquet", tmp_path / "clean.parquet", tmp_path / "rejects.parquet",
        codebook_path=CODEBOOK, extra_columns={"region": "r", "practice": "cab"},
        nulled=tmp_path / "nulled.parquet", summary=tmp_path / "summary.parquet",
    )
    return pd.read_parquet(tmp_path / "nulled.parquet"), pd.read_parquet(tmp_path / "summary.parquet")


def test_each_nulled_cell_names_its_row_letter_header_value_reason_and_what_was_allowed(tables):
    nulled, _ = tables
    cells = {(r.source_row, r.letter, r.header, r.value) for r in nulled.itertuples()}
    assert cells == {
        (3, "B", "Date", "31/02/2021"),
        (3, "E", "Diplome", "7"),
        (3, "F", "Distance (km)", "850"),
        (5, "C", "Sexe", "[retiré]"),
    }
    distance = nulled.set_index("letter").loc["F"]
    assert distance["problem"] == "valeur impossible : 850 (attendu entre 0 et 150)"
    assert distance["allowed"] == "nombre (virgule décimale) de 0 à 150"
    assert nulled.set_index("letter").loc["E", "allowed"].startswith("1 = Aucun diplôme ou brevet ; 2 = CAP / BEP")
    assert list(nulled[["region", "practice"]].drop_duplicates().itertuples(index=False, name=None)) == [("r", "cab")]


def test_an_identifier_typed_in_the_wrong_column_is_not_echoed_back(tables, tmp_path):
    nulled, _ = tables
    assert b"06 12 34 56 78" not in (tmp_path / "nulled.parquet").read_bytes()
    assert "06 12" not in nulled.set_index("letter").loc["C", "problem"]


def test_summary_counts_raw_rows_kept_rejected_per_reason_and_nulled_cells_per_column(tables):
    _, summary = tables
    assert summary_count(summary, "raw_rows") == 6
    assert summary_count(summary, "kept") == 3  # rows 2, 3 and 5
    assert summary_count(summary, "rejected") == 3
    assert reject_kinds(summary) == [
        ("numéro de questionnaire N déjà saisi ligne N", 1),
        ("ligne vide", 1),
        ("ligne sans aucune réponse", 1),
    ]
    assert summary_count(summary, "nulled_cells") == 4
    assert summary_count(summary, "nulled_cells", "return_date") == 1
    assert summary_count(summary, "nulled_cells", "sex") == 1
    assert summary_count(summary, "nulled_cells", "contacts") == 0  # every answer column is listed, zeros too
    assert "contact_phone" not in set(summary["detail"])  # contact columns are never typed, never nulled
