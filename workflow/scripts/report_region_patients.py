from assistmed.log import to_log
from assistmed.reports.patients import render_region_patients_report

with to_log(snakemake.log[0]):
    render_region_patients_report(
        **snakemake.input,
        **snakemake.output,
        meta=snakemake.params.meta,
        settings=snakemake.params.settings,
        interviews=snakemake.params.interviews,
        code=snakemake.params.code,
        config_digest=snakemake.params.config_digest,
    )
