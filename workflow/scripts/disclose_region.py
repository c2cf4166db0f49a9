from assistmed.disclosure.patients import disclose_region
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    disclose_region(
        **snakemake.input,
        **snakemake.output,
        region=snakemake.wildcards.region,
        practices=snakemake.params.practices,
        threshold=snakemake.params.threshold,
    )
