"""File writing at the edges: atomic, deterministic outputs."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# A spreadsheet evaluates a cell whose text starts with one of these (formula or DDE injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    A failed job therefore never leaves a half-written output behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_parquet(frame: pd.DataFrame, target: str | Path) -> None:
    """Write a DataFrame to Parquet atomically, without the index and without volatile metadata."""
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def read_parquet(path: str | Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_parquet(path, engine="pyarrow")


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType":
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, list | tuple) or type(value).__name__ == "ndarray":
        return " | ".join(_cell_text(v) for v in value)
    return str(value)


def spreadsheet_text(value: object) -> str:
    """A cell as a French spreadsheet should read it, never as a formula.

    Missing values are empty; a float keeps every digit it has, with a decimal comma; a list is joined
    with « | »; text whose first non-space character would start a formula gets a leading apostrophe
    (« +33 6 … » becomes « '+33 6 … »: still readable, no longer evaluated).
    """
    text = _cell_text(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def write_spreadsheet_csv(frame: pd.DataFrame, output: str | Path) -> None:
    """UTF-8 with BOM, `;`, CRLF, every cell (headers included) made safe; written atomically."""
    import pandas as pd

    safe = pd.DataFrame(
        {spreadsheet_text(c): [spreadsheet_text(v) for v in frame[c]] for c in frame.columns}, dtype="object"
    )
    with atomic_path(output) as tmp:
        safe.to_csv(tmp, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def parquet_to_spreadsheet_csv(parquet: str | Path, csv: str | Path) -> None:
    """A result table as a CSV that French Excel opens as it is (for the Snakemake HTML report)."""
    write_spreadsheet_csv(read_parquet(parquet), csv)


def read_parquet_stack(paths: Sequence[str | Path], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The tables of `paths` one after the other, as one DataFrame.

    Concatenated as Arrow tables and converted to pandas once: for a thousand small files, three to four
    times faster than a pandas concat of each file read on its own (same frame, dtypes included).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(p, columns=list(columns) if columns else None) for p in paths]
    return pa.concat_tables(tables, promote_options="default").to_pandas()
