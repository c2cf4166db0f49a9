"""What stops a run before any job: one line per problem, naming the key, the value and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from assistmed.startup import (
    StartupError,
    analysis_errors,
    check_config,
    validated_codebooks,
    check_inputs,
    input_files,
    load_schema,
    meaning_errors,
    output_dir,
    scheduler_sample,
    schema_errors,
    yaml_file_errors,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = "workflow/schemas/config.schema.yaml"
SCHEMA = load_schema(ROOT / SCHEMA_PATH)
PRACTICE = "regions.pays-de-la-loire.patients.practices.vendee-b"


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))


def practice(config, name="vendee-b"):
    return config["regions"]["pays-de-la-loire"]["patients"]["practices"][name]


def test_a_misspelt_key_is_one_line_with_the_key_path_and_the_allowed_keys(config):
    practice(config)["distribued"] = practice(config).pop("distributed")
    lines = schema_errors(config, SCHEMA)
    assert lines == [
        f"config {PRACTICE} : clé inconnue / unknown key « distribued » ; clés permises / allowed keys : "
        "delimiter, distributed, encoding, file, format, label, margins, reconciled, second_entry, sheet",
        f"config {PRACTICE} : clé manquante / missing key « distributed »",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["analysis"].update(p_adjust="sidak"), "« sidak » non permis / not allowed ; valeurs permises / allowed : holm, bonferroni, fdr_bh, simes-hochberg"),
        (lambda c: practice(c).update(distributed="240"), "« 240 » — attendu / expected : nombre entier / integer"),
        (lambda c: practice(c).update(distributed=0), "0 — doit être / must be ≥ 1"),
        (lambda c: c["analysis"].update(confidence=1.5), "1.5 — doit être / must be < 1"),
        (lambda c: c["regions"].update({"Pays Basque": c["regions"]["pays-de-la-loire"]}), "identifiant « Pays Basque » non permis"),
    ],
    ids=["enum", "type", "minimum", "exclusive-maximum", "id-pattern"],
)
def test_each_kind_of_schema_error_reads_as_one_sentence(config, change, expected):
    change(config)
    lines = schema_errors(config, SCHEMA) + analysis_errors(config)
    assert len(lines) == 1
    assert expected in lines[0]
    assert "\n" not in lines[0]


def test_the_shipped_configurations_have_no_problem():
    for path in [ROOT / "config/config.yaml", *sorted((ROOT / "config/examples").glob("*.yaml"))]:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert yaml_file_errors(path) == []
        assert schema_errors(config, SCHEMA) + analysis_errors(config) == []
        check_inputs(config, SCHEMA_PATH, root=ROOT)


def test_analysis_settings_are_checked_against_the_packages_schema_one_line_each(config):
    config["analysis"]["confidance"] = 0.9
    config["analysis"]["weights"] = "raked"
    assert analysis_errors(config) == [
        "config analysis : clé inconnue / unknown key « confidance » ; clés permises / allowed keys : confidence, "
        "firth_events_per_parameter, fisher_mc_tables, min_events_per_variable, min_expected, model_covariates, "
        "p_adjust, seed, weights",
        "config analysis.weights : « raked » non permis / not allowed ; valeurs permises / allowed : none, "
        "return_rate, calibrated",
    ]
    with pytest.raises(StartupError, match="confidance"):
        check_config(config, [], SCHEMA_PATH, ROOT)


def test_a_key_given_twice_in_the_yaml_file_is_refused_with_its_lines(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "regions:\n  r:\n    patients:\n      practices:\n        a: {file: a.csv, distributed: 3}\n"
        "        a: {file: b.csv, distributed: 4}\n",
        encoding="utf-8",
    )
    (line,) = yaml_file_errors(path)
    assert line.startswith(f"{path}, ligne 6 / line 6 : clé « a » donnée deux fois (lignes 5 et 6)")


def test_a_key_given_twice_stops_the_run_before_the_schema_is_checked(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("output_dir: a\noutput_dir: b\n", encoding="utf-8")
    with pytest.raises(StartupError) as stop:
        check_config({"output_dir": "b"}, [path], ROOT / SCHEMA_PATH)
    assert str(stop.value).count("\n") == 0
    assert "« output_dir » donnée deux fois" in str(stop.value)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            {"start": "2021-02-30", "end": "2021-05-31"},
            "period.start : « 2021-02-30 » n'est pas une date AAAA-MM-JJ / is not a YYYY-MM-DD date",
        ),
        ({"start": "2021-06-01", "end": "2021-05-31"}, "period : début après la fin / start after end (2021-06-01 > 2021-05-31)"),
    ],
)
def test_an_impossible_period_is_refused_at_start_up(config, period, expected):
    config["regions"]["pays-de-la-loire"]["patients"]["period"] = period
    assert meaning_errors(config, ROOT) == [f"config regions.pays-de-la-loire.patients.{expected}"]


@pytest.mark.parametrize("region", ["national", "logs"])
def test_region_ids_that_name_output_folders_are_reserved(config, region):
    config["regions"][region] = config["regions"].pop("pays-de-la-loire")
    (line,) = meaning_errors(config, ROOT)
    assert f"config regions.{region} : « {region} » est réservé" in line


def test_a_practice_id_repeated_across_regions_or_equal_to_a_region_is_refused(config):
    region = copy.deepcopy(config["regions"]["pays-de-la-loire"])
    region["patients"]["practices"] = {"vendee-a": practice(config, "vendee-a"), "pays-de-la-loire": practice(config)}
    config["regions"]["bretagne"] = region
    assert meaning_errors(config, ROOT) == [
        "config regions.bretagne.patients.practices.vendee-a : identifiant déjà pris dans / id already used in "
        "regions.pays-de-la-loire",
        "config regions.bretagne.patients.practices.pays-de-la-loire : même identifiant qu'une région / same id as "
        "a region",
    ]


@pytest.mark.parametrize("folder", [".", "", "..", "resources", "resources/out", "config", "workflow/x", "data"])
def test_the_output_folder_cannot_be_the_project_or_one_of_its_folders(config, folder, tmp_path):
    config["output_dir"] = folder
    lines = meaning_errors(config, tmp_path)
    assert len(lines) == 1 and lines[0].startswith("config output_dir :")


@pytest.mark.parametrize("folder", ["results", "results-two-regions", "out/2024"])
def test_an_output_folder_of_its_own_is_accepted(config, folder, tmp_path):
    config["output_dir"] = folder
    assert meaning_errors(config, tmp_path) == []


def test_every_input_file_the_schema_marks_is_found_in_config_order(config):
    keys = [key for key, _ in input_files(config, SCHEMA)]
    assert keys == [
        "codebooks.patients",
        "codebooks.gps",
        "codebooks.interviews",
        *(f"regions.pays-de-la-loire.patients.practices.vendee-{p}.file" for p in "abcdef"),
        "regions.pays-de-la-loire.patients.practices.vendee-f.second_entry",
        "regions.pays-de-la-loire.gps.file",
        "regions.pays-de-la-loire.interviews.grid",
    ]


def test_missing_empty_and_folder_inputs_are_listed_one_line_each_with_key_and_path(config, tmp_path):
    for name in ("codebooks", "example"):
        (tmp_path / name).mkdir()
    for key in ("patients", "gps", "interviews"):
        (tmp_path / config["codebooks"][key]).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / config["codebooks"][key]).write_text("x", encoding="utf-8")
    for p in "abcdef":
        path = tmp_path / practice(config, f"vendee-{p}")["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (tmp_path / practice(config, "vendee-f")["second_entry"]).write_text("x", encoding="utf-8")
    practice(config, "vendee-c")["file"] = "resources/example/pays-de-la-loire/patients/VENDEE-A.csv"
    (tmp_path / practice(config, "vendee-d")["file"]).write_bytes(b"")
    region = config["regions"]["pays-de-la-loire"]
    region["gps"]["file"] = "resources"
    region["interviews"]["grid"] = "nowhere/grid.csv"
    with pytest.raises(StartupError) as stop:
        check_inputs(config, ROOT / SCHEMA_PATH, root=tmp_path)
    key = "config regions.pays-de-la-loire"
    assert str(stop.value).splitlines() == [
        f"{key}.patients.practices.vendee-c.file : resources/example/pays-de-la-loire/patients/VENDEE-A.csv — "
        "fichier introuvable / file not found (voulez-vous dire / did you mean vendee-a.csv ?)",
        f"{key}.patients.practices.vendee-d.file : resources/example/pays-de-la-loire/patients/vendee-d.csv — "
        "fichier vide / empty file",
        f"{key}.gps.file : resources — n'est pas un fichier / not a file",
        f"{key}.interviews.grid : nowhere/grid.csv — fichier introuvable / file not found",
    ]


def test_the_output_folder_defaults_to_the_schema_default(config):
    assert output_dir({}, ROOT / SCHEMA_PATH) == SCHEMA["properties"]["output_dir"]["default"] == "results"
    assert output_dir({"output_dir": "elsewhere"}, ROOT / SCHEMA_PATH) == "elsewhere"


def test_a_wrong_codebook_stops_the_run_with_one_line_naming_the_config_key(config, tmp_path):
    broken = tmp_path / "patients.yaml"
    broken.write_text("title_fr: x\nvariables: [\n", encoding="utf-8")
    config["codebooks"]["patients"] = str(broken)
    with pytest.raises(StartupError) as stop:
        validated_codebooks(config, root=ROOT)
    (line,) = str(stop.value).splitlines()
    assert line.startswith(f"config codebooks.patients : {broken}: not valid YAML")


def test_the_shipped_codebooks_are_validated_once_for_the_jobs(config):
    assert len(validated_codebooks(config, root=ROOT).split()) == 3


@pytest.mark.parametrize(
    ("cores", "jobs", "sample"),
    [(2, None, 20), (4, 4, 20), (16, None, 32), (None, 100, 200), (1, 1, 20), (None, None, 20)],
)
def test_the_scheduler_weighs_twice_the_jobs_that_can_run_at_once_and_at_least_twenty(cores, jobs, sample):
    assert scheduler_sample(cores, jobs) == sample
