from assistmed.log import to_log
from assistmed.patients.national import pool_national

with to_log(snakemake.log[0]):
    pool_national(
        **snakemake.input,
        **snakemake.output,
        regions=snakemake.params.regions,
        distributed=snakemake.params.distributed,
        margins=snakemake.params.margins,
        settings=snakemake.params.settings,
    )
