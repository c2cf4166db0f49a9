"""One practice's questionnaires from spreadsheet to analysis in one process: ingest → clean → analyse.

The three steps keep their own functions, Parquet outputs and log files (each step's messages go to its
own log, and a step that fails stops the chain with that log's sentence); they run in one job because a
job's interpreter start-up (Python, pandas, scipy, statsmodels) cost more than the three steps' own work:
two start-ups less per practice (benchmarks/RESULTS.md, « One job per practice »).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from assistmed.clean import clean_file
from assistmed.ingest import ingest_file
from assistmed.log import to_log
from assistmed.patients.analyse import analyse_practice


def process_practice(
    raw: str | Path,
    *,
    codebook: str | Path,
    ingested: str | Path,
    clean: str | Path,
    rejects: str | Path,
    nulled: str | Path,
    summary: str | Path,
    indicators: str | Path,
    distributions: str | Path,
    associations: str | Path,
    logs: Mapping[str, str | Path],
    practice: str,
    distributed: int,
    settings: Mapping,
    read_options: Mapping | None = None,
    clean_options: Mapping | None = None,
) -> None:
    """Ingest ``raw`` (``read_options``: format, encoding, delimiter, sheet), clean it (``clean_options``:
    the other keyword arguments of ``clean_file``), analyse the clean table; ``distributed``, the
    questionnaires handed out, serves both the cleaning check and the return rate; ``logs`` maps each step
    (ingest, clean, analyse) to its log file."""
    with to_log(logs["ingest"]):
        ingest_file(raw, ingested, codebook_path=codebook, **(read_options or {}))
    with to_log(logs["clean"]):
        clean_file(
            ingested,
            clean,
            rejects,
            codebook_path=codebook,
            nulled=nulled,
            summary=summary,
            distributed=distributed,
            **(clean_options or {}),
        )
    with to_log(logs["analyse"]):
        analyse_practice(
            clean,
            indicators=indicators,
            distributions=distributions,
            associations=associations,
            codebook=codebook,
            practice=practice,
            distributed=distributed,
            settings=settings,
        )
