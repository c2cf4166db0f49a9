"""The interview coding grid: validated like every input (rows kept or rejected with a reason, never lost),
and each theme counted once per interview that raised it, with short excerpts cleared of identifiers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assistmed.codebook import load_codebook
from assistmed.qual.themes import read_grid, shorten, summarise_themes, theme_summary

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK_PATH = ROOT / "resources/codebooks/interviews.yaml"
CODEBOOK = load_codebook(CODEBOOK_PATH)

HEADER = "Entretien;Cabinet;N° questionnaire;Thème;Origine (P/E);Extrait"
LINES = [
    "E1;cab;11;INFO;P;Le Dr Martin ne m'a rien dit, appelez-moi au 06 12 34 56 78",  # row 2
    "E1;cab;11;INFO;P;Deuxième extrait du même entretien sur le même thème",  # row 3: E1 counted once
    "E2;cab;12;info;p;On ne sait pas qui elle est",  # row 4: case does not matter
    "E2;cab;12;RELATION;E;Elle me connaît maintenant",  # row 5
    "E3;cab;13;;P;Un extrait sans thème, mail a.b@example.fr",  # row 6: rejected, theme absent
    ";cab;14;INFO;P;Un extrait sans entretien",  # row 7: rejected, interview absent
    "E3;cab;13;XYZ;E;Un code inconnu",  # row 8: rejected, unknown code named
    "E3;cab;13; relation ;e;Avec le temps ça va mieux",  # row 9: stray spaces do not matter
]


@pytest.fixture
def grid_file(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("\r\n".join([HEADER, *LINES]) + "\r\n", encoding="utf-8")
    return path


def test_every_grid_row_is_kept_or_rejected_with_a_reason_naming_what_is_wrong(grid_file):
    result = read_grid(grid_file, CODEBOOK)
    assert list(result.clean["source_row"]) == [2, 3, 4, 5, 9]
    reasons = dict(zip(result.rejects["source_row"], result.rejects["reason"]))
    assert set(reasons) == {6, 7, 8}
    assert reasons[6] == "Thème : absent"
    assert reasons[7] == "Identifiant de l'entretien : absent"
    assert "XYZ" in reasons[8] and "INFO" in reasons[8]
    assert len(result.clean) + len(result.rejects) == len(LINES)
    # The interview id is repeated on purpose (one row per excerpt): it is not a duplicate.
    assert list(result.clean["interview_id"]) == ["E1", "E1", "E2", "E2", "E3"]


def test_a_theme_counts_the_distinct_interviews_that_raised_it(grid_file):
    summary = theme_summary(read_grid(grid_file, CODEBOOK).clean, CODEBOOK).set_index("theme")
    # By hand: INFO in E1 (twice) and E2 → 2; RELATION in E2 and E3 → 2; 3 interviews in the kept rows.
    assert summary["n_interviews"].to_dict() == {"information_identification": 2, "relationship_over_time": 2}
    assert set(summary["n_total"]) == {3}
    assert summary.loc["information_identification", "origin"] == "predefined"
    assert summary.loc["relationship_over_time", "origin"] == "emerged"
    assert summary.loc["relationship_over_time", "label"] == "Une relation avec l'assistante qui se construit dans le temps"


def test_excerpts_come_from_different_interviews_and_hold_no_identifier(grid_file):
    summary = theme_summary(read_grid(grid_file, CODEBOOK).clean, CODEBOOK).set_index("theme")
    excerpts = list(summary.loc["information_identification", "excerpts"])
    assert excerpts == ["Le Dr [retiré] ne m'a rien dit, appelez-moi au [retiré]", "On ne sait pas qui elle est"]


def test_themes_are_ordered_by_count_then_codebook_order(grid_file):
    summary = theme_summary(read_grid(grid_file, CODEBOOK).clean, CODEBOOK)
    assert list(summary["theme"]) == ["information_identification", "relationship_over_time"]


def test_a_long_excerpt_is_cut_at_a_word_boundary_with_a_mark():
    text = "un deux trois quatre cinq six"
    assert shorten(text, 12) == "un deux […]"
    assert shorten("  court   texte ", 50) == "court texte"


def test_the_summary_and_the_rejects_are_written_with_raw_rows_accounted_for(grid_file, tmp_path):
    summarise_themes(grid_file, tmp_path / "themes.parquet", tmp_path / "rejects.parquet", codebook_path=CODEBOOK_PATH)
    themes = pd.read_parquet(tmp_path / "themes.parquet")
    rejects = pd.read_parquet(tmp_path / "rejects.parquet")
    assert int(themes["n_interviews"].sum()) == 4 and len(rejects) == 3
    assert "06 12 34 56 78" not in " ".join(" ".join(e) for e in themes["excerpts"])
    assert list(rejects["excerpt"])[0] == "Un extrait sans thème, mail [retiré]"
