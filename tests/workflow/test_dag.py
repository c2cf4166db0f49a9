"""What reruns when an input or a setting changes (dry-runs on a private copy of a full run)."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
import yaml

from tests.workflow.conftest import planned_jobs, snakemake

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"


def edit_config(workdir, change):
    path = workdir / "config/config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def test_a_changed_practice_file_reruns_its_own_chain_and_the_pooled_steps_only(example_copy):
    practice = "vendee-b"
    raw = example_copy / f"resources/example/{REGION}/patients/{practice}.csv"
    raw.write_bytes(raw.read_bytes() + b"\r\n")
    jobs = planned_jobs(example_copy)
    per_practice = [(rule, wc) for rule, wc in jobs if rule in {"ingest_practice", "clean_practice", "analyse_practice"}]
    assert sorted(rule for rule, _ in per_practice) == ["analyse_practice", "clean_practice", "ingest_practice"]
    assert all(f"practice={practice}" in wc for _, wc in per_practice)
    rules = Counter(rule for rule, _ in jobs)
    assert rules["pool_region"] == 1
    assert not {"ingest_gps", "clean_gps", "analyse_gps", "report_region_gps"} & set(rules)


def test_a_changed_gp_export_reruns_only_the_gp_chain(example_copy):
    export = example_copy / f"resources/example/{REGION}/gps/export.csv"
    export.write_bytes(export.read_bytes() + b"\n")
    jobs = planned_jobs(example_copy)
    rules = {rule for rule, _ in jobs}
    assert rules - {"all"} == {"ingest_gps", "clean_gps", "finalise_gps", "analyse_gps", "report_region_gps", "export_table"}
    assert all("strand=gps" in wc for rule, wc in jobs if rule == "export_table")


def test_a_changed_interview_grid_reruns_the_theme_summary_and_the_pooled_report_only(example_copy):
    grid = example_copy / f"resources/example/{REGION}/interviews/grid.csv"
    grid.write_bytes(grid.read_bytes() + b"E10;vendee-a;1042;INFO;P;Un nouvel entretien\r\n")
    jobs = planned_jobs(example_copy)
    assert {rule for rule, _ in jobs} - {"all"} == {"summarise_themes", "export_table", "report_region_patients"}


def test_a_changed_selection_rule_reruns_the_selection_and_the_pooled_report_only(example_copy):
    def change(config):
        config["interviews"]["min_negative"] = 3

    edit_config(example_copy, change)
    rules = {r for r, _ in planned_jobs(example_copy)}
    assert rules - {"all"} == {"select_interviews", "count_interview_candidates", "report_region_patients"}


def test_a_touched_but_unchanged_file_reruns_nothing(example_copy):
    (example_copy / f"resources/example/{REGION}/patients/vendee-a.csv").touch()
    assert planned_jobs(example_copy) == []


def test_a_new_practice_adds_only_its_own_jobs_and_the_pooled_ones(example_copy):
    src = example_copy / f"resources/example/{REGION}/patients/vendee-a.csv"
    shutil.copy(src, src.with_name("vendee-g.csv"))

    def add(config):
        config["regions"][REGION]["patients"]["practices"]["vendee-g"] = {
            "label": "Cabinet G",
            "file": str(src.with_name("vendee-g.csv").relative_to(example_copy)),
            "distributed": 150,
        }

    edit_config(example_copy, add)
    jobs = planned_jobs(example_copy)
    for rule in ("ingest_practice", "clean_practice", "analyse_practice"):
        assert [wc for r, wc in jobs if r == rule] == [f"region={REGION}, practice=vendee-g"]


def test_an_analysis_setting_reruns_the_jobs_that_use_it(example_copy):
    def change(config):
        config["analysis"]["seed"] = 7

    edit_config(example_copy, change)
    rules = {r for r, _ in planned_jobs(example_copy)}
    assert {"analyse_practice", "pool_region"} <= rules
    assert not {"ingest_practice", "clean_practice"} & rules


def test_an_unreadable_practice_file_fails_its_job_by_name_and_the_others_complete(example_copy):
    raw = example_copy / f"resources/example/{REGION}/patients/vendee-d.csv"
    raw.write_bytes(b"\x00\x01PK garbage that is not a spreadsheet")
    shutil.rmtree(example_copy / "results")
    result = snakemake(example_copy, "--keep-going", check=False)
    assert result.returncode != 0
    log = (example_copy / f"logs/{REGION}/patients/ingest/vendee-d.log").read_text(encoding="utf-8")
    assert "vendee-d.csv" in log
    assert (example_copy / f"results/{REGION}/patients/clean/vendee-a.parquet").is_file()
    assert not (example_copy / f"results/{REGION}/patients/ingested/vendee-d.parquet").exists()
