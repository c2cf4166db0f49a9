# assistmed — evaluation of medical assistants: survey data → validated Parquet → statistics → PDF reports.
# This file is the table of contents; each stage lives in workflow/rules/, all logic in src/assistmed/.
from snakemake.utils import min_version, validate

from assistmed.settings import schema_path as analysis_schema
from assistmed.startup import check_config, check_inputs

min_version("9.0")

SCHEMA = "workflow/schemas/config.schema.yaml"


configfile: "config/config.yaml"


# A wrong key or value, or an input file that cannot be read, stops the run here with one line each.
check_config(config, workflow.configfiles, SCHEMA)
validate(config, SCHEMA)
# The analysis settings' schema, with their defaults, belongs to the package (assistmed.settings reads them).
validate(config["analysis"], analysis_schema())
check_inputs(config, SCHEMA)


# Every output and log of this configuration lives under its own folder (config `output_dir`).
pathvars:
    results=config["output_dir"],
    logs=f"{config['output_dir']}/logs",


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/patients.smk"
include: "workflow/rules/gps.smk"
include: "workflow/rules/qual.smk"
include: "workflow/rules/disclosure.smk"
include: "workflow/rules/reports.smk"
include: "workflow/rules/national.smk"
include: "workflow/rules/entry.smk"


onstart:
    lighten_scheduling()


onsuccess:
    record_manifest()


rule all:
    default_target: True
    input:
        all_outputs(),
