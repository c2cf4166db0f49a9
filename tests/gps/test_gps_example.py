"""The synthetic GP export is reproducible and, through the real chain, reproduces the published study:
104 responses (85 complete, 19 partial), has_assistant associated with msp and cpts (p < 0.01), asalee and
area (p < 0.05), and the three most cited barriers in the published order."""

from pathlib import Path

import pandas as pd
import pytest

from assistmed.clean import clean_file
from assistmed.gps.analyse import analyse_gps
from assistmed.ingest import ingest_file
from assistmed.gps.limesurvey import finalise_clean
from assistmed.synth.gps import write_gp_export

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "resources/codebooks/gps.yaml"
EXAMPLE = ROOT / "resources/example/pays-de-la-loire/gps/export.csv"
SEED = 20231027
SETTINGS = {"confidence": 0.95, "min_expected": 5, "fisher_mc_tables": 100_000, "seed": 20210101, "p_adjust": "holm"}


def run_chain(export: Path, out: Path) -> dict[str, pd.DataFrame]:
    ingest_file(export, out / "ingested.parquet", codebook_path=CODEBOOK)
    clean_file(out / "ingested.parquet", out / "typed.parquet", out / "rejects.parquet", codebook_path=CODEBOOK)
    finalise_clean(out / "typed.parquet", out / "clean.parquet")
    analyse_gps(out / "clean.parquet", determinants=out / "determinants.parquet", model=out / "model.parquet",
                barriers=out / "barriers.parquet", codebook_path=CODEBOOK, settings=SETTINGS)
    return {name: pd.read_parquet(out / f"{name}.parquet")
            for name in ("clean", "rejects", "determinants", "model", "barriers")}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return run_chain(EXAMPLE, tmp_path_factory.mktemp("gps"))


def test_the_committed_export_is_the_generator_output(tmp_path):
    write_gp_export(tmp_path / "export.csv", seed=SEED, codebook_path=CODEBOOK)
    assert (tmp_path / "export.csv").read_bytes() == EXAMPLE.read_bytes()


def test_104_responses_85_complete_19_partial_none_rejected(example):
    clean = example["clean"]
    assert (len(clean), int(clean["complete"].sum()), int((~clean["complete"]).sum())) == (104, 85, 19)
    assert len(example["rejects"]) == 0
    assert (clean.loc[~clean["complete"], "lastpage"] < 5).all()


def test_responses_fall_within_the_published_collection_period(example):
    clean = example["clean"]
    assert clean["startdate"].min().date().isoformat() == "2023-10-27"
    assert clean["datestamp"].max().date().isoformat() == "2024-10-08"


def test_the_four_published_associations_hold_at_their_thresholds(example):
    p = example["determinants"].drop_duplicates("variable").set_index("variable")["p_value"]
    assert p["msp"] < 0.01 and p["cpts"] < 0.01
    assert 0.01 <= p["asalee"] < 0.05 and p["area"] < 0.05
    others = ["sex", "age_group", "years_in_practice", "practice_size", "sector", "supervisor"]
    assert (p[others] > 0.05).all()


def test_the_model_is_estimated_on_the_four_determinants(example):
    model = example["model"]
    assert set(model["status"]) == {"estimated"}
    assert list(dict.fromkeys(model["variable"])) == ["msp", "cpts", "asalee", "area"]


def test_the_three_most_cited_barriers_are_the_published_ones(example):
    everyone = example["barriers"][example["barriers"]["subgroup"] == "all"]
    top = everyone.sort_values("rank").head(3)
    assert list(top["barrier"]) == ["barrier_office_layout", "barrier_pay_conditional", "barrier_loss_of_control"]
    assert list(top["rank"]) == [1, 2, 3]


def test_another_seed_keeps_the_published_results(tmp_path):
    write_gp_export(tmp_path / "export.csv", seed=7, codebook_path=CODEBOOK)
    tables = run_chain(tmp_path / "export.csv", tmp_path)
    p = tables["determinants"].drop_duplicates("variable").set_index("variable")["p_value"]
    assert p["msp"] < 0.01 and p["cpts"] < 0.01 and p["asalee"] < 0.05 and p["area"] < 0.05
    assert int(tables["clean"]["complete"].sum()) == 85
