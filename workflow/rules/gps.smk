# GP strand: the region's online survey export → clean Parquet → determinants, model, barriers.


rule ingest_gps:
    input:
        raw=lambda wc: config["regions"][wc.region]["gps"]["file"],
        codebook=config["codebooks"]["gps"],
    output:
        ingested="results/{region}/gps/ingested.parquet",
    log:
        "logs/{region}/gps/ingest.log",
    params:
        read_options=lambda wc: file_read_options(config["regions"][wc.region]["gps"]),
        code=CODE,
    script:
        "../scripts/ingest.py"


rule clean_gps:
    input:
        raw="results/{region}/gps/ingested.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        clean="results/{region}/gps/clean.parquet",
        rejects="results/{region}/gps/rejects.parquet",
    log:
        "logs/{region}/gps/clean.log",
    params:
        extra_columns=lambda wc: {"region": wc.region},
        code=CODE,
    script:
        "../scripts/clean.py"


rule analyse_gps:
    input:
        clean="results/{region}/gps/clean.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        determinants="results/{region}/gps/determinants.parquet",
        model="results/{region}/gps/model.parquet",
        barriers="results/{region}/gps/barriers.parquet",
    log:
        "logs/{region}/gps/analyse.log",
    params:
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/analyse_gps.py"
