"""Fixtures shared by every test folder: one full run of the example, made once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.workflow.conftest import copy_project, snakemake


@pytest.fixture(scope="session")
def example_run(tmp_path_factory) -> Path:
    """A project copy after one full run of the default configuration (shared, do not modify): the workflow
    tests read it, and the SLURM test compares its cluster run with it."""
    workdir = copy_project(tmp_path_factory.mktemp("example") / "project")
    snakemake(workdir)
    return workdir


@pytest.fixture
def example_copy(example_run, tmp_path) -> Path:
    """A private copy of the fully run project (outputs and Snakemake's metadata included)."""
    dest = tmp_path / "project"
    shutil.copytree(example_run, dest, symlinks=True)
    return dest
