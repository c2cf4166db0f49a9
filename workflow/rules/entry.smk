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


rule quality_workbook:
    input:
        unpack(quality_workbook_inputs),
    output:
        xlsx="<results>/{region}/quality/{practice}.xlsx",
    log:
        "<logs>/{region}/quality/{practice}.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        label=lambda wc: practice_labels(wc.region)[wc.practice],
        source=raw_file,
        code=CODE,
    script:
        "../scripts/quality_workbook.py"


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
        label=lambda wc: practice_labels(wc.region)[wc.practice],
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
