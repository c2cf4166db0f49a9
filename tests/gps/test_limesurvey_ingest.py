"""A LimeSurvey export through the generic ingest and clean: partial responses are kept, their later pages
become missing answers (never rejects), and `complete` says which responses were submitted."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.codebook import load_codebook
from assistmed.gps.limesurvey import add_completion, finalise_clean
from assistmed.ingest import ingest_file

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "resources/codebooks/gps.yaml"

SYSTEM = {"startlanguage": "fr", "seed": "123"}
# Response 11 is complete; 12 stopped after page 1; 13 stopped after page 2; 14 reached page 4 and only
# wrote an « Autre » barrier. Cells not given are blank, as LimeSurvey leaves them.
RESPONSES = [
    {"id": "11", "submitdate": "2023-11-02 10:15:00", "lastpage": "5", "startdate": "2023-11-02 10:01:00",
     "datestamp": "2023-11-02 10:15:00", "Q01": "A1", "Q05": "A1", "Q08": "Y", "Q12": "Y", "Q17[SQ001]": "Y",
     "Q18": "Très bien", "Q20": "a@example.org"},
    {"id": "12", "submitdate": "", "lastpage": "1", "startdate": "2023-11-03 09:00:00",
     "datestamp": "2023-11-03 09:02:00", "Q01": "A2", "Q05": "A3"},
    {"id": "13", "submitdate": "", "lastpage": "2", "startdate": "2023-11-04 09:00:00",
     "datestamp": "2023-11-04 09:05:00", "Q01": "A1", "Q05": "A2", "Q08": "N", "Q12": "N"},
    {"id": "14", "submitdate": "", "lastpage": "4", "startdate": "2023-11-05 09:00:00",
     "datestamp": "2023-11-05 09:09:00", "Q01": "A2", "Q05": "A2", "Q08": "N", "Q12": "N",
     "Q17[other]": "Locaux loués"},
]


def export_text() -> str:
    """The responses under every LimeSurvey code of the codebook, `,`-separated and fully quoted."""
    headers = [v.headers[0] for v in load_codebook(CODEBOOK).variables]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([{**SYSTEM, **r}.get(h, "") for h in headers] for r in RESPONSES)
    return buffer.getvalue()


@pytest.fixture
def cleaned(tmp_path):
    raw = tmp_path / "export.csv"
    raw.write_text(export_text(), encoding="utf-8")
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOK)
    clean_file(tmp_path / "ingested.parquet", tmp_path / "typed.parquet", tmp_path / "rejects.parquet",
               codebook_path=CODEBOOK, extra_columns={"region": "test"})
    finalise_clean(tmp_path / "typed.parquet", tmp_path / "clean.parquet")
    return pd.read_parquet(tmp_path / "clean.parquet"), pd.read_parquet(tmp_path / "rejects.parquet")


def test_partial_responses_are_kept_not_rejected(cleaned):
    clean, rejects = cleaned
    assert len(rejects) == 0
    assert list(clean["response_id"]) == ["11", "12", "13", "14"]


def test_only_a_filled_submitdate_makes_a_response_complete(cleaned):
    clean, _ = cleaned
    assert list(clean["complete"]) == [True, False, False, False]


def test_pages_after_the_last_page_are_missing_answers(cleaned):
    clean, _ = cleaned
    by_id = clean.set_index("response_id")
    assert by_id.loc["12", "area"] == "urban"
    assert pd.isna(by_id.loc["12", "has_assistant"]) and pd.isna(by_id.loc["12", "msp"])
    assert by_id.loc["13", "has_assistant"] == "no"
    assert pd.isna(by_id.loc["13", "barrier_office_layout"]) and pd.isna(by_id.loc["13", "barrier_none"])


def test_an_other_text_alone_answers_the_barrier_question(cleaned):
    clean, _ = cleaned
    row = clean.set_index("response_id").loc["14"]
    assert row["barrier_office_layout"] == False  # noqa: E712 - answered, not ticked (missing would be NA)
    assert row["barrier_other_text"] == "Locaux loués"


def test_the_contact_email_never_reaches_the_clean_table(cleaned):
    clean, _ = cleaned
    assert "contact_email" not in clean
    assert list(clean["has_contact"]) == [True, False, False, False]


def test_completion_needs_submitdate_and_names_the_file():
    with pytest.raises(ValueError, match="export-x.*submitdate"):
        add_completion(pd.DataFrame({"response_id": ["1"]}), source="export-x")
