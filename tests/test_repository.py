"""Patient data never enter the repository: only the synthetic example is tracked."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

import pytest

from tests.workflow.conftest import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[1]
SPREADSHEETS = {".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".sav", ".dta", ".parquet"}
EXAMPLE = PurePosixPath("resources/example")
DATA_SIGNPOST = PurePosixPath("data/README.md")


def tracked_files() -> list[PurePosixPath]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=HANG_GUARD_S
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing is tracked")
    return [PurePosixPath(p) for p in out.split("\0") if p]


def test_nothing_under_data_is_tracked_but_its_signpost():
    assert [p for p in tracked_files() if p.parts[0] == "data" and p != DATA_SIGNPOST] == []


def test_no_spreadsheet_is_tracked_outside_the_synthetic_example():
    assert [
        p for p in tracked_files() if p.suffix.lower() in SPREADSHEETS and not p.is_relative_to(EXAMPLE)
    ] == []


def test_git_ignores_the_data_folder_and_every_output_folder():
    probes = ["data/cabinet-a.xlsx", "data/pdl/export.csv", "results/x.pdf", "results-two-regions/x.pdf"]
    out = subprocess.run(
        ["git", "check-ignore", "--no-index", *probes], cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S
    )
    if out.returncode == 128:
        pytest.skip("not a git checkout")
    assert out.stdout.split() == probes
