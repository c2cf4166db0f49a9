from assistmed.log import to_log
from assistmed.patients import NATIONAL
from assistmed.patients.describe import describe_national

with to_log(snakemake.log[0]):
    describe_national(
        **snakemake.input,
        **snakemake.output,
        regions=snakemake.params.regions,
        pool=NATIONAL,
        confidence=snakemake.params.confidence,
    )
