# Helpers that read the configuration and build paths; no rule lives here.
# Outputs are written `<results>/…` and logs `<logs>/…`: Snakemake pathvars that the Snakefile sets from the
# configuration's `output_dir`, so that every configuration has a folder of its own.
import hashlib
import json
import os
import re
from pathlib import Path

import assistmed
from assistmed.codebook import VALIDATED_ENV
from assistmed.manifest import Produced, write_manifest
from assistmed.reports.batch import chunks
from assistmed.startup import scheduler_sample, validated_codebooks
from snakemake.logging import logger

REGIONS = list(config["regions"])
# With several regions, the national scope pools them all and compares them (<results>/national/).
POOL_NATIONALLY = len(REGIONS) > 1


def practice_specs(region):
    """Practice id → its entry in the configuration, in config order."""
    return config["regions"][region]["patients"]["practices"]


def practices(region):
    """Practice ids of a region, in config order."""
    return list(practice_specs(region))


def practice_spec(region, practice):
    """A practice's entry in the configuration."""
    return practice_specs(region)[practice]


def _practice(wildcards):
    return practice_spec(wildcards.region, wildcards.practice)


def _all_practices():
    """Every practice id (unique across regions and distinct from region ids: checked at start-up)."""
    return [p for region in REGIONS for p in practices(region)]


def _package_fingerprint():
    """Digest of the installed assistmed package's code and templates.

    Passed to every rule as a param, so that a change to the package reruns the jobs it may affect
    (Snakemake notices a changed param, but not an edited module imported by a script).
    """
    root = Path(assistmed.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".j2", ".css", ".json", ".yaml"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{assistmed.__version__}+{digest.hexdigest()[:16]}"


CODE = _package_fingerprint()

# Every codebook is validated once, here: a wrong one stops the run before any job starts, and the jobs, which
# inherit this environment, read these exact contents without the JSON-schema check (see assistmed.codebook).
os.environ[VALIDATED_ENV] = validated_codebooks(config)


# Result tables copied to CSV for `snakemake --report`: config section of a region → (results folder, tables).
REPORT_TABLES = {
    "patients": ("patients", ["associations", "comments"]),
    "interviews": ("qual", ["themes"]),
}
# Counts copied to CSV from the published table (small counts protected): section → (strand, figures).
PUBLISHED_TABLES = {
    "patients": ("patients", ["indicators", "distributions"]),
    "gps": ("gps", ["determinants", "barriers"]),
}


wildcard_constraints:
    region="|".join(re.escape(r) for r in REGIONS),
    practice="|".join(re.escape(p) for p in _all_practices()),
    strand="|".join(
        dict.fromkeys(
            folder
            for folder, _ in (*REPORT_TABLES.values(), *PUBLISHED_TABLES.values())
        )
    ),
    table="|".join(t for _, tables in REPORT_TABLES.values() for t in tables),
    figures="|".join(f for _, names in PUBLISHED_TABLES.values() for f in names),


def analysed_file(spec):
    """The entry a practice's analyses read: its reconciled file when the config names one, else its file."""
    return spec.get("reconciled", spec["file"])


def raw_file(wildcards):
    return analysed_file(_practice(wildcards))


def first_entry(wildcards):
    return _practice(wildcards)["file"]


def first_entry_ingested(wildcards):
    """The first entry as ingested: the analysed table itself unless a reconciled file replaced it."""
    folder = "first_entry" if "reconciled" in _practice(wildcards) else "ingested"
    return (
        f"<results>/{wildcards.region}/patients/{folder}/{wildcards.practice}.parquet"
    )


def second_entry(wildcards):
    return _practice(wildcards)["second_entry"]


def double_entered(region):
    """Practices of a region that have a second entry, in config order."""
    return [p for p in practices(region) if "second_entry" in practice_spec(region, p)]


def quality_workbooks_rule(region, number):
    """Name of the rule that writes chunk ``number`` (from 1) of a region's quality workbooks."""
    return f"quality_workbooks_{region.replace('-', '_')}_{number}"


def quality_workbooks_inputs(region, chunk):
    """What a chunk's quality workbooks format: each practice's clean-step tables, in the chunk's order, and
    the double-entry comparison of the practices of the chunk typed twice."""
    tables = {
        name: [f"<results>/{region}/patients/{folder}/{p}.parquet" for p in chunk]
        for name, folder in (
            ("ingested", "ingested"),
            ("rejects", "rejects"),
            ("nulled", "nulled"),
            ("summary", "quality"),
        )
    }
    typed_twice = [p for p in double_entered(region) if p in chunk]
    for table in ("agreement", "differences", "unmatched"):
        tables[table] = [double_entry_tables(region, p)[table] for p in typed_twice]
    return {**tables, "codebook": config["codebooks"]["patients"]}


def double_entry_tables(region, practice):
    return {
        table: f"<results>/{region}/patients/double_entry/{practice}/{table}.parquet"
        for table in ("agreement", "differences", "unmatched")
    }


def file_read_options(spec):
    """Format, encoding, delimiter and sheet of an input file, where config declares them."""
    return {
        k: v
        for k, v in spec.items()
        if k in ("format", "encoding", "delimiter", "sheet")
    }


def read_options(wildcards):
    return file_read_options(_practice(wildcards))


def raw_read_options(region):
    """Practice id → its raw file and read options, for the steps that go back to raw files."""
    return {
        p: {"path": analysed_file(spec), **file_read_options(spec)}
        for p, spec in practice_specs(region).items()
    }


def raw_files(region):
    """Practice id → [raw file, read options], as the interview selection reads them."""
    return {
        p: [analysed_file(spec), file_read_options(spec)]
        for p, spec in practice_specs(region).items()
    }


def clean_files(region):
    """Every practice's clean Parquet of a region, in config order."""
    return expand(
        "<results>/{region}/patients/clean/{practice}.parquet",
        region=region,
        practice=practices(region),
    )


def practice_labels(region):
    """Practice id → its name in reports (the id when the config gives none)."""
    return {p: practice_label(region, p) for p in practices(region)}


def practice_label(region, practice):
    """A practice's name in reports (its id when the config gives none)."""
    return practice_spec(region, practice).get("label", practice)


def distributed(region):
    """Questionnaires handed out, per practice of a region."""
    return {p: spec["distributed"] for p, spec in practice_specs(region).items()}


def calibration_margins(regions):
    """Practice id → the margins of its patient list, when analysis.weights is calibrated (otherwise none,
    so that editing margins reruns nothing)."""
    if config["analysis"]["weights"] != "calibrated":
        return {}
    return {
        p: spec.get("margins", {})
        for region in regions
        for p, spec in practice_specs(region).items()
    }


def practice_outputs(region, name):
    return expand(
        "<results>/{region}/patients/practices/{practice}/{name}.parquet",
        region=region,
        practice=practices(region),
        name=name,
    )


def region_has(region, strand):
    return strand in config["regions"][region]


def selects_interviews():
    """Whether the config has an interview selection rule (qualitative strand)."""
    return "interviews" in config


def report_tables(region):
    """CSV copies of a region's main result tables, shown in `snakemake --report`."""
    return [
        f"<results>/{region}/tables/{folder}-{table}.csv"
        for section, (folder, tables) in (
            *REPORT_TABLES.items(),
            *PUBLISHED_TABLES.items(),
        )
        if region_has(region, section)
        for table in tables
    ]


def all_outputs():
    targets = []
    for region in REGIONS:
        targets += report_tables(region)
        targets += expand(
            "<results>/{region}/patients/{kind}/{practice}.parquet",
            region=region,
            kind=["clean", "rejects"],
            practice=practices(region),
        )
        targets += expand(
            "<results>/{region}/quality/{practice}.xlsx",
            region=region,
            practice=practices(region),
        )
        targets.append(f"<results>/{region}/datapackage.json")
        targets += expand(
            "<results>/{region}/patients/{table}.parquet",
            region=region,
            table=["indicators", "distributions", "associations", "funnel", "weights"],
        )
        targets += expand(
            "<results>/{region}/reports/{name}.pdf",
            region=region,
            name=practices(region) + [f"{region}-patients"],
        )
        if selects_interviews():
            targets += [
                f"<results>/{region}/restricted/interview_candidates.csv",
                f"<results>/{region}/qual/selection.parquet",
            ]
        if region_has(region, "interviews"):
            targets.append(f"<results>/{region}/qual/themes.parquet")
        if region_has(region, "gps"):
            targets += expand(
                "<results>/{region}/gps/{table}.parquet",
                region=region,
                table=["clean", "rejects", "determinants", "model", "barriers"],
            )
            targets.append(f"<results>/{region}/reports/{region}-gps.pdf")
    if POOL_NATIONALLY:
        targets += national_outputs()
    targets.append("<results>/dictionnaire-des-variables.xlsx")
    return targets


def report_meta(region, practice=None, strand="patients"):
    """What a report's cover and headers say about the study and its scope.

    Only the patient reports get practice labels, and a practice report its own label only: with every
    practice's labels, each of N reports would carry N labels (N² at DAG time) and renaming one practice
    would rerun every practice report (or, for the GP report, adding a practice would rerun it).
    """
    spec = config["regions"][region]
    meta = {
        "study_title": config["study"]["title"],
        "author": config["study"]["author"],
        "synthetic": config["study"]["synthetic"],
        "region": region,
        "region_label": spec["label"],
        "period": spec[strand].get("period"),
    }
    if strand == "patients":
        meta["practice_labels"] = (
            practice_labels(region)
            if practice is None
            else {practice: practice_label(region, practice)}
        )
    if practice is not None:
        meta["practice"] = practice
    return meta


def practice_chunks(region):
    """The region's practices in config order, cut into chunks of reports.practices_per_job (one job of
    practice reports and one of quality workbooks each): a practice's chunk moves only when a practice before
    it is added or removed.
    """
    return chunks(practices(region), config["reports"]["practices_per_job"])


def practice_reports_threads(chunk):
    """Processes of a chunk's job: two (one for a chunk of one practice). Measured on 2 cores: a second
    process renders the example's six reports in about 70 % of the wall time for a few % more CPU, and adds
    about 130 MB. More chunks than cores run side by side; on a cluster a job asks 2 CPUs, not one per
    practice (a job asking more CPUs than a node has waits forever)."""
    return min(len(chunk), 2)


def practice_reports_rule(region, number):
    """Name of the rule that renders chunk ``number`` (from 1) of a region's practice reports."""
    return f"report_practices_{region.replace('-', '_')}_{number}"


def practice_reports_inputs(region, chunk):
    """Inputs of a chunk's practice reports: the region's tables, then each practice's own files, in the
    chunk's order (the double-entry agreement tables of the practices typed twice only).
    """
    return {
        "published": f"<results>/{region}/disclosure/patients.parquet",
        "comparisons": f"<results>/{region}/patients/comparisons.parquet",
        "comments": f"<results>/{region}/patients/comments.parquet",
        "period": f"<results>/{region}/patients/period.parquet",
        "codebook": config["codebooks"]["patients"],
        "associations": [
            f"<results>/{region}/patients/practices/{p}/associations.parquet"
            for p in chunk
        ],
        "quality": [f"<results>/{region}/patients/quality/{p}.parquet" for p in chunk],
        "raw": [analysed_file(practice_spec(region, p)) for p in chunk],
        "agreement": [
            double_entry_tables(region, p)["agreement"]
            for p in double_entered(region)
            if p in chunk
        ],
    }


def region_report_inputs(wildcards):
    """Inputs of the pooled patient report: the region's tables and every practice's files."""
    region = wildcards.region
    inputs = {
        "published": f"<results>/{region}/disclosure/patients.parquet",
        "indicators": f"<results>/{region}/patients/indicators.parquet",
        "funnel": f"<results>/{region}/patients/funnel.parquet",
        "associations": f"<results>/{region}/patients/associations.parquet",
        "comparisons": f"<results>/{region}/patients/comparisons.parquet",
        "comments": f"<results>/{region}/patients/comments.parquet",
        "period": f"<results>/{region}/patients/period.parquet",
        "quality": expand(
            "<results>/{region}/patients/quality/{practice}.parquet",
            region=region,
            practice=practices(region),
        ),
        "raw": [spec["path"] for spec in raw_read_options(region).values()],
        "codebook": config["codebooks"]["patients"],
        "agreement": [
            double_entry_tables(region, p)["agreement"] for p in double_entered(region)
        ],
    }
    if selects_interviews():
        inputs["selection"] = f"<results>/{region}/disclosure/selection.parquet"
        inputs["flow"] = f"<results>/{region}/qual/flow.parquet"
    if region_has(region, "interviews"):
        inputs["themes"] = f"<results>/{region}/qual/themes.parquet"
        inputs["interviews_codebook"] = config["codebooks"]["interviews"]
    return inputs


def interview_flow_inputs(wildcards):
    """The selection, and the coded themes when the region has an interview grid."""
    inputs = {"selection": f"<results>/{wildcards.region}/qual/selection.parquet"}
    if region_has(wildcards.region, "interviews"):
        inputs["themes"] = f"<results>/{wildcards.region}/qual/themes.parquet"
    return inputs


# Settings of how the jobs run, not of what a document says: left out of the reports' configuration digest.
RUN_SETTINGS = {"reports": {"practices_per_job"}}


def _printed(section):
    """A top-level config section without its run settings."""
    value = config.get(section)
    if section in RUN_SETTINGS and isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in RUN_SETTINGS[section]}
    return value


def config_digest(*sections, region=None, practice=None, strand=None):
    """SHA-256 of the configuration a report was made with: the top-level ``sections`` it reads and its
    scope (a practice's entry, one strand of a region, a region's patient and interview parts, or every
    region when ``region`` is None); a change elsewhere leaves the report as it is."""
    used = {key: _printed(key) for key in sections}
    if region is None:
        used["regions"] = config["regions"]
    else:
        spec = config["regions"][region]
        if practice is not None:
            scope = {
                "label": spec["label"],
                "practice": practice_spec(region, practice),
            }
            scope["period"] = spec["patients"].get("period")
        elif strand is not None:
            scope = {"label": spec["label"], strand: spec[strand]}
        else:
            scope = {key: value for key, value in spec.items() if key != "gps"}
        used["regions"] = {region: scope}
    text = json.dumps(used, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def gps_threshold():
    """Small-count threshold of the GP survey's outputs (its cells are GPs): the patients' unless set."""
    reports = config["reports"]
    return reports.get("gps_small_count_threshold", reports["small_count_threshold"])


def national_outputs():
    return [
        "<results>/national/patients/indicators.parquet",
        "<results>/national/patients/associations.parquet",
        "<results>/national/reports/national.pdf",
    ]


def national_inputs(wildcards):
    """Every practice's clean table and each region's pooled tables, in config order."""
    return {
        "clean": [path for region in REGIONS for path in clean_files(region)],
        "region_indicators": expand(
            "<results>/{region}/patients/indicators.parquet", region=REGIONS
        ),
        "region_associations": expand(
            "<results>/{region}/patients/associations.parquet", region=REGIONS
        ),
        "codebook": config["codebooks"]["patients"],
    }


def national_report_inputs(wildcards):
    """The national tables (figures as published), each region's published GP table when it has a GP
    survey, and every raw input."""
    gp_regions = [r for r in REGIONS if region_has(r, "gps")]
    return {
        "published": "<results>/national/disclosure/patients.parquet",
        "indicators": "<results>/national/patients/indicators.parquet",
        "associations": "<results>/national/patients/associations.parquet",
        "comparisons": "<results>/national/patients/comparisons.parquet",
        "period": "<results>/national/patients/period.parquet",
        "gp_published": expand(
            "<results>/{region}/disclosure/gps.parquet", region=gp_regions
        ),
        "raw": [
            spec["path"]
            for region in REGIONS
            for spec in raw_read_options(region).values()
        ]
        + [config["regions"][r]["gps"]["file"] for r in gp_regions],
        "codebook": config["codebooks"]["patients"],
        "gp_codebook": config["codebooks"]["gps"],
    }


def national_report_meta():
    """The national report's cover: the study, every region's label, the span of their periods."""
    periods = [
        spec["patients"]["period"]
        for spec in config["regions"].values()
        if spec["patients"].get("period")
    ]
    return {
        "study_title": config["study"]["title"],
        "author": config["study"]["author"],
        "synthetic": config["study"]["synthetic"],
        "region_labels": {r: config["regions"][r]["label"] for r in REGIONS},
        "practices": {r: len(practices(r)) for r in REGIONS},
        "period": (
            {
                "start": min(p["start"] for p in periods),
                "end": max(p["end"] for p in periods),
            }
            if periods
            else None
        ),
    }


def record_manifest():
    """After a successful run of the whole workflow (rule all), list what this configuration produces in
    <output_dir>/MANIFEST.csv; a run of some targets only leaves the last full manifest as it was.
    """
    jobs = list(workflow.dag.jobs)
    if not any(job.rule.name == "all" for job in jobs):
        return
    produced = [
        Produced(str(path), job.rule.name, kind, tuple(str(f) for f in job.input))
        for job in jobs
        for kind, files in (("output", job.output), ("log", job.log))
        for path in files
    ]
    write_manifest(produced, config["output_dir"])


def lighten_scheduling():
    """Keep Snakemake's scheduler from weighing every ready job again and again.

    Its scheduler weighs a sample of the ready jobs at each round (assistmed.startup.scheduler_sample),
    unless `--scheduler-subsample` (command line or profile) sets how many. Snakemake reads that setting
    before it parses the Snakefile, so it is set here on the scheduler itself, which `onstart` runs after.
    On this machine, jobs are started without a submission rate limit (a cluster keeps its own): with one,
    the scheduler wakes every second to weigh the ready jobs again, not only when a job ends.
    """
    scheduler = workflow.scheduler
    if workflow.scheduling_settings.subsample is None:
        sample = scheduler_sample(
            workflow.resource_settings.cores, workflow.resource_settings.nodes
        )
        scheduler.subsample = sample
        logger.debug(f"Scheduler sample: {sample} ready jobs weighed per round")
    if workflow.local_exec:
        scheduler.job_rate_limiter = None
        logger.debug("Scheduler: no rate limit on local jobs")
