"""A throwaway single-node SLURM cluster on localhost, configured and run from one directory.

Everything (munge key, slurm.conf, state, spool, logs, sockets) lives under the directory given; nothing in
/etc is read or written: the daemons get their files by option, and every SLURM command finds the cluster
through ``SLURM_CONF`` (see ``LocalSlurmCluster.env``). Daemons run as root in the foreground of their own
session, so their process ids are known exactly and ``stop`` ends them, and any job they left behind, by id.

Command line (as root), for trying the profile by hand::

    python tests/slurm/cluster.py run /tmp/slurm-try -- snakemake --profile workflow/profiles/slurm
    python tests/slurm/cluster.py start /tmp/slurm-try   # prints the SLURM_CONF to export
    python tests/slurm/cluster.py stop /tmp/slurm-try
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# Debian packages that provide every binary below (Debian 12: SLURM 22.05, munge 0.5).
APT_PACKAGES = ("slurm-wlm", "munge")
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sinfo", "squeue", "sbatch", "scancel", "scontrol", "srun")
# Set in the environment of the daemons and of whatever runs through the cluster: after the daemons stop,
# any process still carrying it (a job step slurmd left behind) belongs to this cluster and is ended.
MARKER = "ASSISTMED_LOCAL_SLURM"
NODE = "localhost"
PARTITION = "local"


def _search_path() -> str:
    """PATH plus the sbin directories where Debian puts the daemons (absent from a plain user's PATH)."""
    return os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def missing_binaries() -> list[str]:
    """Names of the SLURM and munge programs not found on PATH (sbin included)."""
    return [name for name in DAEMONS + CLIENTS if shutil.which(name, path=_search_path()) is None]


def _which(name: str) -> str:
    found = shutil.which(name, path=_search_path())
    if found is None:
        raise FileNotFoundError(f"{name} not found; install the Debian packages: apt-get install {' '.join(APT_PACKAGES)}")
    return found


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _machine_memory_mb() -> int:
    """MemTotal in MiB, the figure slurmd itself reports; configuring more would drain the node."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("MemTotal missing from /proc/meminfo")


def slurm_conf(root: Path, ctld_port: int, slurmd_port: int, cpus: int, memory_mb: int) -> str:
    """slurm.conf for one node: no accounting, no cgroups (linuxproc tracking, no task plugin)."""
    return f"""\
ClusterName=assistmed-local
SlurmctldHost={NODE}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root / "munge" / "munge.socket"}
StateSaveLocation={root / "state"}
SlurmdSpoolDir={root / "spool"}
SlurmctldPidFile={root / "run" / "slurmctld.pid"}
SlurmdPidFile={root / "run" / "slurmd.pid"}
SlurmctldLogFile={root / "log" / "slurmctld.log"}
SlurmdLogFile={root / "log" / "slurmd.log"}
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# squeue must still see finished jobs when Snakemake asks for their state, and the test counts them after the
# run: kept an hour (a site's default, 300 s, would drop the first jobs of a run slowed by a loaded machine).
MinJobAge=3600
InactiveLimit=0
KillWait=5
NodeName={NODE} NodeAddr=127.0.0.1 NodeHostname={NODE} CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes={NODE} Default=YES MaxTime=INFINITE State=UP
"""


@dataclass
class LocalSlurmCluster:
    """One node (``localhost``, this machine's CPUs and memory), one partition, state under ``root``."""

    root: Path
    # Kept so that the daemons started here are not garbage-collected as "still running" Popen objects.
    _procs: dict[str, subprocess.Popen] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()

    @property
    def conf(self) -> Path:
        return self.root / "slurm.conf"

    @property
    def _pids_file(self) -> Path:
        return self.root / "run" / "pids.json"

    def env(self) -> dict[str, str]:
        """This process's environment, in which SLURM commands (and the jobs they submit) use this cluster."""
        env = dict(os.environ)
        env["SLURM_CONF"] = str(self.conf)
        env[MARKER] = str(self.root)
        env["PATH"] = os.pathsep.join([str(self.root / "bin"), env.get("PATH", ""), "/usr/sbin"])
        return env

    def write_config(self) -> None:
        for sub in ("bin", "munge", "state", "spool", "run", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # Inside a job, snakemake-executor-plugin-slurm-jobstep (0.6) drops every SLURM_* variable, SLURM_CONF
        # included, before its nested srun; a real site's srun then reads /etc/slurm, which this cluster leaves
        # alone, so jobs reach it through an srun that puts SLURM_CONF back.
        srun = self.root / "bin" / "srun"
        srun.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec "{_which("srun")}" "$@"\n')
        srun.chmod(0o755)
        (self.root / "munge").chmod(0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(128))
        key.chmod(0o600)
        ctld_port = _free_loopback_port()
        slurmd_port = _free_loopback_port()
        while slurmd_port == ctld_port:
            slurmd_port = _free_loopback_port()
        self.conf.write_text(slurm_conf(self.root, ctld_port, slurmd_port, os.cpu_count() or 1, _machine_memory_mb()))

    def _spawn(self, name: str, args: list[str]) -> int:
        log = open(self.root / "log" / f"{name}.out", "ab")
        proc = subprocess.Popen(
            [_which(name), *args],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env(),
            start_new_session=True,
        )
        log.close()
        self._procs[name] = proc
        pids = self._read_pids()
        pids[name] = proc.pid
        self._pids_file.write_text(json.dumps(pids))
        return proc.pid

    def _read_pids(self) -> dict[str, int]:
        return json.loads(self._pids_file.read_text()) if self._pids_file.exists() else {}

    def start(self, timeout: float = 600.0) -> None:
        """Configure, start munged, slurmctld and slurmd, and wait until the node is idle."""
        missing = missing_binaries()
        if missing:
            raise FileNotFoundError(f"missing {', '.join(missing)}; apt-get install {' '.join(APT_PACKAGES)}")
        self.write_config()
        munge = self.root / "munge"
        try:
            self._spawn(
                "munged",
                [
                    "--foreground",
                    "--force",
                    f"--key-file={munge / 'munge.key'}",
                    f"--socket={munge / 'munge.socket'}",
                    f"--pid-file={munge / 'munged.pid'}",
                    f"--seed-file={munge / 'munged.seed'}",
                    f"--log-file={self.root / 'log' / 'munged.log'}",
                ],
            )
            self._wait(lambda: (munge / "munge.socket").exists(), timeout, "munged socket")
            self._spawn("slurmctld", ["-D", "-c", "-f", str(self.conf)])
            self._spawn("slurmd", ["-D", "-N", NODE, "-f", str(self.conf)])
            self._wait(self.node_idle, timeout, f"node {NODE} idle in sinfo")
        except BaseException:
            self.stop()
            raise

    def node_idle(self) -> bool:
        out = subprocess.run(
            ["sinfo", "--noheader", "--Node", "--format=%N %t"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        return out.returncode == 0 and f"{NODE} idle" in out.stdout

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [name for name, pid in self._read_pids().items() if not _alive(pid)]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited while waiting for {what}\n{self.logs_tail()}")
            if ready():
                return
            time.sleep(0.5)
        raise TimeoutError(f"no {what} after {timeout:.0f} s\n{self.logs_tail()}")

    def logs_tail(self, lines: int = 20) -> str:
        parts = []
        for log in sorted((self.root / "log").glob("*")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log}\n" + "\n".join(text))
        return "\n".join(parts)

    def stop(self) -> None:
        """Cancel jobs, end the daemons (SIGTERM, then SIGKILL), then any process left carrying MARKER."""
        pids = self._read_pids()
        if _alive(pids.get("slurmctld")):
            subprocess.run(["scancel", "--full", f"--partition={PARTITION}"], env=self.env(), capture_output=True, timeout=120)
        _terminate([pids[name] for name in ("slurmd", "slurmctld") if name in pids])
        _terminate([pids["munged"]] if "munged" in pids else [])
        _terminate(_marked_processes(str(self.root)), grace=3.0)
        self._pids_file.unlink(missing_ok=True)
        for proc in self._procs.values():
            proc.poll()
        self._procs.clear()

    def __enter__(self) -> LocalSlurmCluster:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _alive(pid: int | None) -> bool:
    """Whether ``pid`` still runs; a zombie (exited, not yet reaped) does not, and a child of ours is reaped."""
    if pid is None:
        return False
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _terminate(pids: list[int], grace: float = 10.0) -> None:
    """SIGTERM to every process, SIGKILL to those still there after ``grace`` seconds."""

    def signal_all(signum: int) -> None:
        for pid in pids:
            try:
                if _alive(pid):
                    os.kill(pid, signum)
            except ProcessLookupError:
                pass

    signal_all(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.2)
    signal_all(signal.SIGKILL)


def _marked_processes(value: str) -> list[int]:
    wanted = f"{MARKER}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in environ:
            found.append(int(entry.name))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop", "run"))
    parser.add_argument("dir", type=Path, help="directory holding the cluster's configuration and state")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="for run: -- COMMAND ...")
    args = parser.parse_args(argv)
    cluster = LocalSlurmCluster(args.dir)
    if args.action == "start":
        cluster.start()
        print(f"export SLURM_CONF={cluster.conf}")
        return 0
    if args.action == "stop":
        cluster.stop()
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    with cluster:
        return subprocess.run(command, env=cluster.env()).returncode


if __name__ == "__main__":
    sys.exit(main())
