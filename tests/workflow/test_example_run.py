"""The workflow on the bundled example, read back as a user would."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.ingest import read_restricted
from assistmed.reports.fmt import fmt_ci, fmt_decimal, fmt_int, fmt_percent
from tests.workflow.conftest import assert_design_figures, planned_jobs, snakemake

pytestmark = pytest.mark.workflow

REGION = "pays-de-la-loire"
# Published figures of the reference study (poster, Vendée 2021), to the whole percent.
PUBLISHED = {
    "response_rate": 26,
    "female": 73,
    "contacts_2plus": 81,
    "overall_favourable": 86,
    "any_service": 52,
    "any_discomfort": 18,
}


def practices(workdir):
    config = yaml.safe_load((workdir / "config/config.yaml").read_text(encoding="utf-8"))
    return list(config["regions"][REGION]["patients"]["practices"])


def test_every_contract_file_is_produced(example_run):
    results = example_run / "results" / REGION
    expected = [results / f"patients/{t}.parquet" for t in ("indicators", "distributions", "associations", "funnel")]
    for practice in practices(example_run):
        expected += [
            results / f"patients/clean/{practice}.parquet",
            results / f"patients/rejects/{practice}.parquet",
            results / f"reports/{practice}.pdf",
        ]
    expected.append(results / f"reports/{REGION}-patients.pdf")
    expected.append(results / f"reports/{REGION}-gps.pdf")
    expected += [results / "restricted/interview_candidates.csv", results / "qual/selection.parquet"]
    expected += [results / "qual/themes.parquet", results / "qual/grid_rejects.parquet"]
    expected += [results / f"gps/{t}.parquet" for t in ("clean", "rejects", "determinants", "model", "barriers")]
    missing = [str(p.relative_to(example_run)) for p in expected if not p.is_file()]
    assert not missing


def test_nothing_is_left_to_do_after_a_full_run(example_run):
    assert planned_jobs(example_run) == []


def test_raw_rows_equal_kept_plus_rejected_for_every_practice(example_run):
    results = example_run / "results" / REGION / "patients"
    for practice in practices(example_run):
        ingested = pd.read_parquet(results / f"ingested/{practice}.parquet")
        clean = pd.read_parquet(results / f"clean/{practice}.parquet")
        rejects = pd.read_parquet(results / f"rejects/{practice}.parquet")
        assert len(ingested) == len(clean) + len(rejects), practice
        assert set(clean["source_row"]).isdisjoint(rejects["source_row"])
        assert rejects["reason"].str.len().gt(0).all()


def test_pooled_example_reproduces_the_published_figures(example_run):
    indicators = pd.read_parquet(example_run / "results" / REGION / "patients/indicators.parquet")
    pooled = indicators[indicators["scope"] == REGION].set_index("indicator")
    assert pooled.loc["response_rate", "n"] == 364
    for name, percent in PUBLISHED.items():
        assert round(100 * pooled.loc[name, "prop"]) == percent, name
        assert pooled.loc[name, "ci_low"] <= pooled.loc[name, "prop"] <= pooled.loc[name, "ci_high"]


def test_published_associations_hold_in_the_pooled_example(example_run):
    tests = pd.read_parquet(example_run / "results" / REGION / "patients/associations.parquet")
    pooled = tests[tests["scope"] == REGION].set_index(["var_a", "var_b"])
    assert min(
        pooled.loc[("contacts", "evolution_wait"), "p_value"],
        pooled.loc[("contacts", "evolution_quality"), "p_value"],
    ) < 0.05
    assert pooled.loc[("diploma", "role_approval"), "p_value"] < 0.05
    assert set(tests["test"]) <= {"chi2", "fisher", "fisher_mc"}


# R survey 4.1 on the example's pooled respondents (indicator columns 0/1/NA, one row per respondent):
#   library(survey); options(survey.lonely.psu = "adjust")
#   des <- svydesign(ids = ~practice, data = d); sub <- subset(des, !is.na(x))
#   svyciprop(~x, sub, method = "logit"); deff(svymean(~I(as.numeric(x)), sub, deff = "replace")); degf(sub)
#   ICC: max(0, (MSB − MSW)/(MSB + (n0 − 1)·MSW)) from anova(lm(x ~ factor(practice)))
# indicator → design_ci_low, design_ci_high, deff, icc (design_df = 5: six practices)
EXAMPLE_DESIGN = {
    "female": (0.682558568595, 0.773701480116, 0.575056866537, 0.0),
    "contacts_2plus": (0.753012189335, 0.856436656897, 0.936418080713, 0.0),
    "overall_favourable": (0.721958802613, 0.935167910691, 4.767456203539, 0.062846903894),
    "any_service": (0.472933797097, 0.567870922966, 0.465973586278, 0.0),
    "any_discomfort": (0.102287544394, 0.293778913599, 3.064642867591, 0.041276150367),
    "evolution_wait_better": (0.093128706735, 0.252414577003, 2.432859001138, 0.026855456854),
    "evolution_quality_better": (0.160537505201, 0.374618093055, 3.233464393316, 0.040602624384),
    "role_approved": (0.377987411065, 0.658445406559, 4.443037921362, 0.057463734858),
}
#   svychisq(~a + b, subset(des, !is.na(a) & !is.na(b)), statistic = "F")$p.value
EXAMPLE_P_DESIGN = {
    ("contacts", "evolution_wait"): 0.154441202232,
    ("contacts", "evolution_quality"): 0.00867880613282,
    ("diploma", "role_approval"): 0.0426697037032,
    ("age_group", "overall_opinion"): 0.777792804401,
    ("sex", "overall_opinion"): 0.749752237645,
}


def test_pooled_design_based_figures_equal_r_survey(example_run):
    results = example_run / "results" / REGION / "patients"
    assert_design_figures(results, REGION, EXAMPLE_DESIGN, EXAMPLE_P_DESIGN, df=5)
    indicators = pd.read_parquet(results / "indicators.parquet")
    pooled = indicators[(indicators["scope"] == REGION) & (indicators["indicator"] != "response_rate")]
    assert pooled["design_prop"].to_numpy() == pytest.approx(pooled["prop"].to_numpy(), rel=1e-12)
    assert set(pooled["weighting"]) == {"none"}
    assert indicators.loc[indicators["scope"] != REGION, ["design_ci_low", "deff", "icc"]].isna().all().all()
    tests = pd.read_parquet(results / "associations.parquet")
    assert "practice" not in set(tests["var_a"])  # practices are compared through the ICC and the funnel


def test_the_funnel_places_every_practice_against_limits_around_the_pooled_proportion(example_run):
    results = example_run / "results" / REGION / "patients"
    funnel = pd.read_parquet(results / "funnel.parquet")
    indicators = pd.read_parquet(results / "indicators.parquet").set_index(["scope", "indicator"])
    assert len(funnel) == len(practices(example_run)) * indicators.loc[REGION].shape[0]
    for row in funnel.itertuples(index=False):
        assert row.pooled_prop == indicators.loc[(REGION, row.indicator), "prop"]
        assert row.prop == indicators.loc[(row.practice, row.indicator), "prop"]
        assert row.low_998 <= row.low_95 <= row.pooled_prop <= row.high_95 <= row.high_998
        assert row.outside_95 == (not row.low_95 <= row.prop <= row.high_95)
        assert row.outside_998 <= row.outside_95


def test_no_contact_detail_reaches_any_output(example_run):
    codebook = load_codebook(example_run / "resources/codebooks/patients.yaml")
    secrets = set()
    for raw in sorted((example_run / "resources/example" / REGION / "patients").iterdir()):
        contacts = read_restricted(raw, codebook)
        for name in codebook.restricted:
            secrets |= {v.strip() for v in contacts[name] if v.strip()}
    assert secrets, "the example should hold (fake) contact details"
    # Logs live in the output folder (results/logs/), under the same rule as every other output.
    restricted = example_run / "results" / REGION / "restricted"
    for path in (example_run / "results").rglob("*"):
        if path.is_file() and not path.is_relative_to(restricted):
            data = path.read_bytes()
            leaked = [s for s in secrets if s.encode("utf-8") in data]
            assert not leaked, f"{path} holds {leaked}"
    for path in (example_run / ".snakemake").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s.encode("utf-8") in data], path


def test_the_example_selects_15_respondents_to_call_back_in_a_spreadsheet_safe_file(example_run):
    path = example_run / "results" / REGION / "restricted/interview_candidates.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == 15
    assert table["Téléphone (recontact)"].str.len().gt(0).any()
    cells = [c for column in table for c in [column, *table[column]]]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    selection = pd.read_parquet(example_run / "results" / REGION / "qual/selection.parquet")
    assert int(selection["n_selected"].sum()) == 15 and set(selection.columns) == {"practice", "n_selected"}


def test_the_example_grid_codes_9_interviews_and_the_published_themes(example_run):
    themes = pd.read_parquet(example_run / "results" / REGION / "qual/themes.parquet").set_index("theme")
    assert set(themes["n_total"]) == {9}
    for theme in ("information_identification", "doctor_assistant_pair", "relationship_over_time"):
        assert themes.loc[theme, "n_interviews"] >= 1
    rejects = pd.read_parquet(example_run / "results" / REGION / "qual/grid_rejects.parquet")
    assert len(rejects) == 1 and "BINÔME" in rejects["reason"].iloc[0]


def test_the_pooled_report_prints_the_figures_of_the_parquet_tables(example_run):
    indicators = pd.read_parquet(example_run / "results" / REGION / "patients/indicators.parquet")
    pooled = indicators[indicators["scope"] == REGION]
    reader = PdfReader(example_run / "results" / REGION / f"reports/{REGION}-patients.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Données synthétiques" in text
    for row in pooled.itertuples(index=False):
        # the region's interval is the design-based one (patients clustered in practices), with its design
        # effect and ICC beside; the return rate keeps Wilson's and has none
        if pd.isna(row.design_ci_low):
            line = f"{fmt_int(row.n)} / {fmt_int(row.N)} {fmt_percent(row.prop)} {fmt_ci(row.ci_low, row.ci_high)} — —"
        else:
            line = (f"{fmt_int(row.n)} / {fmt_int(row.N)} {fmt_percent(row.design_prop)} "
                    f"{fmt_ci(row.design_ci_low, row.design_ci_high)} {fmt_decimal(row.deff, 2)} {fmt_decimal(row.icc, 3)}")
        assert line in text.replace("\n", " "), row.indicator


def test_the_gp_example_reproduces_the_published_survey(example_run):
    clean = pd.read_parquet(example_run / "results" / REGION / "gps/clean.parquet")
    assert (len(clean), int(clean["complete"].sum())) == (104, 85)
    tests = pd.read_parquet(example_run / "results" / REGION / "gps/determinants.parquet")
    p = tests.groupby("variable")["p_value"].first()
    assert p["msp"] < 0.01 and p["cpts"] < 0.01 and p["asalee"] < 0.05 and p["area"] < 0.05
    text = "\n".join(page.extract_text() for page in PdfReader(example_run / "results" / REGION / f"reports/{REGION}-gps.pdf").pages)
    assert "104 réponses analysées : 85 complètes et 19 partielles" in text


def test_the_snakemake_report_holds_every_pdf_and_the_main_tables_with_captions(example_copy):
    snakemake(example_copy, "--report", "report.html")
    html = (example_copy / "report.html").read_text(encoding="utf-8")
    for name in [f"{p}.pdf" for p in practices(example_copy)] + [f"{REGION}-patients.pdf", f"{REGION}-gps.pdf"]:
        assert name in html, name
    for table in ("patients-indicators.csv", "patients-associations.csv", "gps-determinants.csv", "qual-themes.csv"):
        assert table in html, table
    # Captions are embedded as JSON strings (non-ASCII characters escaped).
    # A practice report's caption is its chunk's job's (one job renders several): the practice is its « Cabinet » label.
    captions = ("Rapport PDF d'un cabinet (colonne « Cabinet ») de la région pays-de-la-loire", "Thèmes des entretiens",
                "Rapport de l'enquête auprès des médecins")
    for caption in captions:
        assert json.dumps(caption)[1:-1] in html, caption
