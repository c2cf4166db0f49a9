"""The codebook is validated on load, and its errors name the file and the entry."""

from pathlib import Path

import pytest
import yaml

from assistmed.codebook import CodebookError, load_codebook, normalize_header

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
