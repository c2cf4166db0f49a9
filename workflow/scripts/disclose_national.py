from assistmed.disclosure.patients import disclose_national
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    disclose_national(
        **snakemake.input,
        **snakemake.output,
        regions=snakemake.params.regions,
        threshold=snakemake.params.threshold,
    )
