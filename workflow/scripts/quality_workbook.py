from assistmed.log import to_log
from assistmed.reports.quality import write_quality_workbook

with to_log(snakemake.log[0]):
    write_quality_workbook(
        **snakemake.input,
        xlsx=snakemake.output.xlsx,
        label=snakemake.params.label,
        source=snakemake.params.source,
    )
