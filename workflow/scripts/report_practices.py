from assistmed.log import to_log
from assistmed.reports.patients import render_practice_reports

with to_log(snakemake.log[0]):
    render_practice_reports(
        **snakemake.input,
        pdf=snakemake.output.pdf,
        **snakemake.params,
        processes=snakemake.threads,
    )
