"""What the GP report describes beyond the determinants: respondents, indicators, every item's distribution,
and the free texts (the share of GPs with an assistant at each level of a determinant is in the determinants
table).

Written by one analysis step (`describe_gps`) so that the report only formats: every number it prints comes
from these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.gps.limesurvey import add_completion
from assistmed.indicators import compute_indicators
from assistmed.io import write_parquet
from assistmed.settings import AnalysisSettings
from assistmed.survey import item_distributions
from assistmed.texts import TEXT_COLUMNS, distinct_texts

RESPONDENT_COLUMNS = ["responses", "complete", "partial", "rejected", "first_submitted", "last_submitted"]
SUBMITTED = "submitdate"


def respondents(clean: pd.DataFrame, rejects: pd.DataFrame) -> pd.DataFrame:
    """One row: responses analysed, complete, partial, rows rejected at validation, first and last
    submission dates (NaT when none was submitted)."""
    frame = add_completion(clean)
    submitted = pd.to_datetime(frame[SUBMITTED]).dropna()
    return pd.DataFrame(
        [[len(frame), int(frame["complete"].sum()), int((~frame["complete"]).sum()), len(rejects),
          submitted.min() if len(submitted) else pd.NaT, submitted.max() if len(submitted) else pd.NaT]],
        columns=RESPONDENT_COLUMNS,
    ).astype({c: "int64" for c in RESPONDENT_COLUMNS[:4]})


def free_texts(clean: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Distinct tidied texts of every non-restricted text question (« Autre » answers, comments):
    columns scope (the variable), group (""), text, n."""
    frames = []
    for v in codebook.variables:
        if v.type != "text" or v.restricted or v.name not in clean or v.page is None:
            continue
        frames.append(distinct_texts(clean, text=v.name).assign(scope=v.name, group=""))
    return pd.concat(frames, ignore_index=True)[TEXT_COLUMNS] if frames else pd.DataFrame(columns=TEXT_COLUMNS)


def describe_gps(
    clean: str | Path,
    rejects: str | Path,
    *,
    codebook: str | Path,
    region: str,
    settings: Mapping,
    indicators: str | Path,
    distributions: str | Path,
    texts: str | Path,
    summary: str | Path,
) -> None:
    cb = load_codebook(codebook)
    confidence = AnalysisSettings.of(settings).confidence
    frame = pd.read_parquet(clean)
    write_parquet(respondents(frame, pd.read_parquet(rejects)), summary)
    write_parquet(compute_indicators(frame, cb, scope=region, distributed=None, confidence=confidence), indicators)
    write_parquet(item_distributions(frame, cb, scope=region), distributions)
    write_parquet(free_texts(frame, cb), texts)
