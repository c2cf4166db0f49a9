from assistmed.clean import clean_file
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    clean_file(
        snakemake.input.raw,
        snakemake.output.clean,
        snakemake.output.rejects,
        codebook_path=snakemake.input.codebook,
        nulled=snakemake.output.get("nulled"),
        summary=snakemake.output.get("summary"),
        **{k: v for k, v in snakemake.params.items() if k != "code"},
    )
