# For the people who type the questionnaires: a data-quality workbook per practice, and the comparison of
# a second, independent entry of the same questionnaires with the first.


rule ingest_second_entry:
    input:
        raw=second_entry,
        codebook=config["codebooks"]["patients"],
    output:
        ingested="<results>/{region}/patients/second_entry/{practice}.parquet",
    log:
        "<logs>/{region}/patients/ingest_second_entry/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        read_options=read_options,
        code=CODE,
    script:
        "../scripts/ingest.py"


rule ingest_first_entry:
    input:
        raw=first_entry,
        codebook=config["codebooks"]["patients"],
    output:
        ingested="<results>/{region}/patients/first_entry/{practice}.parquet",
    log:
        "<logs>/{region}/patients/ingest_first_entry/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        read_options=read_options,
        code=CODE,
    script:
        "../scripts/ingest.py"


rule compare_entries:
    input:
        first=first_entry_ingested,
        second="<results>/{region}/patients/second_entry/{practice}.parquet",
        codebook=config["codebooks"]["patients"],
    output:
        agreement="<results>/{region}/patients/double_entry/{practice}/agreement.parquet",
        differences="<results>/{region}/patients/double_entry/{practice}/differences.parquet",
        unmatched="<results>/{region}/patients/double_entry/{practice}/unmatched.parquet",
    log:
        "<logs>/{region}/patients/double_entry/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        extra_columns=lambda wc: {"region": wc.region, "practice": wc.practice},
        code=CODE,
    script:
        "../scripts/compare_entries.py"


# A region's quality workbooks, a chunk of reports.practices_per_job practices per job (config order), as the
# practice reports: a workbook is 0.05 s of work after 0.7 s of start-up (Python, pandas, openpyxl).
for region in REGIONS:
    for number, chunk in enumerate(practice_chunks(region), start=1):

        rule:
            name:
                quality_workbooks_rule(region, number)
            input:
                **quality_workbooks_inputs(region, chunk),
            output:
                xlsx=[
                    f"<results>/{region}/quality/{practice}.xlsx" for practice in chunk
                ],
            log:
                f"<logs>/{region}/quality/workbooks-{number}.log",
            conda:
                "../envs/assistmed.yaml"
            params:
                practices=chunk,
                double_entered=[p for p in double_entered(region) if p in chunk],
                labels={p: practice_label(region, p) for p in chunk},
                sources={p: analysed_file(practice_spec(region, p)) for p in chunk},
                code=CODE,
            script:
                "../scripts/quality_workbooks.py"


rule entry_workbook:
    input:
        codebook=config["codebooks"]["patients"],
    output:
        xlsx="<results>/{region}/entry/{practice}.xlsx",
    log:
        "<logs>/{region}/entry/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        label=lambda wc: practice_label(wc.region, wc.practice),
        code=CODE,
    script:
        "../scripts/entry_workbook.py"


# `snakemake entry_workbooks`: every practice's entry workbook, before the questionnaires are typed.
rule entry_workbooks:
    input:
        [
            f"<results>/{region}/entry/{practice}.xlsx"
            for region in REGIONS
            for practice in practices(region)
        ],


rule export_dictionary:
    input:
        codebooks=[
            config["codebooks"][name] for name in ("patients", "gps", "interviews")
        ],
    output:
        xlsx="<results>/dictionnaire-des-variables.xlsx",
    log:
        "<logs>/dictionary.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        code=CODE,
    script:
        "../scripts/export_dictionary.py"


rule describe_clean_tables:
    input:
        clean=lambda wc: clean_files(wc.region),
        codebook=config["codebooks"]["patients"],
    output:
        datapackage="<results>/{region}/datapackage.json",
    log:
        "<logs>/{region}/datapackage.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        title=lambda wc: config["regions"][wc.region]["label"],
        practice_labels=lambda wc: practice_labels(wc.region),
        code=CODE,
    script:
        "../scripts/describe_clean_tables.py"
