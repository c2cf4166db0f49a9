"""The hostile corpus through the real workflow, in one run (issues #15 and #12).

One project copy holds three regions: the example region with hostile rows appended to one practice's
file (the other practices must come out byte-identical to the example run), a region of legitimate but
unusual practices that must all get their reports, and a region of files that must each stop their own
job with a one-line message. ``snakemake --keep-going`` runs it all; then every output outside
``restricted/``, every log (``results/logs/``) and Snakemake's own folder are searched for the planted
identifiers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.hostile.corpus import (
    HEADERS,
    OTHER_SURNAME,
    PLANTED,
    TO_CALL_BACK,
    csv_line,
    csv_text,
    hostile_rows,
    respondent,
    respondents,
    row_cells,
    two_sheet_workbook,
    unbalanced_quote_text,
    write_csv,
    zip_bomb_workbook,
)
from tests.workflow.conftest import copy_project, snakemake

pytestmark = pytest.mark.workflow

EXAMPLE = "pays-de-la-loire"
APPENDED = "vendee-a"
UNUSUAL, FAILING = "inhabituels", "echecs"
MATH_LABEL = "Cabinet « 5$ et 10$ » $x^2$"
# Practice → the sentence its failed job must print (and nothing else from Python).
FAILURES = {
    "entete-seule": "aucune ligne de données ne suit",
    "sans-avis": "colonne absente : Avis global sur la présence de l'assistante",
    "trop-rendus": f"questionnaires conservés pour 5 distribués selon la config (regions.{FAILING}.patients.practices"
                   ".trop-rendus.distributed)",
    "deux-feuilles": "des questionnaires semblent continuer sur d'autres feuilles (« Suite »)",
    "adresse": "« Adresse postale » semble contenir des coordonnées (adresse postale)",
    "bombe": "une fois décompressé (au plus 64 Mo)",
}


def _example_lines(path) -> int:
    return len(path.read_bytes().decode("cp1252").splitlines()) - 1


def _gp_export_with_bad_timestamps(source, target) -> None:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    submitted = [i for i, row in enumerate(rows[1:], start=1) if row[1]]
    rows[submitted[0]][1], rows[submitted[1]][1] = "2031-01-01 00:00:00", "now"
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")


def _practice(file, distributed, label=None, **options):
    return {"file": str(file), "distributed": distributed, **({"label": label} if label else {}), **options}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    data = project / "resources/hostile"
    config = yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
    example = config["regions"][EXAMPLE]

    appended = project / example["patients"]["practices"][APPENDED]["file"]
    lines, _ = hostile_rows(first=9001)
    with appended.open("ab") as stream:
        stream.write("".join(line + "\r\n" for line in lines).encode("cp1252"))
    grid = project / example["interviews"]["grid"]
    with grid.open("ab") as stream:
        stream.write(
            f"E90;vendee-a;1001;TEMPS;P;Le Dr {OTHER_SURNAME} m'a rappelée au {TO_CALL_BACK['contact_phone']}\r\n"
            f"E91;vendee-a;1002;{TO_CALL_BACK['contact_email']};P;rien\r\n".encode()
        )

    gps = data / "gps.csv"
    data.mkdir(parents=True)
    _gp_export_with_bad_timestamps(project / example["gps"]["file"], gps)
    mixed = data / "quote-and-encodings.csv"
    mixed.write_bytes(
        unbalanced_quote_text(before=9, after=43).encode("cp1252")
        + (csv_line(row_cells(respondent(60, comment="Très bien, à côté"), list(HEADERS))) + "\r\n").encode()
    )
    contacts = {"contact_name": "Prénom et nom", "contact_phone": "Portable", "contact_email": "Adresse e-mail"}
    unusual = {
        "tout-favorable": _practice(write_csv(data / "fav.csv", csv_text(respondents(10))), 30, MATH_LABEL),
        "coordonnees": _practice(
            write_csv(data / "contacts.csv", csv_text([*respondents(8), respondent(9, **TO_CALL_BACK),
                                                       respondent(10, **TO_CALL_BACK)], headers=contacts)), 40
        ),
        "guillemet": _practice(mixed, 80),
        "un-seul": _practice(write_csv(data / "single.csv", csv_text(respondents(1))), 5),
        "item-vide": _practice(write_csv(data / "empty-item.csv", csv_text(respondents(12, evolution_quality="NSP"))), 30),
    }
    failing = {
        "entete-seule": _practice(write_csv(data / "header.csv", csv_text([])), 10),
        "sans-avis": _practice(
            write_csv(data / "no-opinion.csv", csv_text(respondents(6), columns=[c for c in HEADERS if c != "overall_opinion"])),
            10,
        ),
        "trop-rendus": _practice(write_csv(data / "too-many.csv", csv_text(respondents(10))), 5),
        "deux-feuilles": _practice(two_sheet_workbook(data / "two-sheets.xlsx", 6, 5), 20),
        "adresse": _practice(
            write_csv(data / "address.csv", csv_text([respondent(1, address=f"3 rue {OTHER_SURNAME}")],
                                                     columns=[*HEADERS, "address"], headers={"address": "Adresse postale"})),
            10,
        ),
        "bombe": _practice(zip_bomb_workbook(data / "bomb.xlsx", 70 * 1024 * 1024), 10),
    }
    for spec in [*unusual.values(), *failing.values()]:
        spec["file"] = str(Path(spec["file"]).relative_to(project))
    config["regions"][UNUSUAL] = {
        "label": "Cas inhabituels",
        "patients": {"period": example["patients"]["period"], "practices": unusual},
        "gps": {"period": example["gps"]["period"], "file": str(gps.relative_to(project))},
    }
    config["regions"][FAILING] = {"label": "Échecs attendus", "patients": {"practices": failing}}
    (project / "config/config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = snakemake(project, "--keep-going", check=False)
    return project, result


def test_each_broken_file_stops_its_own_job_with_one_sentence_and_no_traceback(hostile_run):
    project, result = hostile_run
    terminal = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback (most recent call last)" not in terminal
    for practice, sentence in FAILURES.items():
        assert sentence in terminal, practice
        log = (project / f"results/logs/{FAILING}/patients").rglob(f"{practice}.log")
        assert any("Traceback" in path.read_text(encoding="utf-8") for path in log), practice


def test_every_report_of_the_example_and_of_the_unusual_practices_is_built(hostile_run):
    project, _ = hostile_run
    config = yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
    for region in (EXAMPLE, UNUSUAL):
        reports = project / "results" / region / "reports"
        names = [*config["regions"][region]["patients"]["practices"], f"{region}-patients", f"{region}-gps"]
        assert [n for n in names if not (reports / f"{n}.pdf").is_file()] == []
    text = "".join(page.extract_text() for page in PdfReader(project / f"results/{UNUSUAL}/reports/tout-favorable.pdf").pages)
    assert "5$ et 10$" in text and "$x^2$" in text


def test_the_appended_hostile_rows_are_quarantined_and_every_line_is_accounted_for(hostile_run, example_run):
    project, _ = hostile_run
    config = yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
    patients = project / "results" / EXAMPLE / "patients"
    clean = pd.read_parquet(patients / f"clean/{APPENDED}.parquet")
    rejects = pd.read_parquet(patients / f"rejects/{APPENDED}.parquet")
    before = pd.read_parquet(example_run / "results" / EXAMPLE / "patients" / f"rejects/{APPENDED}.parquet")
    raw = project / config["regions"][EXAMPLE]["patients"]["practices"][APPENDED]["file"]
    assert len(clean) + len(rejects) == _example_lines(raw)
    _, expected = hostile_rows(first=9001)
    new = rejects[~rejects["source_row"].isin(before["source_row"])].reset_index(drop=True)
    assert len(new) == len(expected)
    assert all(reason in got for reason, got in zip(expected.values(), new["reason"]))


def test_the_other_practices_outputs_are_byte_identical_to_the_example_run(hostile_run, example_run):
    project, _ = hostile_run
    config = yaml.safe_load((project / "config/config.yaml").read_text(encoding="utf-8"))
    others = [p for p in config["regions"][EXAMPLE]["patients"]["practices"] if p != APPENDED]
    changed = []
    for practice in others:
        for relative in (f"ingested/{practice}.parquet", f"clean/{practice}.parquet", f"rejects/{practice}.parquet",
                         *(f"practices/{practice}/{t}.parquet" for t in ("indicators", "distributions", "associations"))):
            ours, theirs = (p / "results" / EXAMPLE / "patients" / relative for p in (project, example_run))
            if ours.read_bytes() != theirs.read_bytes():
                changed.append(relative)
    assert changed == []


def test_the_unbalanced_quote_file_keeps_its_43_questionnaires_and_the_mixed_encoding_row(hostile_run):
    project, _ = hostile_run
    patients = project / "results" / UNUSUAL / "patients"
    clean = pd.read_parquet(patients / "clean/guillemet.parquet")
    rejects = pd.read_parquet(patients / "rejects/guillemet.parquet")
    assert (len(clean), len(rejects)) == (53, 1)  # 54 text lines below the header = 53 kept + 1 rejected
    assert clean.set_index("questionnaire_id").loc["60", "comment"] == "Très bien, à côté"


def test_contact_columns_under_other_headers_still_give_interview_candidates(hostile_run):
    project, _ = hostile_run
    selection = pd.read_parquet(project / f"results/{UNUSUAL}/qual/selection.parquet").set_index("practice")
    assert selection.loc["coordonnees", "n_selected"] == 2
    candidates = (project / f"results/{UNUSUAL}/restricted/interview_candidates.csv").read_text(encoding="utf-8-sig")
    assert TO_CALL_BACK["contact_phone"] in candidates


def test_gp_timestamps_that_would_read_the_clock_are_left_missing(hostile_run):
    project, _ = hostile_run
    log = (project / f"results/logs/{UNUSUAL}/gps/clean.log").read_text(encoding="utf-8")
    assert "date hors de la période de l'enquête : « 2031-01-01 00:00:00 »" in log
    assert "date et heure illisibles : « now »" in log
    clean = pd.read_parquet(project / f"results/{UNUSUAL}/gps/clean.parquet")
    assert clean["submitdate"].max() <= pd.Timestamp("2024-10-09")


def _readable(path) -> str:
    """A file's text as a reader would see it (Parquet, PDF and .xlsx are compressed: read them, not grep)."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv()
    if path.suffix == ".pdf":
        return "".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        return "\n".join(str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    return path.read_bytes().decode("utf-8", errors="replace") + path.read_bytes().decode("cp1252", errors="replace")


def test_no_planted_identifier_is_found_outside_restricted_in_results_logs_or_snakemake_s_folder(hostile_run):
    project, _ = hostile_run
    places = [*(project / "results").rglob("*"), *(project / ".snakemake").rglob("*")]  # logs: results/logs/
    leaks = {}
    for path in places:
        if not path.is_file() or "restricted" in path.relative_to(project).parts:
            continue
        text = _readable(path).casefold()
        found = [value for value in PLANTED if value.casefold() in text]
        if found:
            leaks[str(path.relative_to(project))] = found
    assert leaks == {}
