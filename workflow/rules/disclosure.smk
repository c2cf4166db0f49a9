# Small-count protection: what the reports and the CSV tables may print, decided jointly for every output of
# a region and proved by the LP audit (the job fails, writing nothing, if a hidden figure stays recoverable).


rule disclose_region:
    input:
        distributions="<results>/{region}/patients/distributions.parquet",
        indicators="<results>/{region}/patients/indicators.parquet",
        codebook=config["codebooks"]["patients"],
    output:
        published="<results>/{region}/disclosure/patients.parquet",
        audit="<results>/{region}/disclosure/patients-audit.parquet",
    log:
        "<logs>/{region}/disclosure/patients.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        practices=lambda wc: practices(wc.region),
        threshold=config["reports"]["small_count_threshold"],
        code=CODE,
    script:
        "../scripts/disclose_region.py"


rule disclose_selection:
    input:
        selection="<results>/{region}/qual/selection.parquet",
    output:
        published="<results>/{region}/disclosure/selection.parquet",
        audit="<results>/{region}/disclosure/selection-audit.parquet",
    log:
        "<logs>/{region}/disclosure/selection.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        practices=lambda wc: practices(wc.region),
        threshold=config["reports"]["small_count_threshold"],
        code=CODE,
    script:
        "../scripts/disclose_selection.py"


rule disclose_gps:
    input:
        clean="<results>/{region}/gps/clean.parquet",
        determinants="<results>/{region}/gps/determinants.parquet",
        barriers="<results>/{region}/gps/barriers.parquet",
        indicators="<results>/{region}/gps/indicators.parquet",
        codebook=config["codebooks"]["gps"],
    output:
        published="<results>/{region}/disclosure/gps.parquet",
        audit="<results>/{region}/disclosure/gps-audit.parquet",
    log:
        "<logs>/{region}/disclosure/gps.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        threshold=gps_threshold(),
        code=CODE,
    script:
        "../scripts/disclose_gps.py"


rule export_published:
    input:
        published="<results>/{region}/disclosure/{strand}.parquet",
    output:
        csv=report(
            "<results>/{region}/tables/{strand}-{figures}.csv",
            caption="../report/published_table.rst",
            category="Tableaux",
            subcategory="{region}",
            labels={"Volet": "{strand}", "Tableau": "{figures}"},
        ),
    log:
        "<logs>/{region}/tables/{strand}-{figures}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        code=CODE,
    script:
        "../scripts/export_published.py"
