"""Where one job's CPU time goes: interpreter, Snakemake's `script:` preamble, imports, first-call costs, work.

    python benchmarks/jobcost.py DIR [--repeat 3]

DIR is a directory where Snakemake ran with ``--skip-script-cleanup`` (its .snakemake/scripts/ holds one
script per job: Snakemake's preamble, then the workflow's shim). For one kept script per rule, each step
is run in a fresh interpreter (from DIR, so relative paths resolve) and its CPU time (user + system of the
child, minimum over the repeats) is measured:
  * python -c pass                                     → interpreter start-up
  * the preamble alone                                 → + `script:` preamble (imports snakemake, unpickles)
  * the preamble and the shim's import lines           → + the package modules and their eager imports
  * the whole script                                   → + lazy imports, first-call set-up, and the work
  * the shim's body run a second time in that process  → the work alone, warm (the in-process cost)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

PREAMBLE_END = "######## snakemake preamble end #########\n"
WARM = """
import time
source = open({path!r}).read()
code = compile(source, {path!r}, "exec")
exec(code, {{"__name__": "__main__", "__file__": {path!r}}})
start = time.process_time()
exec(code, {{"__name__": "__main__", "__file__": {path!r}}})
print(time.process_time() - start)
"""


def child_cpu(args: list[str], cwd: Path, env: dict) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{args[:2]} failed:\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def costs(script: Path, cwd: Path, env: dict, repeat: int) -> dict[str, float]:
    text = script.read_text()
    preamble, body = text.split(PREAMBLE_END, 1)
    preamble = f"__file__ = {str(script)!r}\n" + preamble
    imports = "\n".join(line for line in body.splitlines() if line.startswith(("import ", "from ")))
    python = sys.executable
    steps = {
        "interpreter": [python, "-c", "pass"],
        "preamble": [python, "-c", preamble],
        "imports": [python, "-c", preamble + "\n" + imports],
        "job": [python, str(script)],
    }
    best = {name: min(child_cpu(cmd, cwd, env)[0] for _ in range(repeat)) for name, cmd in steps.items()}
    best["work_warm"] = min(
        float(child_cpu([python, "-c", WARM.format(path=str(script))], cwd, env)[1].split()[-1])
        for _ in range(repeat)
    )
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    scripts: dict[str, Path] = {}
    for path in sorted((args.directory / ".snakemake" / "scripts").glob("tmp*.py")):
        scripts.setdefault(path.name.split(".")[1], path)
    print("| job (script) | interpreter | + `script:` preamble | + eager imports | + lazy imports, set-up | "
          "work (warm) | whole job | overhead share |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, path in scripts.items():
        c = costs(path, args.directory, env, args.repeat)
        lazy = c["job"] - c["imports"] - c["work_warm"]
        print(
            f"| {name} | {c['interpreter']:.2f} | {c['preamble'] - c['interpreter']:.2f} | "
            f"{c['imports'] - c['preamble']:.2f} | {lazy:.2f} | {c['work_warm']:.2f} | {c['job']:.2f} | "
            f"{1 - c['work_warm'] / c['job']:.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
