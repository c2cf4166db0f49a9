"""The codebook is validated on load, and its errors name the file and the entry."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistmed.codebook import VALIDATED_ENV, CodebookError, load_codebook, normalize_header, validate_for_jobs
from tests.workflow.conftest import HANG_GUARD_S

PATIENTS = Path(__file__).resolve().parents[1] / "resources/codebooks/patients.yaml"


def write(tmp_path, change):
    data = yaml.safe_load(PATIENTS.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "cb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_patient_codebook_defines_the_variables_the_project_relies_on():
    cb = load_codebook(PATIENTS)
    for name in ("sex", "age_group", "diploma", "contacts", "overall_opinion", "evolution_wait",
                 "evolution_quality", "role_approval", "comment", "interview_consent"):
        assert name in cb.by_name
    assert cb.variable("diploma").ordered and cb.variable("contacts").ordered
    assert {"services", "discomfort"} <= set(cb.groups)
    assert set(cb.restricted) == {"contact_name", "contact_phone", "contact_email"}


def test_headers_match_without_accents_case_or_spacing():
    cb = load_codebook(PATIENTS)
    assert cb.header_lookup[normalize_header("  ÉVOLUTION   attente ")] == "evolution_wait"
    assert cb.header_lookup[normalize_header("n° Questionnaire")] == "questionnaire_id"


def test_a_schema_error_names_the_file_and_the_entry(tmp_path):
    path = write(tmp_path, lambda d: d["variables"][2].update(type="choice"))
    with pytest.raises(CodebookError, match=r"(?s)cb.yaml.*variables/2/type"):
        load_codebook(path)


def test_an_indicator_with_an_unknown_category_is_refused(tmp_path):
    path = write(tmp_path, lambda d: d["indicators"][1].update(success=["woman"]))
    with pytest.raises(CodebookError, match="female.*woman"):
        load_codebook(path)


def test_a_code_that_is_also_a_missing_code_is_refused(tmp_path):
    path = write(tmp_path, lambda d: d["variables"][2]["codes"][0].update(code="9"))
    with pytest.raises(CodebookError, match="both as a code and as a missing code"):
        load_codebook(path)


def test_a_column_headed_with_the_french_label_is_recognised():
    cb = load_codebook(PATIENTS)
    assert cb.header_lookup[normalize_header("Diplôme le plus élevé")] == "diploma"
    assert cb.header_lookup[normalize_header("Accepte d'être recontacté(e) pour un entretien")] == "interview_consent"


def test_a_code_followed_by_its_label_as_the_drop_down_writes_it_reads_as_the_code():
    sex = load_codebook(PATIENTS).variable("sex")
    assert [c.entry_text for c in sex.codes] == ["1 — Homme", "2 — Femme"]
    assert sex.key_for_code["1 — homme"] == sex.key_for_code["1"] == "male"


def test_what_a_cell_may_hold_is_said_in_french_from_the_codebook():
    cb = load_codebook(PATIENTS)
    assert cb.allowed_fr(cb.variable("sex")) == "1 = Homme ; 2 = Femme"
    assert cb.allowed_fr(cb.variable("return_date")) == "date jj/mm/aaaa du 01/01/2021 au 31/05/2021"
    assert cb.allowed_fr(cb.variable("distance_km")) == "nombre (virgule décimale) de 0 à 150"
    assert cb.allowed_fr(cb.variable("services_time")) == "case cochée : 1, x, oui, o, y ; case non cochée : vide, 0, non, n"
    assert cb.missing_fr(cb.variable("sex")) == "vide, NSP, NR, NA, N/A, ?, 9, 99, -"


def test_the_workflow_validates_each_codebook_once_and_jobs_skip_only_that_exact_content(tmp_path, monkeypatch):
    broken = write(tmp_path, lambda d: d["variables"][2].update(type="choice"))
    with pytest.raises(CodebookError, match=r"(?s)cb.yaml.*variables/2/type"):
        validate_for_jobs([PATIENTS, broken])
    monkeypatch.setenv(VALIDATED_ENV, validate_for_jobs([PATIENTS]))
    assert load_codebook(PATIENTS).variable("sex")
    with pytest.raises(CodebookError, match=r"(?s)cb.yaml.*variables/2/type"):
        load_codebook(broken)  # another content is still checked against the schema


def test_a_job_reading_a_validated_codebook_does_not_import_jsonschema():
    env = {**os.environ, VALIDATED_ENV: validate_for_jobs([PATIENTS])}
    code = f"import sys; from assistmed.codebook import load_codebook; load_codebook({str(PATIENTS)!r}); print('jsonschema' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=HANG_GUARD_S)
    assert out.stdout == "False\n"
