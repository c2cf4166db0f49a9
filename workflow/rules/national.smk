# National scope (only with several regions): every practice of every region pooled, regions compared,
# and the national report.


rule pool_national:
    input:
        unpack(national_inputs),
    output:
        indicators="<results>/national/patients/indicators.parquet",
        associations="<results>/national/patients/associations.parquet",
    log:
        "<logs>/national/patients/pool.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        regions=REGIONS,
        distributed={p: n for r in REGIONS for p, n in distributed(r).items()},
        margins=calibration_margins(REGIONS),
        settings=config["analysis"],
        code=CODE,
    script:
        "../scripts/pool_national.py"


rule disclose_national:
    input:
        distributions=expand(
            "<results>/{region}/patients/distributions.parquet", region=REGIONS
        ),
        indicators=expand(
            "<results>/{region}/patients/indicators.parquet", region=REGIONS
        ),
        published_regions=expand(
            "<results>/{region}/disclosure/patients.parquet", region=REGIONS
        ),
        national="<results>/national/patients/indicators.parquet",
        codebook=config["codebooks"]["patients"],
    output:
        published="<results>/national/disclosure/patients.parquet",
        audit="<results>/national/disclosure/patients-audit.parquet",
    log:
        "<logs>/national/disclosure/patients.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        regions={region: practices(region) for region in REGIONS},
        threshold=config["reports"]["small_count_threshold"],
        code=CODE,
    script:
        "../scripts/disclose_national.py"


rule report_national:
    input:
        unpack(national_report_inputs),
    output:
        pdf=report(
            "<results>/national/reports/national.pdf",
            caption="../report/national_pdf.rst",
            category="Rapports PDF",
            subcategory="national",
            labels={"Rapport": "national", "Cabinet": "tous"},
        ),
    log:
        "<logs>/national/reports/national.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=national_report_meta(),
        settings=config["analysis"],
        gp_regions=[r for r in REGIONS if region_has(r, "gps")],
        code=CODE,
        config_digest=config_digest(
            "study", "codebooks", "analysis", "reports", "interviews"
        ),
    script:
        "../scripts/report_national.py"


rule describe_national:
    input:
        indicators="<results>/national/patients/indicators.parquet",
        region_periods=expand(
            "<results>/{region}/patients/period.parquet", region=REGIONS
        ),
    output:
        period="<results>/national/patients/period.parquet",
        comparisons="<results>/national/patients/comparisons.parquet",
    log:
        "<logs>/national/patients/describe.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        regions=REGIONS,
        confidence=config["analysis"]["confidence"],
        code=CODE,
    script:
        "../scripts/describe_national.py"
