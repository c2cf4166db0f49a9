"""Experiment (not part of the workflow): run every `script:` job in a fork of one pre-loaded process.

    python benchmarks/experiments/zygote.py snakemake --cores 2 ...     # snakemake, jobs forked

Measured in benchmarks/RESULTS.md, label "zygote". Each job normally pays a fresh interpreter, Snakemake's
`script:` preamble and the imports of pandas, pyarrow, scipy, WeasyPrint… before doing a few tens of
milliseconds of work. Here a server process (the "zygote") imports all of them once; Snakemake still writes
each job's script (preamble + shim, unchanged) and runs it through a small client, which hands the script
path, the working directory, the environment and its stdin/stdout/stderr (SCM_RIGHTS) to the zygote over a
Unix socket. The zygote forks; the child runs the script as `python script.py` would and sends back its exit
status, which the client exits with. Every job stays its own process, with its own log and its own
per-practice rerun; only the start-up is shared. The Snakefile and the rules are untouched.

Known gaps of the prototype: cancelling a job (Ctrl-C) kills the client, not the forked child; no
per-job resource limits beyond what Snakemake already has; Linux only.
"""

from __future__ import annotations

import os
import runpy
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

# What the jobs import, loaded once in the zygote (the workflow scripts' modules and their lazy imports).
PRELOAD = (
    "snakemake.script",
    "pandas",
    "pyarrow.parquet",
    "scipy.special",
    "scipy.stats",
    "statsmodels.stats.multitest",
    "jsonschema",
    "yaml",
    "jinja2",
    "weasyprint",
    "weasyprint.text.ffi",
    "assistmed.log",
    "assistmed.ingest",
    "assistmed.clean",
    "assistmed.patients.analyse",
    "assistmed.reports.patients",
)

CLIENT = r'''
import os, socket, struct, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(os.environ["ASSISTMED_ZYGOTE"])
request = repr({"script": os.path.abspath(sys.argv[1]), "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
socket.send_fds(sock, [struct.pack("!I", len(request)) + request], [0, 1, 2])
status = sock.recv(4)
sys.exit(struct.unpack("!i", status)[0] if len(status) == 4 else 1)
'''


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    size = struct.unpack("!I", data[:4])[0]
    data = data[4:]
    while len(data) < size:
        data += conn.recv(size - len(data))
    import ast

    return ast.literal_eval(data.decode()), fds


def _run_child(conn: socket.socket, request: dict, fds: list[int]) -> None:
    status = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin, sys.stdout, sys.stderr = (
            open(0, closefd=False),
            open(1, "w", closefd=False, buffering=1),
            open(2, "w", closefd=False, buffering=1),
        )
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [request["script"]]
        try:
            runpy.run_path(request["script"], run_name="__main__")
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        try:
            conn.sendall(struct.pack("!i", status))
        finally:
            os._exit(status)


def serve(path: str) -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    children: set[int] = set()
    stopping = False
    import signal

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    while not stopping or children:
        # Reap finished jobs: their CPU time then counts in this process's RUSAGE_CHILDREN.
        while children:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            children.discard(pid)
        if stopping:
            time.sleep(0.05)
            continue
        try:
            ready, _, _ = select.select([server], [], [], 0.2)
        except InterruptedError:
            continue
        if not ready:
            continue
        conn, _ = server.accept()
        request, fds = _read_request(conn)
        pid = os.fork()
        if pid == 0:
            server.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _run_child(conn, request, fds)
        children.add(pid)
        conn.close()
        for fd in fds:
            os.close(fd)


def run_snakemake(args: list[str]) -> int:
    """Snakemake in this process, its Python script jobs sent to a zygote started for the run."""
    workdir = Path(tempfile.mkdtemp(prefix="assistmed-zygote-"))
    sock_path = str(workdir / "zygote.sock")
    client = workdir / "client"
    client.write_text(f"#!{sys.executable} -SE\n{CLIENT}")
    client.chmod(0o755)
    zygote = subprocess.Popen([sys.executable, __file__, "serve", sock_path], env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    while not os.path.exists(sock_path):
        if zygote.poll() is not None:
            raise SystemExit("the zygote did not start")
        time.sleep(0.02)
    os.environ["ASSISTMED_ZYGOTE"] = sock_path

    from snakemake.cli import main
    from snakemake.script import PythonScript

    def execute_script(self, fname, edit=False):
        self._execute_cmd("{client} {fname:q}", client=str(client), fname=fname, is_python_script=True)

    PythonScript.execute_script = execute_script
    sys.argv = ["snakemake", *args]
    try:
        main()
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        zygote.terminate()
        zygote.wait()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "snakemake":
        sys.exit(run_snakemake(sys.argv[2:]))
    else:
        raise SystemExit(__doc__)
