from assistmed.disclosure.gps import disclose_gps
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    disclose_gps(**snakemake.input, **snakemake.output, threshold=snakemake.params.threshold)
