"""The region's descriptive tables for its reports, in one pass over its practices' clean data: the return
period of each practice and of the region, the free comments (assistmed.patients.comments), and each
practice compared with the rest of the region (assistmed.patients.compare)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from assistmed.io import read_parquet_stack, write_parquet
from assistmed.patients import OPINION
from assistmed.patients.comments import COMMENT, comment_table
from assistmed.patients.compare import compare_with_rest

RETURN_DATE = "return_date"
PERIOD_COLUMNS = ["scope", "returns", "first_return", "last_return"]


def return_period(clean: pd.DataFrame, *, scopes: Sequence[str], pool: str, by: str = "practice") -> pd.DataFrame:
    """Questionnaires kept and the first and last return dates of each scope (``by`` column), then of the
    pool; NaT where no date was entered."""
    dates = pd.to_datetime(clean[RETURN_DATE]) if RETURN_DATE in clean else pd.Series(pd.NaT, index=clean.index)
    keys = clean[by].astype(str)
    rows = [[s, int((keys == s).sum()), dates[keys == s].min(), dates[keys == s].max()] for s in scopes]
    rows.append([pool, len(clean), dates.min(), dates.max()])
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS).astype(
        {"scope": "str", "returns": "int64", "first_return": "datetime64[ns]", "last_return": "datetime64[ns]"}
    )


def describe_region(
    clean: Sequence[str | Path],
    indicators: str | Path,
    *,
    region: str,
    practices: Sequence[str],
    confidence: float,
    period: str | Path,
    comments: str | Path,
    comparisons: str | Path,
) -> None:
    frame = read_parquet_stack(clean, columns=["practice", RETURN_DATE, OPINION, COMMENT])
    write_parquet(return_period(frame, scopes=practices, pool=region), period)
    write_parquet(comment_table(frame, region=region), comments)
    write_parquet(
        compare_with_rest(pd.read_parquet(indicators), units=practices, pool=region, confidence=confidence), comparisons
    )


def describe_national(
    indicators: str | Path,
    region_periods: Sequence[str | Path],
    *,
    regions: Sequence[str],
    pool: str,
    confidence: float,
    period: str | Path,
    comparisons: str | Path,
) -> None:
    """The national descriptive tables: each region's return period (its pooled row) and the pool's, and
    each region compared with the rest of the regions."""
    rows = [pd.read_parquet(path).set_index("scope").loc[[region]].reset_index() for region, path in zip(regions, region_periods, strict=True)]
    periods = pd.concat(rows, ignore_index=True)
    pooled = pd.DataFrame(
        [[pool, int(periods["returns"].sum()), periods["first_return"].min(), periods["last_return"].max()]],
        columns=PERIOD_COLUMNS,
    )
    write_parquet(pd.concat([periods, pooled], ignore_index=True).astype(periods.dtypes.to_dict()), period)
    write_parquet(
        compare_with_rest(pd.read_parquet(indicators), units=regions, pool=pool, confidence=confidence), comparisons
    )
