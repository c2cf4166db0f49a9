"""Benchmarks of the workflow on synthetic regions of N practices (issue #5).

    python benchmarks/bench.py run --practices 6 100          # measure, write benchmarks/results/*.json
    python benchmarks/bench.py table                          # RESULTS.md from every stored result
    python benchmarks/bench.py lower-bound --config FILE --out DIR   # used by `run`

For each N, in a scratch directory outside the repository (default /tmp/bench-N): generate a region with
``python -m assistmed.synth region``, then measure with ``--cores 2``
  * the dry-run on a fresh directory (every job planned),
  * the full run (job peak memory sampled every 0.1 s from /proc: VmHWM of every job process),
  * the no-op run (nothing to do),
  * the rerun after one practice's file changes (its last data row removed),
  * the lower bound: the same analyses and PDFs called one after the other in one Python process,
  * the rerun's lower bound: in the lower bound's directory, the changed practice's chain and quality
    workbook, the pooled steps and every report that shows pooled figures, in one Python process,
  * the heaviest job run alone under ``/usr/bin/time -v`` (its max RSS).
Wall time is ``time.perf_counter`` around the subprocess; CPU time is the children's rusage (user + system)
over the same interval, so it includes every job process. Benchmarks are not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from assistmed.reports.batch import chunks

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS", ROOT / "benchmarks" / "results"))
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
LINKED = ("Snakefile", "workflow", "config", "resources")
REGION = "bench"
SCENARIOS = ("dry_run", "full", "noop", "rerun_one_dry", "rerun_one", "rerun_one_bound", "lower_bound")
SCENARIO_LABELS = {
    "dry_run": "dry-run (fresh, all jobs planned)",
    "full": "full run",
    "noop": "no-op run",
    "rerun_one_dry": "dry-run after one practice changes (jobs planned)",
    "rerun_one": "rerun after one practice changes",
    "rerun_one_bound": "lower bound of that rerun: the practice's chain, pooled steps, every report, one process",
    "lower_bound": "lower bound: one process, no orchestration",
}
FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: ([\w-]+)\)")
JOB_STATS = re.compile(r"^Job stats:\n(.*?)^total\s+\d+", re.S | re.M)
SCRIPT = re.compile(r"\.snakemake/scripts/tmp[^.]+\.(\w+)\.py")
KEPT_SCRIPTS = {"process_practice", "pool_region", "report_practices", "report_region_patients"}
ZYGOTE = ROOT / "benchmarks" / "experiments" / "zygote.py"
ALL_SCENARIOS = ["dry_run", "full", "noop", "rerun_one", "lower_bound", "rerun_one_bound", "heaviest"]
CHANGED = f"{REGION}-0001"  # the practice whose file the rerun scenario changes


# ---------------------------------------------------------------- measurement


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class PeakSampler(threading.Thread):
    """Polls the process tree under `pid` and keeps, per job script, the largest VmHWM (peak RSS) seen."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peaks_kb: dict[str, int] = {}
        self.main_cpu_s = 0.0
        self.stop = threading.Event()

    @staticmethod
    def _hwm_kb(pid: int) -> int:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in tree:
            try:
                cmdline = " ".join(proc.cmdline())
                if proc.pid == self.pid:
                    name = "snakemake (main process)"
                    times = proc.cpu_times()
                    self.main_cpu_s = times.user + times.system
                elif "zygote.py serve" in cmdline:
                    # The experiment's server, or a job forked from it (its RSS counts the shared preload).
                    parent = proc.parent()
                    forked = parent is not None and "zygote.py serve" in " ".join(parent.cmdline())
                    name = "job forked from the zygote" if forked else "zygote (preloaded server)"
                else:
                    match = SCRIPT.search(cmdline)
                    if not match:
                        continue
                    name = match.group(1)
                self.peaks_kb[name] = max(self.peaks_kb.get(name, 0), self._hwm_kb(proc.pid))
            except (psutil.NoSuchProcess, psutil.AccessDenied, FileNotFoundError, ProcessLookupError):
                continue

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self._sample()


def measure(cmd: list[str], cwd: Path, env: dict, log: Path, sample: bool = False) -> dict:
    """Run `cmd`; wall, children CPU, load average before and after, jobs it ran (or planned)."""
    load_start = os.getloadavg()[0]
    cpu0, t0 = _children_cpu(), time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakSampler(proc.pid) if sample else None
        if sampler:
            sampler.start()
        rc = proc.wait()
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if sampler:
        sampler.stop.set()
        sampler.join()
    if rc != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed (exit {rc}); see {log}")
    text = log.read_text(errors="replace")
    row = {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
        "log": str(log),
    }
    row.update(count_jobs(text))
    if sampler:
        row["peak_rss_mb_sampled"] = {k: round(v / 1024, 1) for k, v in sorted(sampler.peaks_kb.items())}
        # Snakemake's own CPU (its process, not its jobs), as last sampled: a lower estimate.
        row["snakemake_main_cpu_s"] = round(sampler.main_cpu_s, 2)
    return row


def count_jobs(log_text: str) -> dict:
    """Jobs run (from 'Finished jobid' lines) or, for a dry-run, planned (from the 'Job stats' table);
    the `all` target is not a job and is left out."""
    finished = [rule for rule in FINISHED.findall(log_text) if rule != "all"]
    if finished:
        by_rule: dict[str, int] = {}
        for rule in finished:
            by_rule[rule] = by_rule.get(rule, 0) + 1
        return {"jobs": len(finished), "jobs_by_rule": dict(sorted(by_rule.items()))}
    stats = JOB_STATS.search(log_text)
    if stats:
        by_rule = {}
        for line in stats.group(1).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit() and parts[0] != "all":
                by_rule[parts[0]] = int(parts[1])
        return {"jobs": sum(by_rule.values()), "jobs_by_rule": by_rule}
    return {"jobs": 0, "jobs_by_rule": {}}


def region_report_size(workdir: Path) -> dict | None:
    """Pages and bytes of the regional patient report (the document that must stay readable at any N)."""
    from pypdf import PdfReader

    found = sorted(workdir.glob(f"**/reports/{REGION}-patients.pdf"))
    if not found:
        return None
    return {"pages": len(PdfReader(found[0]).pages), "bytes": found[0].stat().st_size}


def max_rss_time_v(cmd: list[str], cwd: Path, env: dict) -> float:
    """Max RSS (MB) of `cmd` as /usr/bin/time -v reports it."""
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed:\n{done.stderr[-2000:]}")
    kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return round(int(kb.group(1)) / 1024, 1)


# ---------------------------------------------------------------- one benchmark


def machine() -> dict:
    cpu_model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    snakemake_version = subprocess.run(
        [sys.executable, "-m", "snakemake", "--version"], capture_output=True, text=True
    ).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    if commit.returncode != 0:
        # A snapshot made with `git archive` (see RESULTS.md), so that editing the worktree during a long
        # run does not change the code the jobs import: its commit is given in BENCH_COMMIT.
        return {**_machine_common(cpu_model, mem_kb, snakemake_version),
                "commit": os.environ.get("BENCH_COMMIT", "unknown") + " (git archive snapshot)"}
    return {**_machine_common(cpu_model, mem_kb, snakemake_version),
            "commit": commit.stdout.strip() + (" (with uncommitted changes)" if dirty else "")}


def _machine_common(cpu_model: str, mem_kb: int, snakemake_version: str) -> dict:
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024**2, 1),
        "cpu_model": cpu_model,
        "python": platform.python_version(),
        "snakemake": snakemake_version,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def default_practices_per_job() -> int:
    """Practice reports per job when the config does not say (the benchmark's config does not)."""
    import yaml

    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    return schema["properties"]["reports"]["properties"]["practices_per_job"]["default"]


def change_one_practice(csv: Path) -> None:
    """Remove the last data row of a practice's file: a real content change, as a data-entry correction."""
    data = csv.read_bytes().rstrip(b"\r\n")
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    csv.write_bytes(data[: data.rindex(newline)] + newline)


def bench(n: int, workdir: Path, scheduler: str, cores: int, label: str, launcher: str,
          scenarios: list[str], save) -> dict:
    """Measure the scenarios in order; `save(result)` is called after each, so a run cut short keeps
    what it measured."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in LINKED:
        (workdir / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    python = sys.executable
    subprocess.run(
        [python, "-m", "assistmed.synth", "region", "--name", REGION, "--practices", str(n),
         "--out", "data", "--config-out", "bench.yaml"],
        cwd=workdir, env=env, check=True, capture_output=True,
    )
    start = [python, "-m", "snakemake"] if launcher == "snakemake" else [python, str(ZYGOTE), "snakemake"]
    options = ["--cores", str(cores), "--configfile", "bench.yaml", "--replace-workflow-config",
               "--scheduler", scheduler]
    snakemake = [*start, *options]
    # Runs with no job to run do not start the experiment's zygote (a real set-up would start it lazily).
    planning = [python, "-m", "snakemake", *options]
    logs = workdir / "bench-logs"
    logs.mkdir()
    rows: dict[str, dict] = {}
    result = {
        "label": label,
        "practices": n,
        "scheduler": scheduler,
        "launcher": launcher,
        "cores": cores,
        "returns_per_practice": 60,
        "machine": machine(),
        "command": shlex.join(["python", "benchmarks/bench.py", *sys.argv[1:]]),
        "scenarios": rows,
    }
    if "dry_run" in scenarios:
        print(f"N={n}: dry-run", flush=True)
        rows["dry_run"] = measure([*planning, "--dry-run"], workdir, env, logs / "dry_run.log")
        save(result)
    if "full" in scenarios:
        print(f"N={n}: full run", flush=True)
        rows["full"] = measure(snakemake, workdir, env, logs / "full.log", sample=True)
        result["region_report"] = region_report_size(workdir)
        save(result)
    if "noop" in scenarios:
        print(f"N={n}: no-op", flush=True)
        rows["noop"] = measure(planning, workdir, env, logs / "noop.log")
        save(result)
    if "rerun_one" in scenarios:
        change_one_practice(workdir / "data" / REGION / "patients" / f"{CHANGED}.csv")
        print(f"N={n}: rerun after one practice changes", flush=True)
        rows["rerun_one_dry"] = measure([*planning, "--dry-run"], workdir, env, logs / "rerun_one_dry.log")
        save(result)
        rows["rerun_one"] = measure([*snakemake, "--skip-script-cleanup"], workdir, env,
                                    logs / "rerun_one.log", sample=True)
        save(result)
    bound = [python, str(Path(__file__).resolve()), "lower-bound", "--config", "bench.yaml", "--out", "lower-bound"]
    # The jobs a bound stands for: one process_practice per practice redone, the practice reports' chunks, the
    # pooled analysis and the regional report.
    report_chunks = len(chunks(range(n), default_practices_per_job()))
    if "lower_bound" in scenarios:
        print(f"N={n}: lower bound", flush=True)
        rows["lower_bound"] = measure(bound, workdir, env, logs / "lower_bound.log")
        rows["lower_bound"]["jobs"] = n + report_chunks + 2
        save(result)
    if "rerun_one_bound" in scenarios:
        # On the lower bound's outputs (its other practices' tables stay): what the rerun must redo at least.
        print(f"N={n}: lower bound of the rerun after one practice changes", flush=True)
        rows["rerun_one_bound"] = measure([*bound, "--practice", CHANGED], workdir, env, logs / "rerun_one_bound.log")
        rows["rerun_one_bound"]["jobs"] = 1 + report_chunks + 2
        save(result)
    if "heaviest" in scenarios and "full" in rows and "rerun_one" in rows:
        # Run alone, from the scripts Snakemake kept in the rerun: the two jobs whose input grows with N and
        # the job with the largest sampled peak (with the zygote, the sampled processes are its clients, so
        # only the first two count).
        sampled = {k: v for k, v in rows["full"]["peak_rss_mb_sampled"].items() if k in KEPT_SCRIPTS}
        candidates = {"pool_region", "report_region_patients", max(sampled, key=sampled.get)}
        alone = {}
        for name in sorted(candidates):
            script = next((workdir / ".snakemake" / "scripts").glob(f"tmp*.{name}.py"))
            alone[name] = max_rss_time_v([python, str(script)], workdir, env)
        heaviest = max(alone, key=alone.get)
        result["heaviest_job"] = {"script": heaviest, "max_rss_mb": alone[heaviest], "alone_mb": alone}
        save(result)
    shutil.rmtree(workdir / ".snakemake" / "scripts", ignore_errors=True)
    return result


# ---------------------------------------------------------------- lower bound


def lower_bound(config_file: Path, out: Path, practice: str | None = None) -> None:
    """The workflow's analyses, PDFs and quality workbooks, in one process, with the functions the workflow
    scripts call. With ``practice``, in a directory where the whole bound already ran: only that practice's
    chain and quality workbook, then the pooled steps and every report (each shows pooled figures)."""
    import yaml
    from snakemake.utils import validate

    from assistmed.clean import clean_file
    from assistmed.ingest import ingest_file
    from assistmed.disclosure.patients import disclose_region
    from assistmed.patients.analyse import analyse_practice, pool_region
    from assistmed.patients.describe import describe_region
    from assistmed.reports.patients import render_practice_reports, render_region_patients_report
    from assistmed.reports.quality import write_quality_workbook
    from assistmed.settings import defaults

    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.setdefault("reports", {})  # the schema's defaults fill a section only where it exists
    validate(config, str(ROOT / "workflow" / "schemas" / "config.schema.yaml"))
    codebook = config["codebooks"]["patients"]
    settings = {**defaults(), **config.get("analysis", {})}  # as the workflow reads it (assistmed.settings)
    threshold = config["reports"]["small_count_threshold"]
    for region, spec in config["regions"].items():
        practices = spec["patients"]["practices"]
        base = out / region / "patients"
        paths = {
            p: {
                "ingested": base / "ingested" / f"{p}.parquet",
                "clean": base / "clean" / f"{p}.parquet",
                "rejects": base / "rejects" / f"{p}.parquet",
                "nulled": base / "nulled" / f"{p}.parquet",
                "quality": base / "quality" / f"{p}.parquet",
                **{t: base / "practices" / p / f"{t}.parquet" for t in ("indicators", "distributions", "associations")},
            }
            for p in practices
        }
        redone = practices if practice is None else {practice: practices[practice]}
        for p, entry in redone.items():
            ingest_file(entry["file"], paths[p]["ingested"], codebook_path=codebook)
            clean_file(paths[p]["ingested"], paths[p]["clean"], paths[p]["rejects"], codebook_path=codebook,
                       extra_columns={"region": region, "practice": p}, nulled=paths[p]["nulled"],
                       summary=paths[p]["quality"])
            write_quality_workbook(ingested=paths[p]["ingested"], rejects=paths[p]["rejects"],
                                   nulled=paths[p]["nulled"], summary=paths[p]["quality"], codebook=codebook,
                                   xlsx=out / region / "quality" / f"{p}.xlsx", label=entry.get("label", p),
                                   source=entry["file"])
            analyse_practice(paths[p]["clean"], indicators=paths[p]["indicators"],
                             distributions=paths[p]["distributions"], associations=paths[p]["associations"],
                             codebook=codebook, practice=p, distributed=entry["distributed"],
                             settings=settings)
        pooled = {t: base / f"{t}.parquet" for t in ("indicators", "distributions", "associations", "funnel", "weights")}
        margins = {p: s.get("margins", {}) for p, s in practices.items()} if settings["weights"] == "calibrated" else {}
        pool_region(
            [paths[p]["clean"] for p in practices],
            [paths[p]["indicators"] for p in practices],
            [paths[p]["distributions"] for p in practices],
            [paths[p]["associations"] for p in practices],
            codebook=codebook, region=region,
            distributed={p: s["distributed"] for p, s in practices.items()}, margins=margins, settings=settings,
            **pooled,
        )
        described = {t: base / f"{t}.parquet" for t in ("period", "comments", "comparisons")}
        describe_region(
            [paths[p]["clean"] for p in practices], pooled["indicators"], region=region, practices=list(practices),
            confidence=settings["confidence"], **described,
        )
        published = out / region / "disclosure" / "patients.parquet"
        disclose_region(
            distributions=pooled["distributions"], indicators=pooled["indicators"], codebook=codebook,
            published=published, audit=published.with_name("patients-audit.parquet"), region=region,
            practices=list(practices), threshold=threshold,
        )
        meta = {
            "study_title": config["study"]["title"],
            "author": config["study"]["author"],
            "synthetic": config["study"]["synthetic"],
            "region": region,
            "region_label": spec["label"],
            "period": spec["patients"].get("period"),
        }
        labels = {p: s.get("label", p) for p, s in practices.items()}
        reports = out / region / "reports"
        render_practice_reports(
            published=str(published), **{k: str(v) for k, v in described.items()}, codebook=codebook,
            practices=list(practices), associations=[str(paths[p]["associations"]) for p in practices],
            quality=[str(paths[p]["quality"]) for p in practices], raw=[s["file"] for s in practices.values()],
            pdf=[str(reports / f"{p}.pdf") for p in practices],
            meta={p: {**meta, "practice": p, "practice_labels": {p: labels[p]}} for p in practices},
            settings=settings, code="lower-bound", config_digest=dict.fromkeys(practices, "-"),
        )
        render_region_patients_report(
            published=str(published), indicators=str(pooled["indicators"]), funnel=str(pooled["funnel"]),
            associations=str(pooled["associations"]), **{k: str(v) for k, v in described.items()},
            quality=[str(paths[p]["quality"]) for p in practices], raw=[s["file"] for s in practices.values()],
            codebook=codebook, pdf=str(reports / f"{region}-patients.pdf"),
            digests=str(out / region / "tables" / "patients-inputs-sha256.csv"),
            meta={**meta, "practice_labels": labels}, settings=settings,
            code="lower-bound", config_digest="-",
        )


# ---------------------------------------------------------------- table


def _fmt_jobs(row: dict) -> str:
    return str(row.get("jobs", ""))


def render_table(results: list[dict]) -> str:
    """The Markdown table of every stored result, one row per (label, N, scenario)."""
    lines = [
        "| N | variant | scenario | wall (s) | CPU (s) | jobs | load avg start → end |",
        "|---:|---|---|---:|---:|---:|---|",
    ]
    for result in results:
        for key in SCENARIOS:
            row = result["scenarios"].get(key)
            if row is None:
                continue
            lines.append(
                f"| {result['practices']:,} | {result['label']} | {SCENARIO_LABELS[key]} | {row['wall_s']:.1f} | "
                f"{row['cpu_s']:.1f} | {_fmt_jobs(row)} | {row['load_start']:.2f} → {row['load_end']:.2f} |"
            )
    return "\n".join(lines)


def render_memory(results: list[dict]) -> str:
    lines = [
        "| N | variant | heaviest job (alone, `/usr/bin/time -v` max RSS) | sampled peaks during the full run (MB) "
        "| regional report |",
        "|---:|---|---|---|---|",
    ]
    for result in results:
        if "full" not in result["scenarios"]:
            continue
        heaviest = result.get("heaviest_job")
        sampled = ", ".join(f"{k} {v:.0f}" for k, v in result["scenarios"]["full"]["peak_rss_mb_sampled"].items())
        if heaviest is None:
            alone_text = "not measured"
        else:
            alone = heaviest.get("alone_mb") or {heaviest["script"]: heaviest["max_rss_mb"]}
            alone_text = ", ".join(f"{k} {v:.0f} MB" for k, v in alone.items())
        size = result.get("region_report")
        report = "not measured" if size is None else f"{size['pages']} pages, {size['bytes'] / 1e6:.1f} MB"
        lines.append(f"| {result['practices']:,} | {result['label']} | {alone_text} | {sampled} | {report} |")
    return "\n".join(lines)


def render_machines(results: list[dict]) -> str:
    lines = ["| N | variant | date | commit | nproc | RAM (GB) | CPU | Python | snakemake | command |",
             "|---:|---|---|---|---:|---:|---|---|---|---|"]
    for r in results:
        m = r["machine"]
        lines.append(
            f"| {r['practices']:,} | {r['label']} | {m['date']} | {m['commit']} | {m['nproc']} | {m['ram_gb']} | "
            f"{m['cpu_model']} | {m['python']} | {m['snakemake']} | `{r['command']}` |"
        )
    return "\n".join(lines)


def load_results() -> list[dict]:
    results = [json.loads(p.read_text()) for p in sorted(RESULTS_DIR.glob("*.json"))]
    return sorted(results, key=lambda r: (r["practices"], r["machine"]["date"]))


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="measure and store results")
    run.add_argument("--practices", type=int, nargs="+", required=True)
    run.add_argument("--scheduler", default="greedy", choices=["greedy", "ilp"])
    run.add_argument("--cores", type=int, default=2)
    run.add_argument("--label", default="", help="name of the variant measured (default: the scheduler)")
    run.add_argument("--launcher", default="snakemake", choices=["snakemake", "zygote"],
                     help="zygote: the experiment benchmarks/experiments/zygote.py")
    run.add_argument("--scenarios", nargs="+", default=ALL_SCENARIOS, choices=ALL_SCENARIOS)
    run.add_argument("--workdir", default="/tmp/bench-{n}-{label}", help="scratch directory ({n}: N)")
    low = commands.add_parser("lower-bound", help="the one-process lower bound (run by `run`)")
    low.add_argument("--config", type=Path, required=True)
    low.add_argument("--out", type=Path, required=True)
    low.add_argument("--practice", help="redo only this practice's chain (the whole bound ran in --out before)")
    commands.add_parser("table", help="print the tables of stored results (also written by `run`)")
    args = parser.parse_args(argv)
    if args.command == "run" and "rerun_one_bound" in args.scenarios and "lower_bound" not in args.scenarios:
        parser.error("rerun_one_bound runs in the lower bound's directory: ask for lower_bound too")
    if args.command == "lower-bound":
        lower_bound(args.config, args.out, args.practice)
        return
    if args.command == "run":
        RESULTS_DIR.mkdir(exist_ok=True)
        label = args.label or args.scheduler
        slug = re.sub(r"[^\w-]+", "_", label)
        for n in args.practices:
            path = RESULTS_DIR / f"{n:05d}-{slug}.json"

            def save(result: dict, path: Path = path) -> None:
                path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")

            result = bench(n, Path(args.workdir.format(n=n, label=slug)), args.scheduler, args.cores, label,
                           args.launcher, args.scenarios, save)
            print(render_table([result]), flush=True)
    results = load_results()
    print(render_table(results))
    RESULTS_MD.write_text(results_markdown(results), encoding="utf-8")


def results_markdown(results: list[dict]) -> str:
    notes_path = ROOT / "benchmarks" / "NOTES.md"
    notes = notes_path.read_text(encoding="utf-8") if notes_path.exists() else ""
    return (
        "# Benchmarks (issue #5)\n\n"
        "Generated by `python benchmarks/bench.py table` from `benchmarks/results/*.json` (each written by the "
        "`bench.py run` command listed below). Wall: `time.perf_counter` around the subprocess; CPU: children's "
        "rusage (user + system, every job process included); jobs: `Finished jobid` lines of the run (the dry-run: "
        "its Job stats table), the `all` target left out. Load average: 1-minute, before and after each "
        "measurement (the machine is shared by 5 engineers).\n\n"
        "## Time\n\n" + render_table(results) + "\n\n"
        "## Memory\n\n"
        "Sampled peaks: VmHWM of every job process read from /proc every 0.1 s during the full run, largest per "
        "script (a peak reached in a job's last 0.1 s can be missed); the heaviest script was then run alone "
        "under `/usr/bin/time -v`.\n\n" + render_memory(results) + "\n\n"
        "## Machine and command\n\n" + render_machines(results) + "\n\n" + notes
    )


if __name__ == "__main__":
    main()
