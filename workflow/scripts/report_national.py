from assistmed.log import to_log
from assistmed.reports.national import render_national_report

with to_log(snakemake.log[0]):
    render_national_report(
        **snakemake.input,
        pdf=snakemake.output.pdf,
        meta=snakemake.params.meta,
        settings=snakemake.params.settings,
        gp_regions=snakemake.params.gp_regions,
        code=snakemake.params.code,
        config_digest=snakemake.params.config_digest,
    )
