from assistmed.log import to_log
from assistmed.template import write_entry_workbook

with to_log(snakemake.log[0]):
    write_entry_workbook(snakemake.input.codebook, snakemake.output.xlsx, label=snakemake.params.label)
