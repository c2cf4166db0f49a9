from assistmed.dictionary import write_data_package
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    write_data_package(
        snakemake.input.clean,
        snakemake.input.codebook,
        snakemake.output.datapackage,
        region=snakemake.wildcards.region,
        title=snakemake.params.title,
        practice_labels=snakemake.params.practice_labels,
    )
