"""A single-node SLURM cluster on localhost for the whole session, stopped afterwards even when tests fail."""

from __future__ import annotations

import os

import pytest

from tests.slurm.cluster import APT_PACKAGES, LocalSlurmCluster, missing_binaries


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory) -> LocalSlurmCluster:
    if os.geteuid() != 0:
        pytest.skip("the local SLURM cluster runs its daemons as root; run the tests as root")
    missing = missing_binaries()
    if missing:
        pytest.skip(
            f"SLURM/munge programs missing ({', '.join(missing)}): "
            f"apt-get install {' '.join(APT_PACKAGES)} (make test does it)"
        )
    cluster = LocalSlurmCluster(tmp_path_factory.mktemp("slurm"))
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
