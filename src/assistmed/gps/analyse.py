"""The GP strand's analysis step: clean responses → determinants, model and barriers tables (Parquet)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from assistmed.codebook import load_codebook
from assistmed.gps.barriers import barriers as barrier_table
from assistmed.gps.determinants import candidate_variables
from assistmed.gps.determinants import determinants as determinant_table
from assistmed.gps.limesurvey import add_completion
from assistmed.gps.model import fit_model
from assistmed.io import write_parquet
from assistmed.settings import AnalysisSettings

log = logging.getLogger("assistmed.gps")


def analyse_gps(
    clean_path: str | Path,
    *,
    determinants: str | Path,
    model: str | Path,
    barriers: str | Path,
    codebook_path: str | Path,
    settings: Mapping,
) -> None:
    """Write the determinants (candidates: the codebook's associations with has_assistant), the model on the
    pre-specified covariates (analysis.model_covariates), and the ranked barriers. `settings` is config
    `analysis` (AnalysisSettings)."""
    codebook = load_codebook(codebook_path)
    options = AnalysisSettings.from_config(settings)
    clean = add_completion(pd.read_parquet(clean_path), source=str(clean_path))
    log.info(
        "%s : %d réponses (%d complètes, %d partielles)",
        clean_path, len(clean), int(clean["complete"].sum()), int((~clean["complete"]).sum()),
    )
    table = determinant_table(clean, codebook, candidates=candidate_variables(codebook), settings=options)
    write_parquet(table, determinants)
    fitted = fit_model(
        clean, codebook, variables=options.model_covariates, confidence=options.confidence,
        min_events_per_variable=options.min_events_per_variable,
        firth_events_per_parameter=options.firth_events_per_parameter,
    )
    for message in dict.fromkeys(fitted["message"]):
        if message:
            log.warning("%s : %s", clean_path, message)
    write_parquet(fitted, model)
    write_parquet(barrier_table(clean, codebook, confidence=options.confidence), barriers)
