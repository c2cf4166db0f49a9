from assistmed.patients.chain import process_practice

process_practice(
    snakemake.input.raw,
    codebook=snakemake.input.codebook,
    **snakemake.output,
    logs=dict(snakemake.log.items()),
    practice=snakemake.wildcards.practice,
    distributed=snakemake.params.distributed,
    settings=snakemake.params.settings,
    read_options=snakemake.params.read_options,
    clean_options=snakemake.params.clean_options,
)
