# Qualitative strand: who is called back for an interview, and the themes coded in the interviews.


rule select_interviews:
    input:
        clean=lambda wc: clean_files(wc.region),
        raw=lambda wc: [spec["path"] for spec in raw_read_options(wc.region).values()],
        codebook=config["codebooks"]["patients"],
    output:
        # The only file under results/ that holds contact details.
        candidates="<results>/{region}/restricted/interview_candidates.csv",
    log:
        "<logs>/{region}/qual/select_interviews.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        raw_files=lambda wc: raw_files(wc.region),
        rule=config.get("interviews"),
        practice_labels=lambda wc: practice_labels(wc.region),
        code=CODE,
    script:
        "../scripts/select_interviews.py"


rule count_interview_candidates:
    input:
        clean=lambda wc: clean_files(wc.region),
        codebook=config["codebooks"]["patients"],
    output:
        selection="<results>/{region}/qual/selection.parquet",
    log:
        "<logs>/{region}/qual/count_interview_candidates.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        rule=config.get("interviews"),
        practices=lambda wc: practices(wc.region),
        code=CODE,
    script:
        "../scripts/count_interview_candidates.py"


rule summarise_themes:
    input:
        grid=lambda wc: config["regions"][wc.region]["interviews"]["grid"],
        codebook=config["codebooks"]["interviews"],
    output:
        themes="<results>/{region}/qual/themes.parquet",
        rejects="<results>/{region}/qual/grid_rejects.parquet",
    log:
        "<logs>/{region}/qual/themes.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        read_options=lambda wc: file_read_options(
            config["regions"][wc.region]["interviews"]
        ),
        code=CODE,
    script:
        "../scripts/summarise_themes.py"


rule interview_flow:
    input:
        unpack(interview_flow_inputs),
    output:
        flow="<results>/{region}/qual/flow.parquet",
    log:
        "<logs>/{region}/qual/flow.log",
    conda:
        "../envs/assistmed.yaml"
    params:
        recorded=lambda wc: config["regions"][wc.region].get("interviews"),
        code=CODE,
    script:
        "../scripts/interview_flow.py"
