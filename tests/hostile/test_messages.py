"""Hostile corpus, class 3: no crash on legitimate data, and a file that cannot be used stops at ingest or
clean with a sentence naming the file and the fix (not in a report with « reçu (nan, nan, nan) »)."""

from __future__ import annotations

import base64

import pandas as pd
import pytest

from assistmed.disclosure.cells import cell_of
from assistmed.ingest import IngestError
from assistmed.patients.analyse import analyse_practice
from assistmed.reports.charts import indicator_comparison
from assistmed.reports.common import chart_value
from tests.hostile.corpus import CODEBOOK_PATH, HEADERS, csv_text, respondent, respondents, write_csv


def test_a_header_only_file_stops_at_ingest_saying_it_has_no_data_row(tmp_path, chain):
    path = write_csv(tmp_path / "vide.csv", csv_text([]))
    with pytest.raises(IngestError, match="vide.csv : l'en-tête est là mais aucune ligne de données ne suit"):
        chain(path)


def test_a_file_without_the_overall_opinion_column_stops_at_ingest_naming_it(tmp_path, chain):
    columns = [c for c in HEADERS if c != "overall_opinion"]
    path = write_csv(tmp_path / "sans-avis.csv", csv_text(respondents(5), columns=columns))
    with pytest.raises(IngestError, match="colonne absente : Avis global sur la présence de l'assistante "
                                          "\\(nécessaire à l'indicateur « Avis globalement favorable »\\).*« Avis global »"):
        chain(path)


def test_a_file_with_every_row_rejected_stops_at_clean_saying_so(tmp_path, chain):
    rows = [respondent(1, return_date="", sex="", age_group="", diploma="", distance_km="", contacts="",
                       overall_opinion="", services_time="", discomfort_none="", evolution_wait="",
                       evolution_quality="", role_approval="", interview_consent="")]
    with pytest.raises(ValueError, match="aucune ligne conservée \\(1 rejetées"):
        chain(write_csv(tmp_path / "rien.csv", csv_text(rows)))


def test_more_returns_than_questionnaires_handed_out_stops_at_clean_naming_the_config_key(tmp_path, chain):
    key = "regions.r.patients.practices.p.distributed"
    path = write_csv(tmp_path / "trop.csv", csv_text(respondents(52)))
    with pytest.raises(ValueError, match=f"^trop.csv : 52 questionnaires conservés pour 10 distribués selon la config "
                                         f"\\({key}\\)"):
        chain(path, distributed=10, distributed_key=key, source=path)


def test_a_one_megabyte_comment_is_a_fault_of_its_row_naming_the_column(tmp_path, chain):
    rows = [respondent(1), respondent(2, comment="bla " * 262_144), respondent(3)]
    result = chain(write_csv(tmp_path / "long.csv", csv_text(rows)))
    assert list(result.clean["questionnaire_id"]) == ["1", "3"]
    assert result.reason(3) == "colonne W : cellule de 1\u202f048\u202f576 caractères, plus que les 32\u202f767 qu'accepte Excel"
    assert result.files[2].stat().st_size < 50_000  # the rejects do not hold the megabyte


def test_a_cell_longer_than_excel_allows_is_named_with_its_column(tmp_path, chain):
    rows = [respondent(1), respondent(2, comment="x" * 40_000)]
    result = chain(write_csv(tmp_path / "long.csv", csv_text(rows)))
    assert result.reason(3) == "colonne W : cellule de 40\u202f000 caractères, plus que les 32\u202f767 qu'accepte Excel"
    assert result.rejects.set_index("source_row").loc[3, "comment"].endswith("…")


@pytest.mark.parametrize("size", [1, 7, 10, 12])
def test_a_small_practice_where_everyone_is_favourable_gets_exact_bounds(tmp_path, chain, size):
    # 7 to 12 all-favourable respondents crashed the practice report (upper bound 0.9999999999999999 < 1).
    result = chain(write_csv(tmp_path / "fav.csv", csv_text(respondents(size))))
    clean = result.clean.assign(region="r", practice="p")
    clean_path = tmp_path / "clean-fav.parquet"
    clean.to_parquet(clean_path)
    out = {name: tmp_path / f"{name}.parquet" for name in ("indicators", "distributions", "associations")}
    analyse_practice(clean_path, **out, codebook=CODEBOOK_PATH, practice="p", distributed=size,
                     settings={"confidence": 0.95, "min_expected": 5, "fisher_mc_tables": 100_000, "seed": 1,
                               "p_adjust": "holm"})
    indicators = pd.read_parquet(out["indicators"]).set_index("indicator")
    favourable = indicators.loc["overall_favourable"]
    assert (favourable["prop"], favourable["ci_high"]) == (1.0, 1.0)
    assert (indicators["ci_low"] <= indicators["prop"]).all() and (indicators["prop"] <= indicators["ci_high"]).all()


def test_an_indicator_nobody_answered_draws_nothing_instead_of_crashing_the_report():
    # Twelve respondents who all answered « NSP » to one question: N = 0, proportion and bounds NaN; the
    # chart used to raise « reçu (nan, nan, nan) ».
    nan = float("nan")
    empty = cell_of({"status": "shown", "threshold": 5, "n": 0, "N": 0, "prop": nan, "ci_low": nan, "ci_high": nan})
    full = cell_of({"status": "shown", "threshold": 5, "n": 12, "N": 12, "prop": 1.0, "ci_low": 0.76, "ci_high": 1.0})
    assert chart_value(empty) is None and empty.n_over_N == "0 / 0"
    chart = indicator_comparison(["Avis globalement favorable", "Qualité perçue comme améliorée"],
                                 [chart_value(full), chart_value(empty)], None, "Cabinet")
    assert "Qualité perçue comme améliorée" in base64.b64decode(chart.split(",", 1)[1]).decode()
