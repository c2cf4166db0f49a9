"""Run time of the small-count decision and of its audit on a synthetic region of N practices (issue #9).

    nice python benchmarks/disclosure_audit.py --practices 100 [--workdir /tmp/disclosure-audit-100]

Generates the region with ``python -m assistmed.synth region``, computes its exact distributions and
indicators in one process (ingest, clean, the analysis functions; no association test), then measures
``disclose_patients`` (policy: primary marks, complementary cells, each hidden figure audited) and the audit
alone (every hidden figure's interval from the published statuses: two linear programmes each). Prints
wall and CPU time (CPU is what the machine gave this process: on a shared machine, wall time includes waiting).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGION = "bench-region"


def tables(workdir: Path, n: int):
    import pandas as pd
    import yaml

    from assistmed.clean import clean_file
    from assistmed.codebook import load_codebook
    from assistmed.indicators import compute_indicators
    from assistmed.ingest import ingest_file
    from assistmed.patients.analyse import item_distributions

    if not (workdir / "resources").exists():
        (workdir / "resources").symlink_to(ROOT / "resources")  # the generator reads the codebooks there
    subprocess.run(
        [sys.executable, "-m", "assistmed.synth", "region", "--name", REGION, "--practices", str(n),
         "--out", "data", "--config-out", "bench.yaml"],
        cwd=workdir, check=True, capture_output=True,
    )
    codebook_path = str(ROOT / "resources/codebooks/patients.yaml")
    codebook = load_codebook(codebook_path)
    practices = yaml.safe_load((workdir / "bench.yaml").read_text(encoding="utf-8"))["regions"][REGION]["patients"]["practices"]
    frames, distributions, indicators = [], [], []
    scratch = workdir / "tables"
    scratch.mkdir(exist_ok=True)
    for p, spec in practices.items():
        ingest_file(workdir / spec["file"], scratch / f"{p}.ingested.parquet", codebook_path=codebook_path)
        clean_file(scratch / f"{p}.ingested.parquet", scratch / f"{p}.parquet", scratch / f"{p}.rejects.parquet",
                   codebook_path=codebook_path, extra_columns={"region": REGION, "practice": p})
        clean = pd.read_parquet(scratch / f"{p}.parquet")
        frames.append(clean)
        distributions.append(item_distributions(clean, codebook, scope=p))
        indicators.append(compute_indicators(clean, codebook, scope=p, distributed=spec["distributed"], confidence=0.95))
    pooled = pd.concat(frames, ignore_index=True)
    distributions.append(item_distributions(pooled, codebook, scope=REGION))
    total = sum(spec["distributed"] for spec in practices.values())
    indicators.append(compute_indicators(pooled, codebook, scope=REGION, distributed=total, confidence=0.95))
    return codebook, pd.concat(distributions, ignore_index=True), pd.concat(indicators, ignore_index=True), list(practices)


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def audit_only(codebook, distributions, indicators, practices, published, policy) -> int:
    from assistmed.disclosure.patients import region_blocks
    from assistmed.disclosure.policy import Decision, Status, audit_solver

    status = dict(zip(zip(published["scope"], published["variable"], published["category"]), published["status"]))
    count = 0
    for system, figures in region_blocks(codebook, distributions, indicators, region=REGION, practices=practices).values():
        decisions = [
            Decision(f, round(system.value(f.form)), None if f.total is None else round(system.value(f.total)),
                     Status(status[f.keys[0]]))
            for f in figures
        ]
        solver = audit_solver(system, decisions, policy)
        for d in decisions:
            if d.status is not Status.SHOWN:
                solver.interval(d.figure.form, d.figure.label)
                count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args(argv)
    from assistmed.disclosure.patients import disclose_patients
    from assistmed.disclosure.policy import Policy

    workdir = args.workdir or Path(f"/tmp/disclosure-audit-{args.practices}")
    workdir.mkdir(parents=True, exist_ok=True)
    codebook, distributions, indicators, practices = tables(workdir, args.practices)
    policy = Policy(args.threshold)
    (published, audit), wall, cpu = timed(
        lambda: disclose_patients(codebook, distributions, indicators, region=REGION, practices=practices, policy=policy)
    )
    counts = published["status"].value_counts().to_dict()
    print(f"N = {len(practices)} practices, k = {args.threshold}: {len(published)} published figures {counts}")
    print(f"decision + audit: wall {wall:.1f} s, CPU {cpu:.1f} s; {len(audit)} hidden figures, all protected: {bool(audit['protected'].all())}")
    count, wall, cpu = timed(lambda: audit_only(codebook, distributions, indicators, practices, published, policy))
    print(f"audit alone: {count} hidden figures, wall {wall:.1f} s, CPU {cpu:.1f} s")


if __name__ == "__main__":
    main()
