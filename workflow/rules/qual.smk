# Qualitative strand: whom to call back (the only output with contact details) and the theme synthesis.


rule select_interviews:
    input:
        clean=lambda wc: expand(
            "results/{region}/patients/clean/{practice}.parquet",
            region=wc.region,
            practice=practices(wc.region),
        ),
        raw=lambda wc: [
            spec["file"]
            for spec in config["regions"][wc.region]["patients"]["practices"].values()
        ],
        codebook=config["codebooks"]["patients"],
    output:
        candidates="results/{region}/restricted/interview_candidates.csv",
        summary="results/{region}/interviews/selection.parquet",
    log:
        "logs/{region}/interviews/select.log",
    params:
        raw_files=lambda wc: raw_read_options(wc.region),
        rule=config["interviews"],
        code=CODE,
    script:
        "../scripts/select_interviews.py"


rule summarise_themes:
    input:
        grid=lambda wc: config["regions"][wc.region]["interviews"]["grid"],
        codebook=config["codebooks"]["interviews"],
    output:
        themes="results/{region}/interviews/themes.parquet",
        rejects="results/{region}/interviews/rejects.parquet",
    log:
        "logs/{region}/interviews/themes.log",
    params:
        code=CODE,
    script:
        "../scripts/summarise_themes.py"
