from assistmed.log import to_log
from assistmed.reports.patients import render_practice_report

with to_log(snakemake.log[0]):
    render_practice_report(
        **snakemake.input,
        pdf=snakemake.output.pdf,
        meta=snakemake.params.meta,
        settings=snakemake.params.settings,
        code=snakemake.params.code,
        config_digest=snakemake.params.config_digest,
    )
