"""The national scope: built only with several regions, read back as a user would."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.disclosure.cells import Published
from assistmed.reports.common import input_digests
from assistmed.reports.fmt import fmt_int
from tests.workflow.conftest import (
    TWO_REGIONS,
    TWO_REGIONS_OUTPUT,
    assert_design_figures,
    copy_project,
    planned_jobs,
    snakemake,
)
from tests.workflow.printed_numbers import codebook_numbers, dates_of, text_numbers, trace

pytestmark = pytest.mark.workflow

NATIONAL_RULES = {"pool_national", "describe_national", "disclose_national", "report_national"}


def test_one_region_plans_no_national_job(tmp_path):
    workdir = copy_project(tmp_path / "project")
    rules = {rule for rule, _ in planned_jobs(workdir)}
    assert "pool_region" in rules
    assert not NATIONAL_RULES & rules


def test_a_region_called_national_is_refused_with_a_clear_message(tmp_path):
    workdir = copy_project(tmp_path / "project")
    path = workdir / "config/examples/two-regions.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["regions"]["national"] = config["regions"].pop("bretagne")
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = snakemake(workdir, "-n", *TWO_REGIONS, check=False)
    assert result.returncode != 0
    assert "« national » est réservé" in result.stdout + result.stderr


def test_two_regions_give_each_region_and_the_national_scope(two_regions_run):
    results = two_regions_run / TWO_REGIONS_OUTPUT / "national"
    indicators = pd.read_parquet(results / "patients/indicators.parquet")
    assert list(dict.fromkeys(indicators["scope"])) == ["pays-de-la-loire", "bretagne", "national"]
    counts = indicators.pivot(index="indicator", columns="scope", values=["n", "N"])
    for column in ("n", "N"):
        regions = counts[column]["pays-de-la-loire"] + counts[column]["bretagne"]
        assert (counts[column]["national"] == regions).all(), column
    # The regions' rows are those of their own pooled tables.
    for region in ("pays-de-la-loire", "bretagne"):
        own = pd.read_parquet(two_regions_run / TWO_REGIONS_OUTPUT / f"{region}/patients/indicators.parquet")
        pd.testing.assert_frame_equal(
            own[own["scope"] == region].reset_index(drop=True),
            indicators[indicators["scope"] == region].reset_index(drop=True),
        )


def test_national_associations_compare_regions_and_carry_the_stratified_test(two_regions_run):
    tests = pd.read_parquet(two_regions_run / TWO_REGIONS_OUTPUT / "national/patients/associations.parquet")
    national = tests[tests["scope"] == "national"]
    between = national[national["var_a"] == "region"]
    assert set(between["var_b"]) >= {"sex", "contacts", "overall_opinion"}
    assert (between["stratified_test"] == "").all() and between["p_stratified"].isna().all()
    pooled = national[national["var_a"] != "region"]
    assert set(pooled["stratified_test"]) <= {"cmh", "gcmh"} and pooled["p_stratified"].between(0, 1).all()


# R survey 4.1 on the 544 respondents of both regions (indicator columns 0/1/NA, one row per respondent):
#   library(survey); options(survey.lonely.psu = "adjust")
#   des <- svydesign(ids = ~practice, strata = ~region, data = d); sub <- subset(des, !is.na(x))
#   svyciprop(~x, sub, method = "logit"); deff(svymean(~I(as.numeric(x)), sub, deff = "replace")); degf(sub)
#   ICC: max(0, (MSB − MSW)/(MSB + (n0 − 1)·MSW)) from anova(lm(x ~ factor(practice)))
# indicator → design_ci_low, design_ci_high, deff, icc (design_df = 8: ten practices, two regions)
NATIONAL_DESIGN = {
    "female": (0.697063656248, 0.760550897287, 0.516107783674, 0.0),
    "contacts_2plus": (0.774268294134, 0.840098149166, 0.704287539368, 0.0),
    "overall_favourable": (0.753210118529, 0.924348731173, 5.819016201347, 0.081061812842),
    "any_service": (0.480999571265, 0.559369499145, 0.599412244381, 0.0),
    "any_discomfort": (0.116239472633, 0.266761140642, 3.626486876043, 0.048100952572),
    "evolution_wait_better": (0.136834721712, 0.267136882411, 2.622587382646, 0.050374310447),
    "evolution_quality_better": (0.177046783675, 0.310912756818, 2.433457069116, 0.025024432178),
    "role_approved": (0.424357499909, 0.604956290349, 3.307423548936, 0.033911956397),
}
#   svychisq(~a + b, subset(des, !is.na(a) & !is.na(b)), statistic = "F")$p.value
NATIONAL_P_DESIGN = {
    ("contacts", "evolution_wait"): 0.0378255285947,
    ("contacts", "evolution_quality"): 0.000374667493227,
    ("diploma", "role_approval"): 0.0103762550694,
    ("age_group", "overall_opinion"): 0.553300885282,
    ("sex", "overall_opinion"): 0.967273521913,
    ("region", "sex"): 0.951044693698,
    ("region", "contacts"): 0.910747152683,
    ("region", "overall_opinion"): 0.764761606919,
    ("region", "evolution_wait"): 0.159437762616,
    ("region", "evolution_quality"): 0.589746557401,
    ("region", "role_approval"): 0.134326779298,
}


def test_national_design_based_figures_equal_r_survey(two_regions_run):
    results = two_regions_run / TWO_REGIONS_OUTPUT / "national/patients"
    assert_design_figures(results, "national", NATIONAL_DESIGN, NATIONAL_P_DESIGN, df=8)


def test_the_national_report_shows_the_regions_side_by_side_as_published(two_regions_run):
    indicators = pd.read_parquet(two_regions_run / TWO_REGIONS_OUTPUT / "national/patients/indicators.parquet")
    cells = Published.read(two_regions_run / TWO_REGIONS_OUTPUT / "national/disclosure/patients.parquet")
    reader = PdfReader(two_regions_run / TWO_REGIONS_OUTPUT / "national/reports/national.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for label in ("Ensemble des régions", "Pays de la Loire", "Bretagne", "Tests de comparaison entre régions",
                  "Cochran–Mantel–Haenszel", "Volet médecins généralistes", "plan de sondage et pondération"):
        assert label in text
    for row in indicators.itertuples(index=False):
        cell = cells.cell(row.scope, row.indicator)
        assert f"{cell.n_over_N} {cell.percent} {cell.ci}" in text, (row.scope, row.indicator)
        if cell.shown:
            assert cell.n_over_N == f"{fmt_int(row.n)} / {fmt_int(row.N)}"


def test_the_national_audit_proves_every_hidden_figure_of_both_regions_protected(two_regions_run):
    audit = pd.read_parquet(two_regions_run / TWO_REGIONS_OUTPUT / "national/disclosure/patients-audit.parquet")
    assert audit["protected"].all()
    regional = pd.concat(
        [pd.read_parquet(two_regions_run / TWO_REGIONS_OUTPUT / f"{r}/disclosure/patients-audit.parquet") for r in ("pays-de-la-loire", "bretagne")]
    )
    # every region's hidden figures are audited again with the national ones added
    keys = ["scope", "variable", "category"]
    assert set(map(tuple, regional[keys].to_numpy())) <= set(map(tuple, audit[keys].to_numpy()))


def test_every_number_of_the_national_report_comes_from_a_table_the_configuration_or_the_fixed_text(two_regions_run):
    settings = yaml.safe_load((two_regions_run / "config/examples/two-regions.yaml").read_text(encoding="utf-8"))
    results = two_regions_run / TWO_REGIONS_OUTPUT
    tables = [pd.read_parquet(results / "national/disclosure/patients.parquet")]
    tables += [pd.read_parquet(results / f"national/patients/{name}.parquet") for name in ("associations", "comparisons")]
    tables.append(pd.read_parquet(results / "national/patients/indicators.parquet")[["deff", "icc", "design_df"]])
    period = pd.read_parquet(results / "national/patients/period.parquet")
    tables += [period, pd.read_parquet(results / "pays-de-la-loire/disclosure/gps.parquet")]
    regions = settings["regions"].values()
    dates = dates_of(period["first_return"], period["last_return"],
                     *(r["patients"]["period"][key] for r in regions for key in ("start", "end")))
    raw = [spec["file"] for r in regions for spec in r["patients"]["practices"].values()]
    raw += [r["gps"]["file"] for r in regions if "gps" in r]
    here = Path.cwd()
    os.chdir(two_regions_run)  # the combined digest lists the files as the configuration names them
    try:
        digests = {input_digests(raw)[0]}
    finally:
        os.chdir(here)
    counts = {fmt_int(len(settings["regions"])), fmt_int(sum(len(r["patients"]["practices"]) for r in regions))}
    fixed = (codebook_numbers(load_codebook(two_regions_run / settings["codebooks"]["patients"]))
             | codebook_numbers(load_codebook(two_regions_run / settings["codebooks"]["gps"]))
             | text_numbers(str(v) for v in settings["analysis"].values()) | {fmt_int(100_000)} | counts)
    printed = trace(results / "national/reports/national.pdf", tables=tables, fixed_text=fixed, dates=dates,
                    digests=digests)
    assert printed.unexplained == [], printed.unexplained
    assert len(printed.from_tables) >= 200, len(printed.from_tables)


def test_nothing_is_left_to_do_after_a_two_region_run(two_regions_run):
    assert planned_jobs(two_regions_run, *TWO_REGIONS) == []


def test_a_changed_practice_reruns_its_region_and_the_national_steps_only(two_regions_run, tmp_path):
    workdir = tmp_path / "project"
    shutil.copytree(two_regions_run, workdir, symlinks=True)
    raw = workdir / "resources/example/bretagne/patients/bretagne-0002.csv"
    raw.write_bytes(raw.read_bytes() + b"\r\n")
    jobs = planned_jobs(workdir, *TWO_REGIONS)
    rules = {rule for rule, _ in jobs}
    assert NATIONAL_RULES <= rules
    assert [wc for rule, wc in jobs if rule == "pool_region"] == ["region=bretagne"]
    assert not any("pays-de-la-loire" in wc for _, wc in jobs)
