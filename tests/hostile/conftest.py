"""Run one data-entry file through ingest and clean, as the workflow does, and read what it made."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.ingest import ingest_file
from tests.hostile.corpus import CODEBOOK_PATH


@dataclass
class Chain:
    ingested: pd.DataFrame
    clean: pd.DataFrame
    rejects: pd.DataFrame
    log: str
    files: list[Path]

    def reason(self, source_row: int) -> str:
        return self.rejects.set_index("source_row").loc[source_row, "reason"]


@pytest.fixture
def chain(tmp_path, caplog):
    """``chain(path, **options)``: ingest and clean ``path``; the log is what both steps wrote."""

    def run(path: Path, codebook: Path = CODEBOOK_PATH, **options) -> Chain:
        read = {k: v for k, v in options.items() if k in ("format", "encoding", "delimiter", "sheet")}
        clean_options = {k: v for k, v in options.items() if k not in read}
        out = tmp_path / "out"
        files = [out / "ingested.parquet", out / "clean.parquet", out / "rejects.parquet"]
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="assistmed"):
            ingest_file(path, files[0], codebook_path=codebook, **read)
            clean_file(files[0], files[1], files[2], codebook_path=codebook, **clean_options)
        return Chain(*(pd.read_parquet(f) for f in files), log=caplog.text, files=files)

    return run
