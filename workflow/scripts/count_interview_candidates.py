from assistmed.log import to_log
from assistmed.qual.selection import write_selection_summary

with to_log(snakemake.log[0]):
    write_selection_summary(
        snakemake.input.clean,
        snakemake.output.selection,
        codebook_path=snakemake.input.codebook,
        rule=snakemake.params.rule,
        practices=snakemake.params.practices,
    )
