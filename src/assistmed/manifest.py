"""What the current configuration produces, so that nothing stale is mistaken for current.

After every successful run of the whole workflow, ``<output_dir>/MANIFEST.csv`` lists each output and log
file of the configuration's jobs: its path (relative to the output folder), the rule that writes it and a
digest of the inputs it was made from. A file under the output folder that the manifest does not list (a practice removed from the config, a
renamed region) is stale: ``python -m assistmed.manifest`` (``make clean-stale``) lists such files and, on
request, removes them.

    python -m assistmed.manifest [--config FILE] [--delete]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistmed.io import atomic_path

MANIFEST = "MANIFEST.csv"
COLUMNS = ["path", "rule", "kind", "input_digest"]


@dataclass(frozen=True)
class Produced:
    """One file a job writes: its path, the job's rule, ``output`` or ``log``, and the job's input files."""

    path: str
    rule: str
    kind: str
    inputs: tuple[str, ...]


class _Digests:
    """SHA-256 of files, each file read once however many jobs read it."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def file(self, path: str) -> str:
        if path not in self._known:
            digest = hashlib.sha256()
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
            self._known[path] = digest.hexdigest()
        return self._known[path]

    def inputs(self, paths: Iterable[str]) -> str:
        """One digest of a job's inputs: their sorted paths and contents."""
        digest = hashlib.sha256()
        for path in sorted(set(paths)):
            digest.update(f"{path}\t{self.file(path)}\n".encode())
        return digest.hexdigest()


def write_manifest(produced: Iterable[Produced], output_dir: str | Path) -> Path:
    """Write ``<output_dir>/MANIFEST.csv`` (sorted by path, same bytes for the same files)."""
    digests = _Digests()
    rows = sorted(
        {
            (Path(os.path.relpath(p.path, output_dir)).as_posix(), p.rule, p.kind, digests.inputs(p.inputs))
            for p in produced
            if Path(p.path).exists()
        }
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    target = Path(output_dir) / MANIFEST
    with atomic_path(target) as tmp:
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
    return target


def listed(output_dir: str | Path) -> set[Path]:
    """Files the manifest lists, resolved."""
    root = Path(output_dir)
    with (root / MANIFEST).open(encoding="utf-8", newline="") as stream:
        return {(root / row["path"]).resolve() for row in csv.DictReader(stream)}


def stale_files(output_dir: str | Path) -> list[Path]:
    """Files under the output folder that the last full run did not produce (the manifest itself excepted).

    Raises FileNotFoundError when the folder has no manifest: without one, nothing can be called stale.
    """
    root = Path(output_dir)
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise FileNotFoundError(
            f"{manifest} : pas de manifeste ; lancez d'abord le workflow en entier / no manifest: run the whole "
            "workflow first"
        )
    current = listed(root) | {manifest.resolve()}
    return sorted(p for p in root.rglob("*") if p.is_file() and p.resolve() not in current)


def remove(files: Sequence[Path], output_dir: str | Path) -> None:
    """Delete stale files, then the folders they leave empty (never the output folder itself)."""
    root = Path(output_dir).resolve()
    for path in files:
        path.unlink()
    for folder in sorted({p.parent.resolve() for p in files}, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def main(argv: Sequence[str] | None = None) -> int:
    from assistmed.startup import output_dir

    parser = argparse.ArgumentParser(
        prog="python -m assistmed.manifest",
        description="Fichiers périmés du dossier de résultats / stale files of the output folder",
    )
    parser.add_argument("--config", default="config/config.yaml", help="configuration (default: %(default)s)")
    parser.add_argument("--delete", action="store_true", help="remove the stale files (default: only list them)")
    args = parser.parse_args(argv)
    import yaml

    folder = output_dir(yaml.safe_load(Path(args.config).read_text(encoding="utf-8")) or {})
    try:
        files = stale_files(folder)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in files:
        print(path)
    if not files:
        print(f"{folder} : aucun fichier périmé / no stale file", file=sys.stderr)
    elif args.delete:
        remove(files, folder)
        print(f"{len(files)} fichier(s) supprimé(s) / file(s) removed", file=sys.stderr)
    else:
        print(
            f"{len(files)} fichier(s) périmé(s) ; make clean-stale DELETE=1 les supprime / "
            f"{len(files)} stale file(s); make clean-stale DELETE=1 removes them",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
