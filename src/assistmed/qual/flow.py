"""The flow of the qualitative strand: patients selected for a call-back → reached → interviewed → coded.

Selected: the selection table (every practice's candidates). Reached and interviewed: what the team records
in the config (`regions.<region>.interviews.reached` / `.interviewed`); without `interviewed`, the interviews
are those of the coding grid; without `reached`, that stage is unknown (NA) and the report says so. Coded:
the distinct interviews of the coding grid. Each stage is at most the one before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from assistmed.io import write_parquet

STAGES = ("selected", "reached", "interviewed", "coded")
FLOW_COLUMNS = ["stage", "n"]


def interview_flow(
    selection: pd.DataFrame, themes: pd.DataFrame | None, *, reached: int | None = None, interviewed: int | None = None
) -> pd.DataFrame:
    """One row per stage (STAGES order) with its count (nullable: NA for a stage nobody recorded)."""
    coded = int(themes["n_total"].max()) if themes is not None and len(themes) else 0
    counts = {
        "selected": int(selection["n_selected"].sum()),
        "reached": reached,
        "interviewed": coded if interviewed is None else int(interviewed),
        "coded": coded,
    }
    known = [(stage, n) for stage, n in counts.items() if n is not None]
    for (before, n_before), (after, n_after) in zip(known, known[1:]):
        if n_after > n_before:
            raise ValueError(
                f"entretiens : {after} ({n_after}) dépasse {before} ({n_before}) — vérifier "
                f"regions.<région>.interviews.reached / interviewed dans la configuration "
                f"(each stage of the interview flow is at most the one before it)"
            )
    return pd.DataFrame({"stage": list(STAGES), "n": pd.array([counts[s] for s in STAGES], dtype="Int64")})


def write_interview_flow(
    selection: str | Path, *, flow: str | Path, themes: str | Path | None = None, recorded: Mapping | None = None
) -> None:
    """Write the flow of a region; ``recorded`` is the region's `interviews` config section (or None)."""
    recorded = recorded or {}
    write_parquet(
        interview_flow(
            pd.read_parquet(selection),
            pd.read_parquet(themes) if themes else None,
            reached=recorded.get("reached"),
            interviewed=recorded.get("interviewed"),
        ),
        flow,
    )
