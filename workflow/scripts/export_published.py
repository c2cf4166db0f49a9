from assistmed.disclosure.cells import export_published
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    export_published(snakemake.input.published, snakemake.output.csv, snakemake.wildcards.figures)
