"""Hostile corpus, class 1: no questionnaire lost in silence. What was in the file is counted: every text
line below the header is a kept row, a rejected row (with its reason) or the continuation of a comment
typed on several lines."""

from __future__ import annotations

import pytest

from assistmed.ingest import IngestError, read_raw
from tests.hostile.corpus import (
    HEADERS,
    NAME,
    SURNAME,
    csv_line,
    csv_text,
    hostile_rows,
    respondent,
    respondents,
    row_cells,
    two_sheet_workbook,
    unbalanced_quote_text,
    write_csv,
)


def data_lines(text: str) -> int:
    """Text lines below the header, as a text editor counts them."""
    return len(text.splitlines()) - 1


def test_an_unbalanced_quote_rejects_its_row_and_keeps_the_43_below(tmp_path, chain):
    # The case: 10 rows read for 53, the next 43 swallowed into a 3,584-character comment.
    text = unbalanced_quote_text(before=9, after=43)
    result = chain(write_csv(tmp_path / "quote.csv", text))
    assert data_lines(text) == 53 == len(result.clean) + len(result.rejects)
    assert len(result.clean) == 52 and list(result.rejects["source_row"]) == [11]
    assert result.reason(11) == (
        "guillemet ouvert et jamais refermé (la cellule engloberait les lignes suivantes, qui ressemblent à des "
        "questionnaires) : ajoutez le guillemet fermant ou retirez le guillemet ouvrant"
    )
    assert result.clean["comment"].fillna("").str.len().max() < 100
    assert "53 lignes sous l'en-tête = 53 lignes du tableur + 0 lignes de suite" in result.log
    for frame in (result.ingested, result.clean, result.rejects):
        assert SURNAME not in frame.astype(str).to_string()


def test_an_unbalanced_quote_in_the_last_row_is_that_row_s_fault(tmp_path, chain):
    line = ";".join(row_cells(respondent(3, comment='"fin sans guillemet'), list(HEADERS)))
    result = chain(write_csv(tmp_path / "last.csv", csv_text(respondents(2), extra_lines=[line])))
    assert len(result.clean) == 2 and result.reason(4).startswith("guillemet ouvert et jamais refermé")


def test_a_comment_typed_on_several_lines_is_one_row_and_its_lines_are_accounted_for(tmp_path, chain):
    text = csv_text([respondent(1), respondent(2, comment="Première ligne\nseconde ligne ; avec un point-virgule"),
                     respondent(3)])
    result = chain(write_csv(tmp_path / "multiline.csv", text))
    assert data_lines(text) == 4 and len(result.clean) == 3 and result.rejects.empty
    assert result.clean.set_index("questionnaire_id").loc["2", "comment"].startswith("Première ligne\nseconde")
    assert "4 lignes sous l'en-tête = 3 lignes du tableur + 1 lignes de suite" in result.log


def test_a_quoted_cell_longer_than_a_comment_is_a_fault_not_a_merge(tmp_path, chain):
    long_comment = "\n".join(["une phrase assez longue pour un commentaire"] * 60)
    text = csv_text([respondent(1), respondent(2, comment=long_comment), respondent(3)])
    result = chain(write_csv(tmp_path / "long.csv", text))
    # The 60-line cell becomes one faulty row and each continuation line a row of its own (blank cells
    # apart from the text: rejected too): nothing is merged in silence and every line is accounted for.
    assert len(result.clean) + len(result.rejects) == data_lines(text)
    assert list(result.clean["questionnaire_id"]) == ["1", "3"]
    assert "guillemet ouvert et jamais refermé" in result.reason(3)


def test_a_multiline_cell_of_more_than_ten_thousand_characters_is_a_fault(tmp_path, chain):
    text = csv_text([respondent(1), respondent(2, comment="\n".join(["mot " * 75] * 40)), respondent(3)])
    result = chain(write_csv(tmp_path / "wide.csv", text))
    assert list(result.clean["questionnaire_id"]) == ["1", "3"]
    assert result.reason(3) == "cellule sur 40 lignes de plus de 10\u202f000 caractères (guillemet oublié ?)"
    assert len(result.clean) + len(result.rejects) == data_lines(text)


def test_a_file_cut_inside_a_cell_rejects_its_short_last_row(tmp_path, chain):
    cut = csv_text(respondents(3)) + csv_line(row_cells(respondent(4), list(HEADERS)))[:40]
    result = chain(write_csv(tmp_path / "cut.csv", cut))
    assert list(result.clean["questionnaire_id"]) == ["1", "2", "3"]
    assert len(result.clean) + len(result.rejects) == data_lines(cut)
    assert "ligne incomplète" in result.rejects["reason"].iloc[-1]


def test_a_file_cut_inside_a_quoted_comment_rejects_its_last_row(tmp_path, chain):
    text = csv_text([*respondents(2), respondent(3, comment="Un commentaire ; coupé en plein milieu")])
    cut = text[: text.index("coupé") + 3]
    result = chain(write_csv(tmp_path / "cut-quote.csv", cut))
    assert list(result.clean["questionnaire_id"]) == ["1", "2"]
    assert result.reason(4).startswith("guillemet ouvert et jamais refermé")


def test_a_garbled_closing_quote_is_a_row_fault(tmp_path, chain):
    line = ";".join(row_cells(respondent(2, comment='"bien"mais'), list(HEADERS)))
    result = chain(write_csv(tmp_path / "garbled.csv", csv_text(respondents(1), extra_lines=[line])))
    assert result.reason(3).startswith("guillemets mal placés")


def test_hostile_rows_appended_to_a_practice_file_are_quarantined_with_reasons_and_nothing_is_lost(tmp_path, chain):
    # Issue #12, « Done when »: cells beyond the header, too few cells, garbage codes, blank rows, markup.
    lines, expected = hostile_rows(first=501)
    text = csv_text(respondents(20), extra_lines=lines)
    result = chain(write_csv(tmp_path / "appended.csv", text))
    assert len(result.clean) + len(result.rejects) == data_lines(text)
    for offset, reason in expected.items():
        assert reason in result.reason(22 + offset), (offset, result.reason(22 + offset))
    assert set(result.rejects["source_row"]) == {22 + offset for offset in expected}
    kept = result.clean.set_index("questionnaire_id")
    assert kept.loc["504", ["sex", "age_group", "diploma", "distance_km", "contacts"]].isna().all()
    assert kept.loc["505", "comment"] == "<script>alert(1)</script> {{ config }} $x^2$"
    assert str(kept.loc["510", "return_date"].date()) == "2021-03-16"  # a date typed with spaces around it
    assert bool(kept.loc["508", "has_contact"])
    assert NAME not in result.rejects.astype(str).to_string()


def test_questionnaires_continued_on_a_second_sheet_stop_the_job_naming_the_sheet(tmp_path):
    path = two_sheet_workbook(tmp_path / "two-sheets.xlsx", 5, 4)
    with pytest.raises(IngestError, match="d'autres feuilles \\(« Suite »\\).*clé « sheet »"):
        read_raw(path)


def test_questionnaires_continued_without_a_header_are_found_too(tmp_path):
    path = two_sheet_workbook(tmp_path / "two-sheets.xlsx", 5, 4, second_header=False)
    with pytest.raises(IngestError, match="« Suite »"):
        read_raw(path)


def test_the_sheet_named_in_the_config_is_read_and_the_other_one_is_named_in_the_log(tmp_path, caplog):
    path = two_sheet_workbook(tmp_path / "two-sheets.xlsx", 5, 4)
    frame = read_raw(path, sheet="Suite")
    assert list(frame[HEADERS["questionnaire_id"]]) == ["6", "7", "8", "9"]
    assert "feuilles « Saisie » non lues" in caplog.text
    # A narrow sheet (a list of codes) is not questionnaires: it neither stops the job nor is read.
    assert "Codes" not in caplog.text
