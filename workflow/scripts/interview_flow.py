from assistmed.log import to_log
from assistmed.qual.flow import write_interview_flow

with to_log(snakemake.log[0]):
    write_interview_flow(**snakemake.input, flow=snakemake.output.flow, recorded=snakemake.params.recorded)
