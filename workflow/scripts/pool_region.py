from assistmed.log import to_log
from assistmed.patients.analyse import pool_region

with to_log(snakemake.log[0]):
    pool_region(
        **snakemake.input,
        **snakemake.output,
        region=snakemake.wildcards.region,
        distributed=snakemake.params.distributed,
        margins=snakemake.params.margins,
        settings=snakemake.params.settings,
    )
