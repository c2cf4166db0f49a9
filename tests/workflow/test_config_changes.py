"""A run you can trust after every config change: the exact jobs each change reruns, inputs checked before
any job, one output folder per configuration, and nothing stale mistaken for current."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.manifest import MANIFEST, stale_files
from tests.workflow.conftest import TWO_REGIONS, TWO_REGIONS_OUTPUT, file_states, planned_jobs, snakemake

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"
PRACTICES = [f"vendee-{p}" for p in "abcdef"]


def edit_config(workdir, change):
    path = workdir / "config/config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def practice_spec(config, practice):
    return config["regions"][REGION]["patients"]["practices"][practice]


def job(rule, **wildcards):
    return (rule, ", ".join(f"{k}={v}" for k, v in wildcards.items()))


# The practice reports are rendered by chunks of reports.practices_per_job practices (default 20), one job
# per chunk: the example's six practices are one job, rule report_practices_<region>_1.
PRACTICE_REPORTS = "report_practices_pays_de_la_loire_{}"
# The quality workbooks, by chunks of the same size: the example's six are one job too.
QUALITY_WORKBOOKS = "quality_workbooks_pays_de_la_loire_{}"


def pooled_jobs(practices):
    """What any change to the region's patient data reruns besides the changed practice's own chain: the
    pooled analysis and the region's descriptive tables, the interview selection and its flow, the small-count
    decisions of the region's figures and of the selection, every practice report (they print the region's
    figures: the example's single chunk of them), the regional report, the CSV copies of the pooled tables and
    the Data Package of the clean tables."""
    return [
        job("pool_region", region=REGION),
        job("describe_region", region=REGION),
        job("describe_clean_tables", region=REGION),
        job("count_interview_candidates", region=REGION),
        job("interview_flow", region=REGION),
        job("select_interviews", region=REGION),
        job("disclose_region", region=REGION),
        job("disclose_selection", region=REGION),
        job(PRACTICE_REPORTS.format(1)),
        job("report_region_patients", region=REGION),
        job("export_published", region=REGION, strand="patients", figures="indicators"),
        job("export_published", region=REGION, strand="patients", figures="distributions"),
        job("export_table", region=REGION, strand="patients", table="associations"),
        job("export_table", region=REGION, strand="patients", table="comments"),
        job("all"),
    ]


def own_chain(practice, chunk=1):
    """The practice's own job, and the quality workbooks of its chunk (the example's six: chunk 1)."""
    return [job("process_practice", region=REGION, practice=practice), job(QUALITY_WORKBOOKS.format(chunk))]


def test_a_changed_practice_file_reruns_exactly_its_chain_and_the_pooled_jobs(example_copy):
    raw = example_copy / f"resources/example/{REGION}/patients/vendee-b.csv"
    raw.write_bytes(raw.read_bytes() + b"\r\n")
    assert sorted(planned_jobs(example_copy)) == sorted(own_chain("vendee-b") + pooled_jobs(PRACTICES))


def test_a_changed_path_reruns_exactly_the_jobs_that_read_the_file(example_copy):
    old = example_copy / f"resources/example/{REGION}/patients/vendee-b.csv"
    new = example_copy / "data/vendee-b-v2.csv"
    new.parent.mkdir()
    shutil.copy(old, new)
    edit_config(example_copy, lambda c: practice_spec(c, "vendee-b").update(file="data/vendee-b-v2.csv"))
    assert sorted(planned_jobs(example_copy)) == sorted(own_chain("vendee-b") + pooled_jobs(PRACTICES))


def test_a_path_to_a_missing_file_stops_the_run_before_any_job_even_with_outputs_present(example_copy):
    edit_config(example_copy, lambda c: practice_spec(c, "vendee-b").update(file="data/vendee-B.csv"))
    before = file_states(example_copy / "results")
    for args in (("-n",), ()):
        result = snakemake(example_copy, *args, check=False)
        assert result.returncode != 0
        message = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("config ")]
        assert message == [
            f"config regions.{REGION}.patients.practices.vendee-b.file : data/vendee-B.csv — fichier introuvable / "
            "file not found"
        ]
    assert file_states(example_copy / "results") == before


def test_a_config_typo_prints_at_most_three_lines(example_copy):
    edit_config(example_copy, lambda c: practice_spec(c, "vendee-b").update(distribued=240))
    result = snakemake(example_copy, check=False)
    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) <= 3, lines
    assert "clé inconnue / unknown key « distribued »" in lines[-1]


def test_a_new_practice_adds_exactly_its_own_chain_and_the_pooled_jobs(example_copy):
    src = example_copy / f"resources/example/{REGION}/patients/vendee-a.csv"
    shutil.copy(src, src.with_name("vendee-g.csv"))

    def add(config):
        config["regions"][REGION]["patients"]["practices"]["vendee-g"] = {
            "label": "Cabinet G",
            "file": f"resources/example/{REGION}/patients/vendee-g.csv",
            "distributed": 150,
        }

    edit_config(example_copy, add)
    assert sorted(planned_jobs(example_copy)) == sorted(own_chain("vendee-g") + pooled_jobs([*PRACTICES, "vendee-g"]))


def test_a_renamed_practice_label_reruns_exactly_the_documents_that_print_it(example_copy):
    edit_config(example_copy, lambda c: practice_spec(c, "vendee-b").update(label="Maison de santé B"))
    assert sorted(planned_jobs(example_copy)) == sorted(
        [
            # its report, rendered by its chunk's job: here the six reports of the example, one chunk
            job(PRACTICE_REPORTS.format(1)),
            job(QUALITY_WORKBOOKS.format(1)),
            job("report_region_patients", region=REGION),
            job("select_interviews", region=REGION),
            job("describe_clean_tables", region=REGION),
            job("all"),
        ]
    )


def test_smaller_chunks_rerun_only_the_chunk_of_a_renamed_practice(example_copy):
    """With two practices per job, the example's reports are three jobs, and its quality workbooks three more;
    changing the chunk size reruns those only (what each job makes changed, not what a document says); then a
    renamed practice reruns its chunk — its report and its chunk-mate's — and no other practice report."""
    edit_config(example_copy, lambda c: c["reports"].update(practices_per_job=2))
    assert sorted(planned_jobs(example_copy)) == sorted(
        [job(rule.format(n)) for rule in (PRACTICE_REPORTS, QUALITY_WORKBOOKS) for n in (1, 2, 3)] + [job("all")]
    )
    before = file_states(example_copy / "results" / REGION / "reports")
    snakemake(example_copy)
    after = file_states(example_copy / "results" / REGION / "reports")
    assert {name: state[0] for name, state in after.items()} == {name: state[0] for name, state in before.items()}
    edit_config(example_copy, lambda c: practice_spec(c, "vendee-d").update(label="Maison de santé D"))
    assert sorted(planned_jobs(example_copy)) == sorted(
        [
            job(PRACTICE_REPORTS.format(2)),  # vendee-c and vendee-d
            job(QUALITY_WORKBOOKS.format(2)),  # vendee-c and vendee-d
            job("report_region_patients", region=REGION),
            job("select_interviews", region=REGION),
            job("describe_clean_tables", region=REGION),
            job("all"),
        ]
    )


def test_a_removed_practice_leaves_only_stale_files_that_nothing_current_uses(example_copy):
    edit_config(example_copy, lambda c: c["regions"][REGION]["patients"]["practices"].pop("vendee-f"))
    # the pooled jobs, and the quality workbooks of the chunk that lost the practice (the others' same bytes)
    expected = pooled_jobs(PRACTICES[:-1]) + [job(QUALITY_WORKBOOKS.format(1))]
    assert sorted(planned_jobs(example_copy)) == sorted(expected)
    snakemake(example_copy)
    results = example_copy / "results"
    stale = sorted(p.relative_to(results).as_posix() for p in stale_files(results))
    assert stale == sorted(
        [
            f"{REGION}/patients/{kind}/vendee-f.parquet"
            for kind in ("ingested", "clean", "rejects", "nulled", "quality", "second_entry")
        ]
        + [f"{REGION}/patients/practices/vendee-f/{t}.parquet" for t in ("indicators", "distributions", "associations")]
        + [f"{REGION}/patients/double_entry/vendee-f/{t}.parquet" for t in ("agreement", "differences", "unmatched")]
        + [f"{REGION}/reports/vendee-f.pdf", f"{REGION}/quality/vendee-f.xlsx"]
        + [
            f"logs/{REGION}/patients/{step}/vendee-f.log"
            for step in ("ingest", "clean", "analyse", "ingest_second_entry", "double_entry")
        ]
    )
    manifest = pd.read_csv(results / MANIFEST)
    assert not manifest["path"].str.contains("vendee-f").any()
    pdf = PdfReader(results / f"{REGION}/reports/{REGION}-patients.pdf")
    assert "Cabinet F" not in "\n".join(page.extract_text() for page in pdf.pages)
    snakemake(example_copy, "--report", "report.html")
    assert "vendee-f.pdf" not in (example_copy / "report.html").read_text(encoding="utf-8")


def test_two_configurations_run_in_turn_leave_each_other_untouched(configs_in_turn):
    workdir = configs_in_turn.workdir
    assert file_states(workdir / "results") == configs_in_turn.default_before
    assert planned_jobs(workdir) == []
    assert planned_jobs(workdir, *TWO_REGIONS) == []
    for folder in ("results", TWO_REGIONS_OUTPUT):
        manifest = pd.read_csv(workdir / folder / MANIFEST)
        assert all((workdir / folder / path).is_file() for path in manifest["path"])
        assert stale_files(workdir / folder) == []
    assert (workdir / TWO_REGIONS_OUTPUT / "national/reports/national.pdf").is_file()
    assert not (workdir / "results/national").exists() and not (workdir / "logs").exists()


def test_the_manifest_lists_every_file_of_the_output_folder_with_its_rule(example_run):
    manifest = pd.read_csv(example_run / "results" / MANIFEST)
    assert stale_files(example_run / "results") == []
    rules = manifest.set_index("path")["rule"]
    assert rules[f"{REGION}/reports/vendee-a.pdf"] == PRACTICE_REPORTS.format(1)
    assert rules[f"logs/{REGION}/patients/clean/vendee-a.log"] == "process_practice"
    assert manifest["input_digest"].str.fullmatch(r"[0-9a-f]{64}").all()
