# PDF reports (Jinja2 templates rendered by WeasyPrint): one per practice, one pooled per region and strand.


rule report_practice:
    input:
        indicators="results/{region}/patients/indicators.parquet",
        distributions="results/{region}/patients/distributions.parquet",
        associations="results/{region}/patients/practices/{practice}/associations.parquet",
        clean="results/{region}/patients/clean/{practice}.parquet",
        rejects="results/{region}/patients/rejects/{practice}.parquet",
        raw=raw_file,
        codebook=config["codebooks"]["patients"],
    output:
        pdf="results/{region}/reports/{practice}.pdf",
    log:
        "logs/{region}/reports/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region, wc.practice),
        settings=config["analysis"],
        threshold=config["reports"]["small_count_threshold"],
        code=CODE,
    script:
        "../scripts/report_practice.py"


rule report_region_patients:
    input:
        unpack(region_report_inputs),
    output:
        pdf="results/{region}/reports/{region}-patients.pdf",
    log:
        "logs/{region}/reports/{region}-patients.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region),
        settings=config["analysis"],
        threshold=config["reports"]["small_count_threshold"],
        code=CODE,
    script:
        "../scripts/report_region_patients.py"


rule report_region_gps:
    input:
        clean="results/{region}/gps/clean.parquet",
        rejects="results/{region}/gps/rejects.parquet",
        determinants="results/{region}/gps/determinants.parquet",
        model="results/{region}/gps/model.parquet",
        barriers="results/{region}/gps/barriers.parquet",
        raw=lambda wc: config["regions"][wc.region]["gps"]["file"],
        codebook=config["codebooks"]["gps"],
    output:
        pdf="results/{region}/reports/{region}-gps.pdf",
    log:
        "logs/{region}/reports/{region}-gps.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region, strand="gps"),
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/report_region_gps.py"
