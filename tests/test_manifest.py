"""The manifest of what a configuration produces, and the stale files it reveals."""

from __future__ import annotations

import csv
import hashlib
import os

import pytest

from assistmed.manifest import MANIFEST, Produced, main, remove, stale_files, write_manifest


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in {
        "data/a.csv": "a;b\n1;2\n",
        "out/r/clean/a.parquet": "clean a",
        "out/r/clean/old.parquet": "clean of a removed practice",
        "out/r/reports/old.pdf": "report of a removed practice",
        "out/logs/r/a.log": "log",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_manifest_lists_each_file_with_its_rule_and_the_digest_of_its_inputs(project):
    produced = [
        Produced("out/r/clean/a.parquet", "clean_practice", "output", ("data/a.csv",)),
        Produced("out/logs/r/a.log", "clean_practice", "log", ("data/a.csv",)),
        Produced("out/r/missing.parquet", "clean_practice", "output", ("data/a.csv",)),
    ]
    write_manifest(produced, "out")
    with open("out/MANIFEST.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    content = sha("a;b\n1;2\n")
    digest = sha(f"data/a.csv\t{content}\n")
    assert rows == [
        ["path", "rule", "kind", "input_digest"],
        ["logs/r/a.log", "clean_practice", "log", digest],
        ["r/clean/a.parquet", "clean_practice", "output", digest],
    ]


def test_the_same_files_give_the_same_manifest_bytes(project):
    produced = [Produced("out/r/clean/a.parquet", "clean_practice", "output", ("data/a.csv",))]
    first = write_manifest(produced, "out").read_bytes()
    assert write_manifest(list(reversed(produced)), "out").read_bytes() == first


def test_files_the_manifest_does_not_list_are_stale_wherever_the_command_runs(project, monkeypatch):
    write_manifest([Produced("out/r/clean/a.parquet", "clean_practice", "output", ("data/a.csv",))], "out")
    monkeypatch.chdir(project / "data")
    assert [p.relative_to(project / "out").as_posix() for p in stale_files(project / "out")] == [
        "logs/r/a.log",
        "r/clean/old.parquet",
        "r/reports/old.pdf",
    ]
    monkeypatch.chdir(project)
    assert [p.relative_to("out").as_posix() for p in stale_files("out")] == [
        "logs/r/a.log",
        "r/clean/old.parquet",
        "r/reports/old.pdf",
    ]


def test_nothing_is_called_stale_without_a_manifest(project):
    with pytest.raises(FileNotFoundError, match="pas de manifeste"):
        stale_files("out")


def test_removing_stale_files_also_removes_the_folders_they_leave_empty(project):
    write_manifest([Produced("out/r/clean/a.parquet", "clean_practice", "output", ("data/a.csv",))], "out")
    remove(stale_files("out"), "out")
    left = sorted(os.path.relpath(os.path.join(d, f), "out") for d, _, files in os.walk("out") for f in files)
    assert left == [MANIFEST, "r/clean/a.parquet"]
    assert not (project / "out/r/reports").exists() and not (project / "out/logs").exists()


def test_the_command_lists_by_default_and_deletes_on_request(project, capsys):
    (project / "cfg.yaml").write_text("output_dir: out\n", encoding="utf-8")
    write_manifest([Produced("out/r/clean/a.parquet", "clean_practice", "output", ("data/a.csv",))], "out")
    assert main(["--config", "cfg.yaml"]) == 0
    assert capsys.readouterr().out.splitlines() == ["out/logs/r/a.log", "out/r/clean/old.parquet", "out/r/reports/old.pdf"]
    assert (project / "out/r/reports/old.pdf").exists()
    assert main(["--config", "cfg.yaml", "--delete"]) == 0
    assert not (project / "out/r/reports/old.pdf").exists()
    assert main(["--config", "cfg.yaml"]) == 0
    assert "aucun fichier périmé" in capsys.readouterr().err
