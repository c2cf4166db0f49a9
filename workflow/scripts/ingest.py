from assistmed.ingest import ingest_file
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    ingest_file(
        snakemake.input.raw,
        snakemake.output.ingested,
        codebook_path=snakemake.input.codebook,
        **snakemake.params.read_options,
    )
