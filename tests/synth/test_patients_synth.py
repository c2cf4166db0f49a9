"""The synthetic example is reproducible and, once cleaned, reproduces the published study."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_table
from assistmed.codebook import load_codebook
from assistmed.indicators import compute_indicators
from assistmed.ingest import map_headers, read_raw
from assistmed.synth.patients import DOUBLE_ENTRY, EXAMPLE_PRACTICES, write_example, write_second_entry

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = load_codebook(ROOT / "resources/codebooks/patients.yaml")
SEED = 20210104
# Poster, Vendée 2021: 364 returns out of about 1,400, and the pooled percentages.
PUBLISHED = {"female": 73, "contacts_2plus": 81, "overall_favourable": 86, "any_service": 52, "any_discomfort": 18}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    return write_example(out, CODEBOOK, seed=SEED)


def test_two_generations_give_identical_files(generated, tmp_path):
    again = write_example(tmp_path, CODEBOOK, seed=SEED)
    for first, second in zip(generated, again):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_the_committed_example_is_the_generator_output(generated):
    for path in generated:
        committed = ROOT / "resources/example/pays-de-la-loire/patients" / path.name
        assert committed.read_bytes() == path.read_bytes(), path.name


def test_the_cleaned_example_reproduces_the_published_figures(generated):
    cleaned, raw_rows, rejected = [], 0, 0
    for path in generated:
        raw = map_headers(read_raw(path), CODEBOOK, source=str(path))
        result = clean_table(raw, CODEBOOK, source=str(path))
        raw_rows += len(raw)
        rejected += len(result.rejects)
        cleaned.append(result.clean)
    pooled = pd.concat(cleaned, ignore_index=True)
    assert len(pooled) == 364 and rejected == 4 and raw_rows == 368
    distributed = sum(v[1] for v in EXAMPLE_PRACTICES.values())
    indicators = compute_indicators(pooled, CODEBOOK, scope="r", distributed=distributed, confidence=0.95)
    percent = (100 * indicators.set_index("indicator")["prop"]).round()
    assert percent["response_rate"] == 26
    for name, value in PUBLISHED.items():
        assert percent[name] == value, name


def test_the_committed_second_entry_is_the_generator_output_with_about_one_percent_of_cells_mistyped(tmp_path):
    path = write_second_entry(tmp_path, CODEBOOK, seed=SEED)
    assert path.read_bytes() == (ROOT / "resources/example/pays-de-la-loire/patients" / path.name).read_bytes()
    assert write_second_entry(tmp_path / "again", CODEBOOK, seed=SEED).read_bytes() == path.read_bytes()
    first = read_raw(ROOT / "resources/example/pays-de-la-loire/patients" / f"{DOUBLE_ENTRY}.csv")
    second = read_raw(path)
    ident = first.columns[0]
    common = first.set_index(ident).drop(columns="source_row").loc[second[ident]]
    typed = second.set_index(ident).drop(columns="source_row")
    assert len(second) == len(first) - 1  # one questionnaire forgotten
    differing = int((common != typed).to_numpy().sum())
    answer_cells = len(first) * (len(first.columns) - 2 - len(CODEBOOK.restricted))
    assert differing == round(0.01 * answer_cells)
