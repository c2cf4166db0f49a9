# PDF reports (Jinja2 templates rendered by WeasyPrint): one per practice, one pooled per region and strand.


rule report_practice:
    input:
        published="<results>/{region}/disclosure/patients.parquet",
        associations="<results>/{region}/patients/practices/{practice}/associations.parquet",
        comparisons="<results>/{region}/patients/comparisons.parquet",
        comments="<results>/{region}/patients/comments.parquet",
        period="<results>/{region}/patients/period.parquet",
        quality="<results>/{region}/patients/quality/{practice}.parquet",
        raw=raw_file,
        codebook=config["codebooks"]["patients"],
        agreement=agreement_table,
    output:
        pdf=report(
            "<results>/{region}/reports/{practice}.pdf",
            caption="../report/practice_pdf.rst",
            category="Rapports PDF",
            subcategory="{region}",
            labels={"Rapport": "cabinet", "Cabinet": "{practice}"},
        ),
    log:
        "<logs>/{region}/reports/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region, wc.practice),
        settings=config["analysis"],
        code=CODE,
        config_digest=lambda wc: config_digest(
            "study",
            "codebooks",
            "analysis",
            "reports",
            region=wc.region,
            practice=wc.practice,
        ),
    script:
        "../scripts/report_practice.py"


rule report_region_patients:
    input:
        unpack(region_report_inputs),
    output:
        pdf=report(
            "<results>/{region}/reports/{region}-patients.pdf",
            caption="../report/region_patients_pdf.rst",
            category="Rapports PDF",
            subcategory="{region}",
            labels={"Rapport": "patients, régional", "Cabinet": "tous"},
        ),
        digests="<results>/{region}/tables/patients-inputs-sha256.csv",
    log:
        "<logs>/{region}/reports/{region}-patients.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region),
        settings=config["analysis"],
        interviews=config.get("interviews"),
        code=CODE,
        config_digest=lambda wc: config_digest(
            "study", "codebooks", "analysis", "reports", "interviews", region=wc.region
        ),
    script:
        "../scripts/report_region_patients.py"


rule report_region_gps:
    input:
        summary="<results>/{region}/gps/respondents.parquet",
        texts="<results>/{region}/gps/texts.parquet",
        determinants="<results>/{region}/gps/determinants.parquet",
        model="<results>/{region}/gps/model.parquet",
        published="<results>/{region}/disclosure/gps.parquet",
        raw=lambda wc: config["regions"][wc.region]["gps"]["file"],
        codebook=config["codebooks"]["gps"],
    output:
        pdf=report(
            "<results>/{region}/reports/{region}-gps.pdf",
            caption="../report/region_gps_pdf.rst",
            category="Rapports PDF",
            subcategory="{region}",
            labels={"Rapport": "médecins généralistes", "Cabinet": "—"},
        ),
    log:
        "<logs>/{region}/reports/{region}-gps.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region, strand="gps"),
        settings=config["analysis"],
        code=CODE,
        config_digest=lambda wc: config_digest(
            "study", "codebooks", "analysis", region=wc.region, strand="gps"
        ),
    script:
        "../scripts/report_region_gps.py"


rule export_table:
    input:
        table="<results>/{region}/{strand}/{table}.parquet",
    output:
        csv=report(
            "<results>/{region}/tables/{strand}-{table}.csv",
            caption="../report/table.rst",
            category="Tableaux",
            subcategory="{region}",
            labels={"Volet": "{strand}", "Tableau": "{table}"},
        ),
    log:
        "<logs>/{region}/tables/{strand}-{table}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        code=CODE,
    script:
        "../scripts/export_table.py"
