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


# R 4.2.2, brglm2 0.9 (Firth's estimates) and the profile of the penalised log-likelihood computed in R
# (optim, BFGS, over the other coefficients; uniroot for the bounds):
#   d <- complete cases of has_assistant, msp, cpts, asalee, area; y <- has_assistant == "yes"
#   f <- glm(y ~ msp + cpts + asalee + area, family = binomial, method = "brglmFit", type = "AS_mean",
#            epsilon = 1e-12, maxit = 1000)
#   pll <- function(b) ℓ(b) + ½ log det(X'WX); bounds where 2(pll(b̂) − max pll | b_j) = qchisq(0.95, 1),
#   p = pchisq(2(pll(b̂) − max pll | b_j = 0), 1, lower.tail = FALSE); AIC(f); c from fitted(f)
R_MODEL = {
    "msp=yes": (3.5820685217, 1.2972497217, 10.5485276172, 0.01354475518),
    "cpts=yes": (4.3365003888, 1.5038811534, 13.9568525012, 0.00611052037),
    "asalee=yes": (0.6209916057, 0.1845324037, 1.9473894980, 0.4194623158),
    "area=semi_rural": (0.3080271353, 0.0906857755, 0.9693479834, 0.04400474448),
    "area=urban": (0.1718456913, 0.0447991104, 0.5724115513, 0.003601849443),
}


def test_the_prespecified_model_gets_firths_estimates_with_34_events_for_5_parameters(example):
    model = example["model"].set_index("term")
    assert list(model.index) == list(R_MODEL) and set(model["status"]) == {"estimated"}
    for term, (odds_ratio, low, high, p) in R_MODEL.items():
        row = model.loc[term]
        assert (row["odds_ratio"], row["ci_low"], row["ci_high"]) == pytest.approx((odds_ratio, low, high), abs=1e-6)
        assert row["p_value"] == pytest.approx(p, abs=1e-8)
    first = model.iloc[0]
    assert (first["n"], first["events"], first["parameters"], first["events_per_parameter"]) == (99, 34, 5, 6.8)
    assert first["method"] == "firth" and "6,8 événements par paramètre" in first["message"]
    assert first["aic"] == pytest.approx(113.8032545429, abs=1e-6)
    assert first["c_statistic"] == pytest.approx(0.783257918552, abs=1e-9)


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
