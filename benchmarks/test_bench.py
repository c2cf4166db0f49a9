"""The benchmark's own parsing and table (outside tests/: never part of the suite's pass/fail).

    PYTHONPATH=src .venv/bin/pytest benchmarks/test_bench.py
"""

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench", Path(__file__).with_name("bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

DRY_RUN_LOG = """Building DAG of jobs...
Job stats:
job                       count
----------------------  -------
all                           1
analyse_practice              6
pool_region                   1
total                         8

rule analyse_practice:
"""

RUN_LOG = """[Wed Nov 25 01:22:13 2026]
Finished jobid: 8 (Rule: ingest_practice)
Finished jobid: 4 (Rule: ingest_practice)
Finished jobid: 2 (Rule: pool_region)
Finished jobid: 0 (Rule: all)
Job stats:
job                       count
all                           1
ingest_practice               2
pool_region                   1
total                         4
"""


def test_a_run_counts_the_jobs_that_finished_without_the_all_target():
    assert bench.count_jobs(RUN_LOG) == {"jobs": 3, "jobs_by_rule": {"ingest_practice": 2, "pool_region": 1}}


def test_a_dry_run_counts_the_planned_jobs_from_its_job_stats_without_the_all_target():
    assert bench.count_jobs(DRY_RUN_LOG) == {"jobs": 7, "jobs_by_rule": {"analyse_practice": 6, "pool_region": 1}}


def test_a_no_op_run_has_no_job():
    assert bench.count_jobs("Nothing to be done (all requested files are present and up to date).") == {
        "jobs": 0,
        "jobs_by_rule": {},
    }


def test_the_table_has_one_row_per_measured_scenario_in_order():
    row = {"wall_s": 1.25, "cpu_s": 0.5, "jobs": 0, "load_start": 1.0, "load_end": 2.0}
    result = {"practices": 1000, "label": "baseline", "scenarios": {"noop": row, "dry_run": {**row, "jobs": 7}}}
    lines = bench.render_table([result]).splitlines()
    assert lines[2] == "| 1,000 | baseline | dry-run (fresh, all jobs planned) | 1.2 | 0.5 | 7 | 1.00 → 2.00 |"
    assert lines[3].startswith("| 1,000 | baseline | no-op run | 1.2 | 0.5 | 0 |")
    assert len(lines) == 4


def test_the_rerun_bound_is_listed_after_the_rerun_it_bounds():
    row = {"wall_s": 2.0, "cpu_s": 1.0, "jobs": 3, "load_start": 1.0, "load_end": 1.0}
    result = {"practices": 100, "label": "x", "scenarios": {"rerun_one_bound": row, "rerun_one": row, "lower_bound": row}}
    scenarios = [line.split(" | ")[2] for line in bench.render_table([result]).splitlines()[2:]]
    assert scenarios == [bench.SCENARIO_LABELS[k] for k in ("rerun_one", "rerun_one_bound", "lower_bound")]


def test_the_rerun_bound_needs_the_lower_bound_it_starts_from(capsys):
    with pytest.raises(SystemExit):
        bench.main(["run", "--practices", "6", "--scenarios", "rerun_one", "rerun_one_bound"])
    assert "ask for lower_bound too" in capsys.readouterr().err
