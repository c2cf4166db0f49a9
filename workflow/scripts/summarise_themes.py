from assistmed.log import to_log
from assistmed.qual.themes import summarise_themes

with to_log(snakemake.log[0]):
    summarise_themes(
        snakemake.input.grid,
        snakemake.output.themes,
        snakemake.output.rejects,
        codebook_path=snakemake.input.codebook,
        **snakemake.params.read_options,
    )
