from assistmed.io import parquet_to_spreadsheet_csv
from assistmed.log import to_log

with to_log(snakemake.log[0]):
    parquet_to_spreadsheet_csv(snakemake.input.table, snakemake.output.csv)
