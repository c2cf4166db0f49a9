"""Hostile corpus, class 2: no contact detail outside restricted/. Only codebook columns go past ingest,
contact columns are recognised whatever their header, identifiers typed anywhere else are scrubbed, and
no message quotes a cell before the scrubber has seen it."""

from __future__ import annotations

import pandas as pd
import pytest

from assistmed.codebook import load_codebook
from assistmed.ingest import IngestError, read_restricted
from assistmed.qual.selection import SelectionRule, select_candidates
from assistmed.qual.themes import summarise_themes
from tests.hostile.corpus import (
    CODEBOOK_PATH,
    EMAIL,
    HEADERS,
    NAME,
    OTHER_EMAIL,
    OTHER_NAME,
    OTHER_PHONE,
    OTHER_SURNAME,
    PHONE,
    PLANTED,
    ROOT,
    SURNAME,
    TO_CALL_BACK,
    csv_text,
    respondent,
    respondents,
    write_csv,
)

RULE = SelectionRule.from_config(
    {"negative_answers": {"overall_opinion": ["rather_unfavourable", "very_unfavourable"], "evolution_wait": ["worse"]},
     "min_negative": 2}
)


def planted_in(*texts: str) -> list[str]:
    joined = "\n".join(texts).casefold()
    return [value for value in PLANTED if value.casefold() in joined]


def everything(result) -> str:
    return "\n".join([*(frame.astype(str).to_csv() for frame in (result.ingested, result.clean, result.rejects)),
                      result.log])


@pytest.mark.parametrize(
    "headers",
    [
        {"contact_name": "Prénom et nom", "contact_phone": "Portable", "contact_email": "Adresse e-mail"},
        {"contact_name": "NOM DU PATIENT", "contact_phone": "Tél. portable", "contact_email": "E-mail"},
        {"contact_name": "Identité (nom, prénom)", "contact_phone": "Numéro de mobile", "contact_email": "Courriel"},
    ],
)
def test_contact_columns_under_other_headers_are_restricted_and_still_select_interview_candidates(
    tmp_path, chain, headers
):
    # Under « Portable » or « Adresse e-mail » the details were kept in clear and the candidates fell to 0.
    rows = [*respondents(4), respondent(5, **TO_CALL_BACK), respondent(6, **TO_CALL_BACK)]
    path = write_csv(tmp_path / "headers.csv", csv_text(rows, headers=headers))
    result = chain(path)
    assert planted_in(everything(result)) == []
    clean = result.clean.assign(practice="p")
    assert list(select_candidates(clean, load_codebook(CODEBOOK_PATH), RULE)["questionnaire_id"]) == ["5", "6"]
    contacts = read_restricted(path, load_codebook(CODEBOOK_PATH)).set_index("questionnaire_id")
    assert contacts.loc["5", "contact_phone"] == PHONE and contacts.loc["6", "contact_email"] == EMAIL


def test_an_extra_name_column_is_joined_to_the_restricted_name_not_kept_in_clear(tmp_path, chain):
    columns = [*HEADERS, "patient"]
    rows = [respondent(1, patient=f"{OTHER_NAME}", contact_name=NAME), *respondents(3, first=2)]
    path = write_csv(tmp_path / "extra.csv", csv_text(rows, columns=columns, headers={"patient": "Prénom Nom patient"}))
    result = chain(path)
    assert planted_in(everything(result)) == []
    contacts = read_restricted(path, load_codebook(CODEBOOK_PATH)).set_index("questionnaire_id")
    assert contacts.loc["1", "contact_name"] == f"{NAME} {OTHER_NAME}"


def test_a_contact_column_the_codebook_cannot_hold_stops_the_job_asking_for_the_codebook_to_name_it(tmp_path, chain):
    columns = [*HEADERS, "address"]
    rows = [respondent(1, address=f"12 rue des {OTHER_SURNAME}")]
    path = write_csv(tmp_path / "address.csv", csv_text(rows, columns=columns, headers={"address": "Adresse postale"}))
    with pytest.raises(IngestError, match="« Adresse postale » semble contenir des coordonnées \\(adresse postale\\).*"
                                          "ajoutez cet en-tête") as error:
        chain(path)
    assert planted_in(str(error.value)) == []


def test_unknown_columns_are_named_by_their_header_and_their_cells_never_stored(tmp_path, chain):
    columns = [*HEADERS, "note"]
    rows = [respondent(i, note=f"vu avec {OTHER_NAME} le 12/03") for i in range(1, 4)]
    path = write_csv(tmp_path / "unknown.csv", csv_text(rows, columns=columns, headers={"note": "Remarques secrétariat"}))
    result = chain(path)
    assert "Remarques secrétariat" not in result.ingested.columns and planted_in(everything(result)) == []
    assert "colonne « Remarques secrétariat » inconnue du codebook, ignorée (ses cellules ne sont pas lues)" in result.log
    assert not any("Remarques" in str(c) for c in result.rejects.columns)


def test_identifiers_typed_in_the_wrong_column_are_removed_from_cells_messages_and_rejects(tmp_path, chain):
    rows = [
        respondent(1, distance_km=OTHER_PHONE, sex=OTHER_EMAIL, age_group=f"Mme {OTHER_SURNAME}"),
        respondent(2, return_date=PHONE, contacts=EMAIL),
        respondent(3, questionnaire_id=PHONE),  # a phone number as the questionnaire number: rejected
        respondent(4, questionnaire_id="4", comment=f"Appelez le Dr {SURNAME} au {PHONE} ou {EMAIL}"),
        respondent(4),  # questionnaire 4 again: the reason names the number, nothing else
    ]
    result = chain(write_csv(tmp_path / "wrong-column.csv", csv_text(rows)))
    assert planted_in(everything(result)) == []
    assert "nombre illisible : « [retiré] »" in result.log
    assert "numéro de questionnaire illisible : des coordonnées y ont été saisies" in result.reason(4)
    assert result.clean.set_index("questionnaire_id").loc["4", "comment"] == "Appelez le Dr [retiré] au [retiré] ou [retiré]"


@pytest.mark.parametrize(
    "comment",
    ["le dr Quasimodo", "M Quasimodo", "Tél.0648271953", "(+33) 6 48 27 19 53", "06 48 27 19 5 3",
     "Madame de la Quasimodo", "zephirine.quasimodo at planted.example", "Mlle Quasimodo-Tournesol",
     "zephirine.quasimodo (at) planted (dot) example"],
)
def test_the_comment_variants_the_old_scrubber_missed_never_reach_an_output(tmp_path, chain, comment):
    result = chain(write_csv(tmp_path / "comment.csv", csv_text([respondent(1, comment=comment), *respondents(2, first=2)])))
    assert planted_in(everything(result)) == []


def test_the_interview_grid_keeps_no_identifier_in_its_themes_or_its_rejects(tmp_path, caplog):
    grid = write_csv(
        tmp_path / "grid.csv",
        "Entretien;N° questionnaire;Cabinet;Thème;Origine;Extrait\r\n"
        f"E1;1001;A;TEMPS;P;Le Dr {SURNAME} prend le temps, appelez-moi au {PHONE}\r\n"
        f"E2;1002;A;{EMAIL};P;rien\r\n"
        f"E3;1003;A;{OTHER_PHONE};E;Mme {OTHER_SURNAME} m'a reçue\r\n"
        f";1004;A;ACCES;P;{OTHER_EMAIL}\r\n",
        encoding="utf-8",
    )
    themes, rejects = tmp_path / "themes.parquet", tmp_path / "rejects.parquet"
    summarise_themes(grid, themes, rejects, codebook_path=ROOT / "resources/codebooks/interviews.yaml")
    stored = pd.read_parquet(themes).astype(str).to_csv() + pd.read_parquet(rejects).astype(str).to_csv()
    assert planted_in(stored, caplog.text) == []
    assert len(pd.read_parquet(rejects)) == 3
