from assistmed.log import to_log
from assistmed.reports.quality import write_quality_workbooks

with to_log(snakemake.log[0]):
    write_quality_workbooks(
        **snakemake.input,
        xlsx=snakemake.output.xlsx,
        practices=snakemake.params.practices,
        double_entered=snakemake.params.double_entered,
        labels=snakemake.params.labels,
        sources=snakemake.params.sources,
    )
