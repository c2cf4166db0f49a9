"""Double entry: two entries of the same questionnaires compared by number, cell by cell."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.double_entry import compare_entry_files
from assistmed.ingest import ingest_file
from tests.clean.test_clean import HEADER

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
FIRST = [
    "101;12/01/2021;1;3;4;3,5;2;1;x;;;;;;;;;;X;1;1;1;Très bien;1;Jean Test;06 00 00 11 22;",
    "102;13/01/2021;2;3;3;10;1;2;x;;;;;;;;;;x;2;2;1;;2;;;",
    "103;14/01/2021;2;3;3;10;1;2;x;;;;;;;;;;x;2;2;1;;2;;;",
    ";14/01/2021;2;3;3;10;1;2;x;;;;;;;;;;x;2;2;1;;2;;;",
]
SECOND = [
    # the same answers typed differently: « 1 — Homme », « 1 » for a ticked box, « 3.5 », « X », spaces
    "101;12/01/2021;1 — Homme;3;4;3.5;2;1;1;;;;;;;;;;x;1;1; 1 ;Très bien;1;Jean Test;06 00 00 11 22;",
    # two typing differences: the diploma, and a box left blank
    "102;13/01/2021;2;3;4;10;1;2;;;;;;;;;;;x;2;2;1;;2;;;",
    "104;14/01/2021;2;3;3;10;1;2;x;;;;;;;;;;x;2;2;1;;2;;;",
    "104;14/01/2021;2;3;3;10;1;2;x;;;;;;;;;;x;2;2;1;;2;;;",
]
ANSWER_COLUMNS = 26  # every column but the questionnaire number


def write(path: Path, rows: list[str]) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    ingest_file(path, path.with_suffix(".parquet"), codebook_path=CODEBOOK)
    return path.with_suffix(".parquet")


@pytest.fixture
def compared(tmp_path):
    out = {name: tmp_path / f"{name}.parquet" for name in ("agreement", "differences", "unmatched")}
    compare_entry_files(write(tmp_path / "one.csv", FIRST), write(tmp_path / "two.csv", SECOND), **out,
                        codebook=CODEBOOK)
    return {name: pd.read_parquet(path) for name, path in out.items()}


def test_agreement_is_over_every_cell_of_the_questionnaires_in_both_entries(compared):
    total = compared["agreement"].set_index("variable").loc[""]
    # 101 and 102 are in both entries: 2 × 26 cells, 2 of them differ.
    assert (total["compared"], total["agreed"]) == (2 * ANSWER_COLUMNS, 2 * ANSWER_COLUMNS - 2)
    assert total["rate"] == pytest.approx(50 / 52)
    diploma = compared["agreement"].set_index("variable").loc["diploma"]
    assert (diploma["header"], diploma["compared"], diploma["agreed"], diploma["rate"]) == ("Diplome", 2, 1, 0.5)


def test_each_disagreement_names_the_questionnaire_both_rows_the_column_and_both_values(compared):
    rows = set(compared["differences"].itertuples(index=False, name=None))
    assert rows == {
        ("102", 3, 3, "diploma", "Diplome", "3", "4"),
        ("102", 3, 3, "services_time", "Q7a", "x", ""),
    }


def test_questionnaires_in_one_entry_only_and_unmatchable_rows_are_listed(compared):
    rows = set(compared["unmatched"].itertuples(index=False, name=None))
    assert rows == {
        ("", "1", 5, "sans numéro de questionnaire"),
        ("103", "1", 4, "absent de la saisie 2"),
        ("104", "2", 5, "numéro 104 déjà saisi plus haut"),
        ("104", "2", 4, "absent de la saisie 1"),
    }


def test_contact_details_are_compared_masked_and_never_written(compared, tmp_path):
    for name in ("agreement", "differences", "unmatched"):
        assert b"06 00 00 11 22" not in (tmp_path / f"{name}.parquet").read_bytes()
