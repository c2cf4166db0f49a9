from assistmed.gps.describe import describe_gps
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    describe_gps(
        **snakemake.input,
        **snakemake.output,
        region=snakemake.wildcards.region,
        settings=snakemake.params.settings,
    )
