"""Run the real workflow on the bundled example in a temporary copy of the project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
PROJECT_PARTS = ("Snakefile", "workflow", "config", "resources")


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
        timeout=1800,
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


@pytest.fixture(scope="session")
def example_run(tmp_path_factory) -> Path:
    """A project copy after one full run of the default configuration (shared, do not modify)."""
    workdir = copy_project(tmp_path_factory.mktemp("example") / "project")
    snakemake(workdir)
    return workdir


@pytest.fixture
def example_copy(example_run, tmp_path) -> Path:
    """A private copy of the fully run project (outputs and Snakemake's metadata included)."""
    dest = tmp_path / "project"
    shutil.copytree(example_run, dest, symlinks=True)
    return dest
