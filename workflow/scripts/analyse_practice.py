from assistmed.log import to_log
from assistmed.patients.analyse import analyse_practice

with to_log(snakemake.log[0]):
    analyse_practice(
        snakemake.input.clean,
        **snakemake.output,
        codebook=snakemake.input.codebook,
        practice=snakemake.wildcards.practice,
        distributed=snakemake.params.distributed,
        settings=snakemake.params.settings,
    )
