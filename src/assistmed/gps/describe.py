"""What the GP report describes beyond the determinants: respondents, indicators, every item's distribution,
the share of GPs with an assistant at each level of each candidate determinant, and the free texts.

Written by one analysis step (`describe_gps`) so that the report only formats: every number it prints comes
from these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.gps.determinants import OUTCOME, WITH, candidate_variables
from assistmed.gps.limesurvey import add_completion
from assistmed.indicators import compute_indicators
from assistmed.io import write_parquet
from assistmed.patients.analyse import item_distributions
from assistmed.stats.proportions import proportion
from assistmed.texts import TEXT_COLUMNS, distinct_texts

SHARE_COLUMNS = ["variable", "level", "n", "N", "prop", "ci_low", "ci_high"]
RESPONDENT_COLUMNS = ["responses", "complete", "partial", "rejected", "first_submitted", "last_submitted"]
SUBMITTED = "submitdate"


def assistant_shares(clean: pd.DataFrame, codebook: Codebook, *, confidence: float) -> pd.DataFrame:
    """For each level of each candidate determinant: GPs with an assistant (n) among the GPs at that level
    who answered both questions (N), with the Wilson interval — the row percentages of the determinants
    table (« 51 % of GPs in an MSP work with an assistant, 20 % of the others »)."""
    rows = []
    answered = clean[OUTCOME].notna()
    with_assistant = (clean[OUTCOME] == WITH).fillna(False).astype(bool)
    for name in candidate_variables(codebook):
        values = clean[name].astype("object")
        for level in codebook.variable(name).keys:
            at_level = (values == level).fillna(False).astype(bool) & answered
            p = proportion(int((at_level & with_assistant).sum()), int(at_level.sum()), confidence)
            rows.append([name, level, p.n, p.N, p.prop, p.ci_low, p.ci_high])
    return pd.DataFrame(rows, columns=SHARE_COLUMNS).astype({"n": "int64", "N": "int64"})


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
    shares: str | Path,
    texts: str | Path,
    summary: str | Path,
) -> None:
    cb = load_codebook(codebook)
    confidence = float(settings.get("confidence", 0.95))
    frame = pd.read_parquet(clean)
    write_parquet(respondents(frame, pd.read_parquet(rejects)), summary)
    write_parquet(compute_indicators(frame, cb, scope=region, distributed=None, confidence=confidence), indicators)
    write_parquet(item_distributions(frame, cb, scope=region), distributions)
    write_parquet(assistant_shares(frame, cb, confidence=confidence), shares)
    write_parquet(free_texts(frame, cb), texts)
