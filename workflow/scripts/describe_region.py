from assistmed.log import to_log
from assistmed.patients.describe import describe_region

with to_log(snakemake.log[0]):
    describe_region(
        snakemake.input.clean,
        snakemake.input.indicators,
        **snakemake.output,
        region=snakemake.wildcards.region,
        practices=snakemake.params.practices,
        confidence=snakemake.params.confidence,
    )
