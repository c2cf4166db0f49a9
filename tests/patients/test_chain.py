"""One job per practice: ingest → clean → analyse in one call, each step writing its own outputs and log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.ingest import ingest_file
from assistmed.patients.analyse import analyse_practice
from assistmed.patients.chain import process_practice

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "resources/codebooks/patients.yaml"
RAW = ROOT / "resources/example/pays-de-la-loire/patients/vendee-a.csv"
SETTINGS = {"confidence": 0.95, "min_expected": 5, "fisher_mc_tables": 2000, "seed": 1, "p_adjust": "holm"}
TABLES = ("ingested", "clean", "rejects", "nulled", "summary", "indicators", "distributions", "associations")
CLEAN_OPTIONS = {"extra_columns": {"region": "r", "practice": "vendee-a"}, "source": str(RAW)}


def outputs(folder: Path) -> dict[str, Path]:
    return {name: folder / f"{name}.parquet" for name in TABLES}


def logs(folder: Path) -> dict[str, Path]:
    return {step: folder / "logs" / f"{step}.log" for step in ("ingest", "clean", "analyse")}


def test_the_chain_writes_what_the_three_steps_write_one_after_the_other(tmp_path):
    chained, separate = outputs(tmp_path / "chained"), outputs(tmp_path / "separate")
    process_practice(RAW, codebook=CODEBOOK, **chained, logs=logs(tmp_path / "chained"), practice="vendee-a",
                     distributed=250, settings=SETTINGS, clean_options=CLEAN_OPTIONS)
    (tmp_path / "separate").mkdir()
    ingest_file(RAW, separate["ingested"], codebook_path=CODEBOOK)
    clean_file(separate["ingested"], separate["clean"], separate["rejects"], codebook_path=CODEBOOK,
               nulled=separate["nulled"], summary=separate["summary"], distributed=250, **CLEAN_OPTIONS)
    analyse_practice(separate["clean"], indicators=separate["indicators"], distributions=separate["distributions"],
                     associations=separate["associations"], codebook=CODEBOOK, practice="vendee-a", distributed=250,
                     settings=SETTINGS)
    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(chained[name]), pd.read_parquet(separate[name]), check_exact=True)
    assert "vendee-a.csv" in logs(tmp_path / "chained")["ingest"].read_text(encoding="utf-8")
    assert all(path.is_file() for path in logs(tmp_path / "chained").values())


def test_a_failing_step_stops_the_chain_with_its_own_log_naming_the_file(tmp_path, capsys):
    raw = tmp_path / "vendee-x.csv"
    raw.write_bytes(b"\x00\x01PK garbage that is not a spreadsheet")
    with pytest.raises(SystemExit):
        process_practice(raw, codebook=CODEBOOK, **outputs(tmp_path), logs=logs(tmp_path), practice="vendee-x",
                         distributed=250, settings=SETTINGS, clean_options=CLEAN_OPTIONS)
    assert "vendee-x.csv" in logs(tmp_path)["ingest"].read_text(encoding="utf-8")
    assert "vendee-x.csv" in capsys.readouterr().err
    assert not logs(tmp_path)["clean"].exists() and not (tmp_path / "clean.parquet").exists()
