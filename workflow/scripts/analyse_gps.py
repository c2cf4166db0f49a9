from assistmed.gps.analyse import analyse_gps
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    analyse_gps(
        snakemake.input.clean,
        **snakemake.output,
        codebook_path=snakemake.input.codebook,
        settings=snakemake.params.settings,
    )
