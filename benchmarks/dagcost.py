"""Snakemake's own cost without running a job: dry-run and no-op at N practices, for one Snakemake install.

    python benchmarks/dagcost.py --python .venv/bin/python --practices 100 1000 --repeat 3 --out FILE.json

For each N, in a scratch directory (default /tmp/dagcost-N-<version>): generate the region as `bench.py` does,
time the dry-run on the fresh directory, then reach the state after a full run without running a job —
every output created empty, then `snakemake --touch`, which records each job's metadata as a real run does —
and time the no-op run. `--python` chooses the interpreter, hence the Snakemake version, so two versions are
compared on the same workflow, data and machine. Each figure is the minimum and the median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench import LINKED, REGION, ROOT, measure


def snakemake_version(python: str) -> str:
    return subprocess.run(
        [python, "-m", "snakemake", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare(workdir: Path, python: str, n: int, env: dict) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in LINKED:
        (workdir / name).symlink_to(ROOT / name)
    subprocess.run(
        [python, "-m", "assistmed.synth", "region", "--name", REGION, "--practices", str(n),
         "--out", "data", "--config-out", "bench.yaml"],
        cwd=workdir, env=env, check=True, capture_output=True,
    )


def touch_every_output(workdir: Path, snakemake: list[str], env: dict) -> None:
    """The outputs of every job, empty, then `--touch` in job order (mtimes and metadata as after a run)."""
    summary = subprocess.run(
        [*snakemake, "--summary"], cwd=workdir, env=env, capture_output=True, text=True, check=True
    ).stdout
    for line in summary.splitlines()[1:]:
        path = workdir / line.split("\t")[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    subprocess.run([*snakemake, "--touch"], cwd=workdir, env=env, capture_output=True, check=True)


def summarise(rows: list[dict]) -> dict:
    walls, cpus = [r["wall_s"] for r in rows], [r["cpu_s"] for r in rows]
    return {
        "wall_min_s": min(walls), "wall_median_s": statistics.median(walls),
        "cpu_min_s": min(cpus), "cpu_median_s": statistics.median(cpus),
        "jobs": rows[0].get("jobs"),
        "load": [(r["load_start"], r["load_end"]) for r in rows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter whose Snakemake is measured")
    parser.add_argument("--practices", type=int, nargs="+", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/dagcost-{n}-{version}")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    version = snakemake_version(args.python)
    snakemake = [args.python, "-m", "snakemake", "--cores", "2", "--configfile", "bench.yaml",
                 "--replace-workflow-config", "--scheduler", "greedy"]
    results = []
    for n in args.practices:
        workdir = Path(args.workdir.format(n=n, version=version))
        prepare(workdir, args.python, n, env)
        logs = workdir / "dagcost-logs"
        logs.mkdir()
        dry = [measure([*snakemake, "--dry-run"], workdir, env, logs / f"dry_run_{i}.log") for i in range(args.repeat)]
        touch_every_output(workdir, snakemake, env)
        noop = [measure(snakemake, workdir, env, logs / f"noop_{i}.log") for i in range(args.repeat)]
        results.append({"snakemake": version, "practices": n, "dry_run": summarise(dry), "noop": summarise(noop)})
        print(json.dumps(results[-1]), flush=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
