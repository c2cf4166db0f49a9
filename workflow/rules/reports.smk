# PDF reports (Jinja2 templates rendered by WeasyPrint): one per practice, one pooled per region and strand.


rule report_practice:
    input:
        published="<results>/{region}/disclosure/patients.parquet",
        associations="<results>/{region}/patients/practices/{practice}/associations.parquet",
        clean="<results>/{region}/patients/clean/{practice}.parquet",
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
    log:
        "<logs>/{region}/reports/{region}-patients.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        meta=lambda wc: report_meta(wc.region),
        settings=config["analysis"],
        interviews=config.get("interviews"),
        code=CODE,
    script:
        "../scripts/report_region_patients.py"


rule report_region_gps:
    input:
        clean="<results>/{region}/gps/clean.parquet",
        rejects="<results>/{region}/gps/rejects.parquet",
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
