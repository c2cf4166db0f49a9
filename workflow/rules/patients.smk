# Patient strand: one practice's spreadsheet → ingested text → clean Parquet → per-practice analysis, in one
# job per practice (three interpreter start-ups cost more than the three steps); then the region's pooled analysis.


rule process_practice:
    input:
        raw=raw_file,
        codebook=config["codebooks"]["patients"],
    output:
        ingested="<results>/{region}/patients/ingested/{practice}.parquet",
        clean="<results>/{region}/patients/clean/{practice}.parquet",
        rejects="<results>/{region}/patients/rejects/{practice}.parquet",
        nulled="<results>/{region}/patients/nulled/{practice}.parquet",
        summary="<results>/{region}/patients/quality/{practice}.parquet",
        indicators="<results>/{region}/patients/practices/{practice}/indicators.parquet",
        distributions="<results>/{region}/patients/practices/{practice}/distributions.parquet",
        associations="<results>/{region}/patients/practices/{practice}/associations.parquet",
    log:
        ingest="<logs>/{region}/patients/ingest/{practice}.log",
        clean="<logs>/{region}/patients/clean/{practice}.log",
        analyse="<logs>/{region}/patients/analyse/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        read_options=read_options,
        clean_options=lambda wc: {
            "extra_columns": {"region": wc.region, "practice": wc.practice},
            "period": config["regions"][wc.region]["patients"].get("period"),
            "distributed_key": f"regions.{wc.region}.patients.practices.{wc.practice}.distributed",
            "source": raw_file(wc),
        },
        distributed=lambda wc: _practice(wc)["distributed"],
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/process_practice.py"


rule pool_region:
    input:
        clean=lambda wc: clean_files(wc.region),
        practice_indicators=lambda wc: practice_outputs(wc.region, "indicators"),
        practice_distributions=lambda wc: practice_outputs(wc.region, "distributions"),
        practice_associations=lambda wc: practice_outputs(wc.region, "associations"),
        codebook=config["codebooks"]["patients"],
    output:
        indicators="<results>/{region}/patients/indicators.parquet",
        distributions="<results>/{region}/patients/distributions.parquet",
        associations="<results>/{region}/patients/associations.parquet",
        funnel="<results>/{region}/patients/funnel.parquet",
        weights="<results>/{region}/patients/weights.parquet",
    log:
        "<logs>/{region}/patients/pool.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        distributed=lambda wc: distributed(wc.region),
        margins=lambda wc: calibration_margins([wc.region]),
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/pool_region.py"


rule describe_region:
    input:
        clean=lambda wc: clean_files(wc.region),
        indicators="<results>/{region}/patients/indicators.parquet",
    output:
        period="<results>/{region}/patients/period.parquet",
        comments="<results>/{region}/patients/comments.parquet",
        comparisons="<results>/{region}/patients/comparisons.parquet",
    log:
        "<logs>/{region}/patients/describe.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        practices=lambda wc: practices(wc.region),
        confidence=config["analysis"]["confidence"],
        code=CODE,
    script:
        "../scripts/describe_region.py"
