"""What a LimeSurvey export says beyond its answers: whether each response is complete.

A response is complete when LimeSurvey filled `submitdate` (the respondent pressed « Envoyer » on the last
page); a partial response has a blank `submitdate`, answers up to its `lastpage` and blanks after it. Partial
responses are kept and analysed with the answers they have.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from assistmed.io import write_parquet

log = logging.getLogger("assistmed.gps")

COMPLETION_VARIABLE = "submitdate"


def add_completion(clean: pd.DataFrame, *, source: str = "<clean>") -> pd.DataFrame:
    """The clean responses with a boolean `complete` column (submitdate filled) as last column; applying it
    twice gives the same frame."""
    if COMPLETION_VARIABLE not in clean:
        raise ValueError(
            f"{source} : colonne « {COMPLETION_VARIABLE} » absente, impossible de distinguer réponses complètes "
            f"et partielles / no {COMPLETION_VARIABLE!r} column to tell complete from partial responses"
        )
    frame = clean.drop(columns="complete", errors="ignore")
    frame["complete"] = frame[COMPLETION_VARIABLE].notna().to_numpy(dtype=bool)
    return frame


def finalise_clean(typed: str | Path, clean: str | Path) -> None:
    """Read the generic clean step's output, add `complete`, write the GP strand's clean table."""
    frame = add_completion(pd.read_parquet(typed), source=str(typed))
    log.info(
        "%s : %d réponses, %d complètes et %d partielles",
        typed, len(frame), int(frame["complete"].sum()), int((~frame["complete"]).sum()),
    )
    write_parquet(frame, clean)
