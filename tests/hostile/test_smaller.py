"""Hostile corpus, class 4: the smaller faults of issue #15 — mixed encodings, spreadsheet error values,
formulas without a result, workbooks that unpack to gigabytes, non-numbers, call-back without a way to
call, and GP timestamps that would read the run's clock."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from assistmed import ingest
from assistmed.codebook import load_codebook
from assistmed.ingest import IngestError, read_raw
from tests.hostile.corpus import (
    HEADERS,
    NAME,
    ROOT,
    TO_CALL_BACK,
    csv_line,
    csv_text,
    formula_workbook,
    respondent,
    respondents,
    row_cells,
    write_csv,
    zip_bomb_workbook,
)

GPS_CODEBOOK = ROOT / "resources/codebooks/gps.yaml"


def test_a_cp1252_file_with_one_utf8_row_reads_both_right(tmp_path, chain):
    lines = [csv_text(respondents(2, comment="Très bien")).encode("cp1252"),
             (csv_line(row_cells(respondent(3, comment="Très bien aussi, à côté"), list(HEADERS))) + "\r\n").encode()]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join(lines))
    result = chain(path)
    assert list(result.clean["comment"]) == ["Très bien", "Très bien", "Très bien aussi, à côté"]
    assert "dont les lignes 4 sont en UTF-8" in result.log


def test_spreadsheet_errors_are_not_questionnaire_numbers_nor_answers(tmp_path, chain):
    rows = [respondent(1, sex="#N/A", distance_km="#VALEUR!"), respondent(2, questionnaire_id="#N/A"),
            respondent(3, questionnaire_id="#REF!")]
    result = chain(write_csv(tmp_path / "na.csv", csv_text(rows)))
    assert list(result.clean["questionnaire_id"]) == ["1"]
    assert result.reason(3) == "numéro de questionnaire illisible : « #N/A » (erreur de formule du tableur)"
    assert "colonne sex : erreur de formule du tableur : « #N/A »" in result.log
    assert "colonne distance_km : erreur de formule du tableur : « #VALEUR! »" in result.log


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e308", "4,5,6", "0x10"])
def test_numbers_that_are_not_plain_decimals_become_missing(tmp_path, chain, value):
    result = chain(write_csv(tmp_path / "nan.csv", csv_text([respondent(1, distance_km=value)])))
    assert pd.isna(result.clean.loc[0, "distance_km"]) and "nombre illisible" in result.log


def test_a_formula_saved_without_its_result_is_logged_by_column(tmp_path, caplog):
    path = formula_workbook(tmp_path / "formulas.xlsx", 4)
    frame = read_raw(path)
    assert set(frame[HEADERS["overall_opinion"]]) == {""}
    assert "colonne H : formules sans résultat enregistré, lues comme vides (lignes 2, 3, 4, 5)" in caplog.text


def test_a_workbook_that_unpacks_beyond_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_XLSX_BYTES", 4 * 1024 * 1024)
    path = zip_bomb_workbook(tmp_path / "bomb.xlsx", 5 * 1024 * 1024)
    assert path.stat().st_size < 100_000
    with pytest.raises(IngestError, match="bomb.xlsx : classeur de 5 Mo une fois décompressé \\(au plus 4 Mo\\)"):
        read_raw(path)


def test_a_name_without_phone_or_email_is_not_a_way_to_call_back(tmp_path, chain):
    rows = [respondent(1, **{**TO_CALL_BACK, "contact_phone": "", "contact_email": ""}),
            respondent(2, **{**TO_CALL_BACK, "contact_phone": "NSP", "contact_email": ""}),
            respondent(3, **{**TO_CALL_BACK, "contact_name": "", "contact_email": ""})]
    result = chain(write_csv(tmp_path / "callback.csv", csv_text(rows)))
    assert list(result.clean["has_contact"]) == [False, False, True]
    assert NAME not in result.ingested.to_string()


def gp_export(submitdates: list[str]) -> str:
    headers = [v.headers[0] for v in load_codebook(GPS_CODEBOOK).variables]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(headers)
    for number, submitted in enumerate(submitdates, start=1):
        row = {"id": str(number), "submitdate": submitted, "lastpage": "5", "startlanguage": "fr", "seed": "1",
               "startdate": "2023-11-02 10:01:00", "datestamp": "2023-11-02 10:15:00", "Q01": "A1", "Q05": "A1"}
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue()


def test_gp_timestamps_in_the_future_or_now_are_refused_never_read_against_the_run_s_clock(tmp_path, chain):
    path = tmp_path / "export.csv"
    path.write_text(gp_export(["2023-11-02 10:15:00", "2031-01-01 00:00:00", "now", " 2023-11-03 08:00:00 "]),
                    encoding="utf-8")
    period = {"start": "2023-10-27", "end": "2024-10-08"}
    first = chain(path, codebook=GPS_CODEBOOK, period=period)
    submitted = first.clean.set_index("response_id")["submitdate"]
    assert str(submitted["1"]) == "2023-11-02 10:15:00" and str(submitted["4"]) == "2023-11-03 08:00:00"
    assert pd.isna(submitted["2"]) and pd.isna(submitted["3"])
    assert "colonne submitdate : date hors de la période de l'enquête : « 2031-01-01 00:00:00 »" in first.log
    assert "colonne submitdate : date et heure illisibles : « now »" in first.log
    first_bytes = first.files[1].read_bytes()
    assert chain(path, codebook=GPS_CODEBOOK, period=period).files[1].read_bytes() == first_bytes
