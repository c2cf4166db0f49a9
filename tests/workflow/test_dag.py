"""What reruns when an input or a setting changes (dry-runs on a private copy of a full run); the config
changes a user makes most (a file, a path, a practice added, renamed or removed) are in test_config_changes."""

from __future__ import annotations

import re
import shutil

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


def test_a_changed_gp_export_reruns_only_the_gp_chain(example_copy):
    export = example_copy / f"resources/example/{REGION}/gps/export.csv"
    export.write_bytes(export.read_bytes() + b"\n")
    jobs = planned_jobs(example_copy)
    rules = {rule for rule, _ in jobs}
    assert rules - {"all"} == {
        "ingest_gps", "clean_gps", "finalise_gps", "analyse_gps", "describe_gps", "disclose_gps", "report_region_gps",
        "export_published",
    }
    assert all("strand=gps" in wc for rule, wc in jobs if rule == "export_published")


def test_a_changed_interview_grid_reruns_the_theme_summary_and_the_pooled_report_only(example_copy):
    grid = example_copy / f"resources/example/{REGION}/interviews/grid.csv"
    grid.write_bytes(grid.read_bytes() + b"E10;vendee-a;1042;INFO;P;Un nouvel entretien\r\n")
    jobs = planned_jobs(example_copy)
    assert {rule for rule, _ in jobs} - {"all"} == {
        "summarise_themes", "interview_flow", "export_table", "report_region_patients"
    }


def test_a_changed_selection_rule_reruns_the_selection_and_the_pooled_report_only(example_copy):
    def change(config):
        config["interviews"]["min_negative"] = 3

    edit_config(example_copy, change)
    rules = {r for r, _ in planned_jobs(example_copy)}
    assert rules - {"all"} == {
        "select_interviews", "count_interview_candidates", "disclose_selection", "interview_flow",
        "report_region_patients",
    }


def test_a_touched_but_unchanged_file_reruns_nothing(example_copy):
    (example_copy / f"resources/example/{REGION}/patients/vendee-a.csv").touch()
    assert planned_jobs(example_copy) == []


def test_an_analysis_setting_reruns_the_jobs_that_use_it(example_copy):
    """Ingest, clean and analyse are one job per practice (process_practice): the setting reruns it whole, and
    with it what reads its rewritten (same bytes) clean tables — a price measured against two interpreter
    start-ups per practice on every data change (benchmarks/RESULTS.md); the GP strand's files are not
    read again."""

    def change(config):
        config["analysis"]["seed"] = 7

    edit_config(example_copy, change)
    rules = {r for r, _ in planned_jobs(example_copy)}
    assert {"process_practice", "pool_region"} <= rules
    assert not {"ingest_gps", "clean_gps"} & rules


def test_an_unreadable_practice_file_fails_its_job_by_name_and_the_others_complete(example_copy):
    raw = example_copy / f"resources/example/{REGION}/patients/vendee-d.csv"
    raw.write_bytes(b"\x00\x01PK garbage that is not a spreadsheet")
    # Another practice's job to run beside the failing one (the rest of the full run is up to date).
    other = example_copy / f"results/{REGION}/patients/clean/vendee-a.parquet"
    other.unlink()
    result = snakemake(example_copy, "--keep-going", check=False)
    assert result.returncode != 0
    log = (example_copy / f"results/logs/{REGION}/patients/ingest/vendee-d.log").read_text(encoding="utf-8")
    assert "vendee-d.csv" in log
    assert other.is_file()
    assert not (example_copy / f"results/{REGION}/patients/ingested/vendee-d.parquet").exists()


def test_a_changed_second_entry_reruns_the_comparison_the_quality_workbook_and_the_reports_only(example_copy):
    raw = example_copy / f"resources/example/{REGION}/patients/vendee-f-saisie2.csv"
    raw.write_bytes(raw.read_bytes() + b"\r\n")
    jobs = planned_jobs(example_copy)
    # the practice reports' job is the chunk that holds vendee-f: the example's six practices are one chunk
    chunk = "report_practices_pays_de_la_loire_1"
    workbooks = "quality_workbooks_pays_de_la_loire_1"  # the quality workbooks' job, chunked the same way
    assert {rule for rule, _ in jobs} - {"all"} == {
        "ingest_second_entry", "compare_entries", workbooks, chunk, "report_region_patients"
    }
    assert all("practice=vendee-f" in wc for rule, wc in jobs if rule not in {"all", chunk, workbooks, "report_region_patients"})


def test_a_reconciled_file_replaces_the_first_entry_in_the_analyses_and_the_comparison_still_reads_both(example_copy):
    patients = example_copy / f"resources/example/{REGION}/patients"
    shutil.copy(patients / "vendee-f.csv", patients / "vendee-f-reconciled.csv")

    def reconcile(config):
        config["regions"][REGION]["patients"]["practices"]["vendee-f"]["reconciled"] = (
            f"resources/example/{REGION}/patients/vendee-f-reconciled.csv"
        )

    edit_config(example_copy, reconcile)
    jobs = planned_jobs(example_copy)
    assert {"process_practice", "ingest_first_entry", "compare_entries"} <= {
        rule for rule, wc in jobs if "practice=vendee-f" in wc
    }
    dry_run = snakemake(example_copy, "-n")
    printed = dry_run.stdout + dry_run.stderr
    assert re.search(r"rule process_practice:\n\s+input: [^\n]*vendee-f-reconciled\.csv", printed)
    assert re.search(r"rule ingest_first_entry:\n\s+input: [^\n]*vendee-f\.csv", printed)


def test_the_scheduler_weighs_a_sample_of_the_ready_jobs_and_local_jobs_have_no_rate_limit(example_copy):
    # --cores 2: twice the jobs that can run at once is 4, so the floor of 20 (assistmed.startup.scheduler_sample).
    one_job = ("--verbose", "--forcerun", "export_dictionary", "--until", "export_dictionary")
    run = snakemake(example_copy, *one_job)
    assert "Scheduler sample: 20 ready jobs weighed per round" in run.stdout + run.stderr
    assert "Scheduler: no rate limit on local jobs" in run.stdout + run.stderr
    told = snakemake(example_copy, "--scheduler-subsample", "5", *one_job)
    assert "Scheduler sample" not in told.stdout + told.stderr
