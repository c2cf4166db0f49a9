# PDF reports (Jinja2 templates rendered by WeasyPrint): one per practice, one pooled per region and strand.


# The practice reports of a region, a chunk of reports.practices_per_job practices per job (config order): one
# job loads Python, WeasyPrint and the region's tables once, then renders its chunk with its threads as forked
# processes. Snakemake rules cannot have a number of outputs that depends on a wildcard, so each chunk is a
# rule of its own, named after its region and number (report_practices_<region>_<n>).
for region in REGIONS:
    for number, chunk in enumerate(practice_chunks(region), start=1):

        rule:
            name:
                practice_reports_rule(region, number)
            input:
                **practice_reports_inputs(region, chunk),
            output:
                pdf=[
                    report(
                        f"<results>/{region}/reports/{practice}.pdf",
                        caption="../report/practice_pdf.rst",
                        category="Rapports PDF",
                        subcategory=region,
                        labels={"Rapport": "cabinet", "Cabinet": practice},
                    )
                    for practice in chunk
                ],
            log:
                f"<logs>/{region}/reports/practices-{number}.log",
            conda:
                "../envs/assistmed.yaml"
            threads: practice_reports_threads(chunk)
            params:
                practices=chunk,
                meta={practice: report_meta(region, practice) for practice in chunk},
                settings=config["analysis"],
                code=CODE,
                config_digest={
                    practice: config_digest(
                        "study",
                        "codebooks",
                        "analysis",
                        "reports",
                        region=region,
                        practice=practice,
                    )
                    for practice in chunk
                },
            script:
                "../scripts/report_practices.py"


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
