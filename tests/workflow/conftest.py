"""Run the real workflow in a temporary copy of the project (the shared example run is in tests/conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
PROJECT_PARTS = ("Snakefile", "workflow", "config", "resources")
# Time-out of every subprocess the tests start: a guard against a hang, never a measure of speed. The example's
# full run takes about 1 min on an idle 2-core machine and was seen to take 10 min at load average 18.
HANG_GUARD_S = 3600


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_GUARD_S,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    return result


def planned_jobs(workdir: Path, *args: str) -> list[tuple[str, str]]:
    """(rule, wildcards) of every job a dry-run would run."""
    out = snakemake(workdir, "-n", *args)
    text = out.stdout + out.stderr
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", text):
        head = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not head:
            continue
        wildcards = re.search(r"wildcards: (.*)", block)
        jobs.append((head.group(1), wildcards.group(1).strip() if wildcards else ""))
    return jobs


TWO_REGIONS = ("--configfile", "config/examples/two-regions.yaml", "--replace-workflow-config")
TWO_REGIONS_OUTPUT = "results-two-regions"


def file_states(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder: its bytes and its modification time (ns)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@dataclass(frozen=True)
class ConfigsInTurn:
    """A project where the default configuration ran, then the two-regions example; ``default_before`` is
    the default configuration's output folder as it was before the second run."""

    workdir: Path
    default_before: dict[str, tuple[bytes, int]]


@pytest.fixture(scope="session")
def configs_in_turn(example_run, tmp_path_factory) -> ConfigsInTurn:
    """A copy of the default run, then a full run of the two-regions example in it (shared, do not modify)."""
    workdir = tmp_path_factory.mktemp("two-regions") / "project"
    shutil.copytree(example_run, workdir, symlinks=True)
    before = file_states(workdir / "results")
    snakemake(workdir, *TWO_REGIONS)
    return ConfigsInTurn(workdir, before)


@pytest.fixture(scope="session")
def two_regions_run(configs_in_turn) -> Path:
    """A project after a full run of the two-regions example (shared, do not modify)."""
    return configs_in_turn.workdir


def assert_design_figures(results: Path, scope: str, intervals: dict, p_values: dict, df: int) -> None:
    """The scope's design-based figures in results/…/indicators and associations equal R's to 1e-6:
    `intervals` maps an indicator to (design_ci_low, design_ci_high, deff, icc), `p_values` a pair to p_design."""
    indicators = pd.read_parquet(results / "indicators.parquet")
    rows = indicators[indicators["scope"] == scope].set_index("indicator")
    for name, (low, high, deff, icc) in intervals.items():
        row = rows.loc[name]
        assert (row["design_ci_low"], row["design_ci_high"]) == pytest.approx((low, high), abs=1e-6), name
        assert (row["deff"], row["icc"], row["design_df"]) == pytest.approx((deff, icc, df), abs=1e-6), name
    tests = pd.read_parquet(results / "associations.parquet")
    pairs = tests[tests["scope"] == scope].set_index(["var_a", "var_b"])
    for pair, p in p_values.items():
        assert pairs.loc[pair, "p_design"] == pytest.approx(p, abs=1e-6), pair
