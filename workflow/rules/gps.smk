# GP strand: the region's online survey export → clean Parquet → determinants, model, barriers.


rule ingest_gps:
    input:
        raw=lambda wc: config["regions"][wc.region]["gps"]["file"],
        codebook=config["codebooks"]["gps"],
    output:
        ingested="<results>/{region}/gps/ingested.parquet",
    log:
        "<logs>/{region}/gps/ingest.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        read_options=lambda wc: file_read_options(config["regions"][wc.region]["gps"]),
        code=CODE,
    script:
        "../scripts/ingest.py"


rule clean_gps:
    input:
        raw="<results>/{region}/gps/ingested.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        # The generic cleaning step; finalise_gps adds whether each response is complete.
        clean="<results>/{region}/gps/typed.parquet",
        rejects="<results>/{region}/gps/rejects.parquet",
    log:
        "<logs>/{region}/gps/clean.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        extra_columns=lambda wc: {"region": wc.region},
        period=lambda wc: config["regions"][wc.region]["gps"].get("period"),
        source=lambda wc: config["regions"][wc.region]["gps"]["file"],
        code=CODE,
    script:
        "../scripts/clean.py"


rule finalise_gps:
    input:
        typed="<results>/{region}/gps/typed.parquet",
    output:
        clean="<results>/{region}/gps/clean.parquet",
    log:
        "<logs>/{region}/gps/finalise.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        code=CODE,
    script:
        "../scripts/finalise_gps.py"


rule analyse_gps:
    input:
        clean="<results>/{region}/gps/clean.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        determinants="<results>/{region}/gps/determinants.parquet",
        model="<results>/{region}/gps/model.parquet",
        barriers="<results>/{region}/gps/barriers.parquet",
    log:
        "<logs>/{region}/gps/analyse.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/analyse_gps.py"


rule describe_gps:
    input:
        clean="<results>/{region}/gps/clean.parquet",
        rejects="<results>/{region}/gps/rejects.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        summary="<results>/{region}/gps/respondents.parquet",
        indicators="<results>/{region}/gps/indicators.parquet",
        distributions="<results>/{region}/gps/distributions.parquet",
        texts="<results>/{region}/gps/texts.parquet",
    log:
        "<logs>/{region}/gps/describe.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/describe_gps.py"
