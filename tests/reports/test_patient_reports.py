"""A practice report built from hand-made contract tables, read back as text."""

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assistmed.patients.comments import comment_table
from assistmed.patients.compare import compare_with_rest
from assistmed.patients.describe import return_period
from assistmed.quality import quality_summary
from assistmed.reports.batch import BatchError
from assistmed.reports.patients import render_practice_reports

OPINION = ["very_favourable", "rather_favourable", "rather_unfavourable", "very_unfavourable"]

CODEBOOK = Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml"
NN = "\u202f"


@pytest.fixture
def inputs(tmp_path, published_table):
    nan = float("nan")
    published_table(
        [
            ["indicators", "cab", "female", "", "shown", 45, 60, 0.75, 0.63, 0.84],
            ["indicators", "cab", "any_discomfort", "", "small", None, 58, 0.07, nan, nan],  # 3 of 58
            ["indicators", "reg", "female", "", "shown", 266, 364, 266 / 364, 0.68, 0.77],
            ["indicators", "reg", "any_discomfort", "", "shown", 60, 333, 60 / 333, 0.14, 0.22],
            # contacts: « one » (3) is small, « two or three » (30) hidden with it, or 3 = 60 − 30 − 27
            ["distributions", "cab", "contacts", "one", "small", None, 60, 0.07, nan, nan],
            ["distributions", "cab", "contacts", "two_three", "secondary", None, 60, nan, nan, nan],
            ["distributions", "cab", "contacts", "four_plus", "shown", 27, 60, 0.45, nan, nan],
            ["distributions", "reg", "contacts", "one", "shown", 70, 364, 70 / 364, nan, nan],
            ["distributions", "reg", "contacts", "two_three", "shown", 150, 364, 150 / 364, nan, nan],
            ["distributions", "reg", "contacts", "four_plus", "shown", 144, 364, 144 / 364, nan, nan],
        ]
        + [["distributions", scope, "overall_opinion", key, "shown", n, 40, n / 40, nan, nan]
           for scope in ("cab", "reg") for key, n in zip(OPINION, (20, 10, 6, 4 + 0))]
    ).to_parquet(tmp_path / "published.parquet")
    pd.DataFrame(
        {"scope": ["cab"], "var_a": ["contacts"], "var_b": ["evolution_wait"], "test": ["fisher"],
         "statistic": [9.1], "dof": [4], "p_value": [0.0123], "p_adjusted": [0.0369], "cramers_v": [0.27], "n": [58]}
    ).to_parquet(tmp_path / "associations.parquet")
    clean = pd.DataFrame(
        {"practice": ["cab"] * 3, "overall_opinion": ["very_favourable", "very_favourable", None],
         "comment": ["<b>merci</b> voir http://exemple.fr", "merci voir http://autre.fr", None],
         "return_date": pd.to_datetime(["2021-02-01", "2021-03-15", "2021-03-01"])}
    )
    comment_table(clean, region="reg").to_parquet(tmp_path / "comments.parquet")
    return_period(clean, scopes=["cab"], pool="reg").to_parquet(tmp_path / "period.parquet")
    exact = pd.DataFrame(
        [["cab", "female", 45, 60], ["cab", "any_discomfort", 3, 58], ["reg", "female", 266, 364],
         ["reg", "any_discomfort", 60, 333]],
        columns=["scope", "indicator", "n", "N"],
    )
    compare_with_rest(exact, units=["cab"], pool="reg").to_parquet(tmp_path / "comparisons.parquet")
    rejects = pd.DataFrame({"source_row": [9], "reason": ["ligne sans aucune réponse"]})
    summary = quality_summary(3, 2, rejects, pd.DataFrame({"variable": []}), ["sex"])
    summary.assign(region="reg", practice="cab").to_parquet(tmp_path / "quality.parquet")
    (tmp_path / "raw.csv").write_text("x", encoding="utf-8")
    return tmp_path


LABELS = {"cab": "Cabinet A", "cab2": "Cabinet B"}


def render_batch(tmp_path, pdfs, practices=("cab",), agreement=(), processes=1):
    """Renders the reports of ``practices`` in one batch, as one job does, to ``pdfs`` in ``tmp_path``."""
    n = len(practices)
    render_practice_reports(
        published=tmp_path / "published.parquet", comparisons=tmp_path / "comparisons.parquet",
        comments=tmp_path / "comments.parquet", period=tmp_path / "period.parquet", codebook=CODEBOOK,
        practices=list(practices), associations=[tmp_path / "associations.parquet"] * n,
        quality=[tmp_path / "quality.parquet"] * n, raw=[tmp_path / "raw.csv"] * n,
        pdf=[tmp_path / name for name in pdfs], agreement=agreement,
        meta={
            p: {"study_title": "Étude", "author": "URML", "synthetic": True, "region": "reg", "region_label": "Région",
                "period": {"start": "2021-01-01", "end": "2021-05-31"}, "practice": p, "practice_labels": {p: LABELS[p]}}
            for p in practices
        },
        settings={"confidence": 0.95}, code="0.1.0+test", config_digest={p: "c0ffee" for p in practices},
        processes=processes,
    )


def render(tmp_path, name, agreement=()):
    """The report of practice « cab », read back as text."""
    render_batch(tmp_path, [name], agreement=agreement)
    reader = PdfReader(tmp_path / name)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_practice_report_prints_the_parquet_figures_in_french_format(inputs):
    _, text = render(inputs, "r.pdf")
    assert f"45 / 60" in text and f"75{NN}%" in text  # the practice's share of women
    assert f"73{NN}%" in text  # the pooled value beside it
    assert "0,012" in text and "0,037" in text
    assert "Données synthétiques" in text
    assert "page 1 / " in text


def test_small_counts_print_a_true_mark_and_their_complementary_partner_its_own(inputs):
    _, text = render(inputs, "r.pdf")
    assert "3 / 58" not in text  # 3 respondents with a discomfort
    assert f"<{NN}5 / 58 ≤{NN}7{NN}%" in text  # a true bound on the percentage, never « < 5 » in the % column
    assert f"Un seul (aujourd'hui) <{NN}5 ≤{NN}7{NN}% 19{NN}%" in text
    assert f"2 à 3 s s 41{NN}%" in text  # hidden to protect « one »: its own mark, not « < 5 »
    # the hidden discomfort figure is never compared with the rest of the region in « L'essentiel »
    assert "Au moins un motif de gêne : plus" not in text and "Au moins un motif de gêne : moins" not in text
    assert "« s » : case masquée pour qu'une autre ne puisse pas être recalculée" in " ".join(text.split())


def test_comments_are_tidied_counted_once_and_the_pdf_is_reproducible(inputs):
    reader, text = render(inputs, "a.pdf")
    assert "merci voir [lien] (× 2)" in " ".join(text.split())
    assert "<b>" not in text and "http" not in text
    render(inputs, "b.pdf")
    assert (inputs / "a.pdf").read_bytes() == (inputs / "b.pdf").read_bytes()
    assert reader.metadata.title.startswith("Questionnaire patients")


def test_the_quality_section_counts_come_from_the_quality_summary_and_state_the_double_entry_agreement(inputs):
    _, text = render(inputs, "once.pdf")
    flat = re.sub(r"[ \t\r\n]+", " ", text)
    assert "ligne sans aucune réponse (1)" in flat and "Double saisie" not in flat
    # 1,262 of 1,274 cells agree: 99.058 % → « 99,1 % »
    pd.DataFrame(
        {"region": "reg", "practice": "cab", "variable": ["sex", ""], "header": ["Sexe", ""],
         "compared": [49, 1274], "agreed": [48, 1262], "rate": [48 / 49, 1262 / 1274]}
    ).to_parquet(inputs / "agreement.parquet")
    _, text = render(inputs, "twice.pdf", agreement=[inputs / "agreement.parquet"])
    flat = re.sub(r"[ \t\r\n]+", " ", text)
    assert f"concordent pour 99,1{NN}% des cellules comparées (1{NN}262 sur 1{NN}274)" in flat


def test_page_one_has_the_key_messages_and_the_headline_figures_with_the_region_beside(inputs):
    reader, _ = render(inputs, "r.pdf")
    first = re.sub(r"[ \t\r\n]+", " ", reader.pages[0].extract_text())
    assert "L'essentiel" in first and "Limites" in first
    # the one headline of this practice is hidden: its bound is printed, with the region beside, and no interval
    assert f"≤{NN}7{NN}% Au moins un motif de gêne <{NN}5 / 58 ; région : 18{NN}%" in first
    assert "effectif de 0 à 4" in first  # the marks are explained on the page


def second_practice(folder):
    """The fixture's region with a second practice, « cab2 », whose figures are those of « cab »."""
    for name in ("published", "associations", "comparisons", "period", "comments"):
        table = pd.read_parquet(folder / f"{name}.parquet")
        twin = table[table["scope"] == "cab"].assign(scope="cab2")
        pd.concat([table, twin], ignore_index=True).to_parquet(folder / f"{name}.parquet")


def test_a_batch_writes_the_same_bytes_in_one_process_or_two(inputs):
    second_practice(inputs)
    render_batch(inputs, ["one-cab.pdf", "one-cab2.pdf"], practices=("cab", "cab2"), processes=1)
    render_batch(inputs, ["two-cab.pdf", "two-cab2.pdf"], practices=("cab", "cab2"), processes=2)
    for practice in ("cab", "cab2"):
        assert (inputs / f"one-{practice}.pdf").read_bytes() == (inputs / f"two-{practice}.pdf").read_bytes()
    assert "Cabinet B" in "".join(page.extract_text() for page in PdfReader(inputs / "two-cab2.pdf").pages)


def test_a_practice_whose_report_fails_is_named_and_gets_no_pdf_while_the_others_are_written(inputs):
    second_practice(inputs)
    period = pd.read_parquet(inputs / "period.parquet")
    period[period["scope"] != "cab2"].to_parquet(inputs / "period.parquet")  # cab2's return period is missing
    with pytest.raises(BatchError, match=r"report not written — cab2 : "):
        render_batch(inputs, ["cab.pdf", "cab2.pdf"], practices=("cab", "cab2"), processes=2)
    assert sorted(p.name for p in inputs.glob("*.pdf*")) == ["cab.pdf"]
