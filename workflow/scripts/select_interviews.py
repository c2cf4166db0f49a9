from assistmed.log import to_log
from assistmed.qual.selection import write_candidates

with to_log(snakemake.log[0]):
    write_candidates(
        snakemake.input.clean,
        snakemake.params.raw_files,
        snakemake.output.candidates,
        codebook_path=snakemake.input.codebook,
        rule=snakemake.params.rule,
        practice_labels=snakemake.params.practice_labels,
    )
