from assistmed.gps.limesurvey import finalise_clean
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    finalise_clean(snakemake.input.typed, snakemake.output.clean)
