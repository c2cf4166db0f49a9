"""The example workflow run through a real SLURM cluster gives the same tables as a local run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from tests.slurm.cluster import LocalSlurmCluster
from tests.workflow.conftest import HANG_GUARD_S, copy_project

pytestmark = pytest.mark.slurm

SNAKEMAKE = Path(sys.executable).with_name("snakemake")
PROFILE = "workflow/profiles/slurm"
# On top of the profile: at most 4 jobs handed to SLURM at once (the node has this machine's CPUs, the
# scheduler queues the rest), and a first status check after 2 s since the example's jobs last seconds.
# No job may ask more CPUs than the node has: SLURM would keep it pending forever.
CLUSTER_ARGS = ("--profile", PROFILE, "--jobs", "4", "--slurm-init-seconds-before-status-checks", "2",
                "--max-threads", str(os.cpu_count() or 1))


def run(workdir: Path, args: tuple[str, ...], env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(SNAKEMAKE), *args],
        cwd=workdir,
        env={**env, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed in {workdir}:\n{output[-8000:]}")
    return output


def result_files(workdir: Path) -> list[str]:
    results = workdir / "results"
    return sorted(p.relative_to(results).as_posix() for p in results.rglob("*") if p.is_file())


def slurm_job_states(cluster: LocalSlurmCluster) -> dict[str, str]:
    """State of every job the cluster still remembers (finished ones stay MinJobAge seconds)."""
    out = subprocess.run(
        ["squeue", "--noheader", "--states=all", "--format=%i %T"],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=HANG_GUARD_S,
    )
    return dict(line.split() for line in out.stdout.splitlines())


def test_cluster_run_writes_the_same_parquet_tables_as_a_local_run(slurm_cluster, example_run, tmp_path):
    local = example_run  # the session's local run of the same configuration
    on_cluster = copy_project(tmp_path / "cluster")
    log = run(on_cluster, CLUSTER_ARGS, slurm_cluster.env())

    submitted = log.count("has been submitted with SLURM jobid")
    states = slurm_job_states(slurm_cluster)
    assert submitted > 0, f"no job went through SLURM:\n{log[-4000:]}"
    assert len(states) == submitted and set(states.values()) == {"COMPLETED"}, states

    assert result_files(on_cluster) == result_files(local)
    tables = [name for name in result_files(local) if name.endswith(".parquet")]
    assert tables, "the local run wrote no Parquet table"
    for name in tables:
        assert_frame_equal(
            pd.read_parquet(on_cluster / "results" / name),
            pd.read_parquet(local / "results" / name),
            obj=name,
        )
