from assistmed.double_entry import compare_entry_files
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    compare_entry_files(**snakemake.input, **snakemake.output, extra_columns=snakemake.params.extra_columns)
