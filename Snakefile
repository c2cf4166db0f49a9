# assistmed — evaluation of medical assistants: survey data → validated Parquet → statistics → PDF reports.
# This file is the table of contents; each stage lives in workflow/rules/, all logic in src/assistmed/.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/patients.smk"
include: "workflow/rules/gps.smk"
include: "workflow/rules/qual.smk"
include: "workflow/rules/reports.smk"
include: "workflow/rules/national.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
