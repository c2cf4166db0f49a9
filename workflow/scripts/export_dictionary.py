from assistmed.dictionary import write_dictionary
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    write_dictionary(snakemake.input.codebooks, snakemake.output.xlsx)
