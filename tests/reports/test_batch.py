"""Chunks of practices per report job, and a batch that renders each report or names the ones that failed."""

import os

import pytest

from assistmed.io import atomic_path
from assistmed.reports.batch import BatchError, chunks, render_each


def test_practices_are_cut_in_config_order_into_chunks_of_the_given_size_the_last_one_shorter():
    assert chunks(["a", "b", "c", "d", "e", "f", "g"], 3) == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert chunks(["a", "b"], 20) == [["a", "b"]]
    assert chunks(["a", "b"], 1) == [["a"], ["b"]]


def test_a_practice_added_at_the_end_moves_no_other_practice_to_another_chunk():
    before = chunks(["a", "b", "c", "d", "e"], 2)
    after = chunks(["a", "b", "c", "d", "e", "f"], 2)
    assert after[:2] == before[:2] and after[2] == ["e", "f"]


def test_a_chunk_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        chunks(["a"], 0)


def writer(folder, fail=()):
    """A render function that writes <name>.txt atomically, with its process id, or fails for ``fail``."""

    def render(name: str) -> None:
        with atomic_path(folder / f"{name}.txt") as tmp:
            tmp.write_text(str(os.getpid()), encoding="utf-8")
            if name in fail:
                raise ValueError(f"pas de période pour {name}")

    return render


@pytest.mark.parametrize("processes", [1, 2])
def test_every_report_of_the_batch_is_written(tmp_path, processes):
    render_each(["a", "b", "c"], writer(tmp_path), processes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt"]


def test_two_processes_are_forked_workers_not_this_process(tmp_path):
    render_each(["a", "b", "c", "d"], writer(tmp_path), processes=2)
    writers = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert str(os.getpid()) not in writers and 1 <= len(writers) <= 2


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failed_report_fails_the_batch_by_name_after_the_others_are_written_and_leaves_no_file(
    tmp_path, processes
):
    with pytest.raises(BatchError) as failure:
        render_each(["a", "b", "c"], writer(tmp_path, fail={"b"}), processes)
    assert str(failure.value) == "Rapport non écrit / report not written — b : pas de période pour b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "c.txt"]


def test_what_the_job_wrote_to_its_log_before_the_workers_started_is_written_once(tmp_path, monkeypatch):
    """Forked workers inherit the job's unflushed stderr; multiprocessing flushes it before forking."""
    log = (tmp_path / "job.log").open("w", encoding="utf-8")  # buffered, as the job's stderr is (assistmed.log)
    monkeypatch.setattr("sys.stderr", log)
    print("avant le rendu", file=log)
    render_each(["a", "b"], writer(tmp_path), processes=2)
    log.close()
    assert (tmp_path / "job.log").read_text(encoding="utf-8") == "avant le rendu\n"
