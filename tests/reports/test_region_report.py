"""The pooled regional report built from hand-made contract tables (interviews included), read back as text."""

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from assistmed.codebook import load_codebook
from assistmed.disclosure.cells import Published
from assistmed.patients.comments import comment_table
from assistmed.patients.compare import compare_with_rest
from assistmed.patients.analyse import practice_funnel
from assistmed.patients.describe import return_period
from assistmed.qual.flow import interview_flow
from assistmed.quality import quality_summary
from assistmed.reports import common
from assistmed.reports import patients as reports
from assistmed.reports.charts import Bound

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "resources/codebooks/patients.yaml"
INTERVIEWS_CODEBOOK = ROOT / "resources/codebooks/interviews.yaml"
NN = "\u202f"
LABELS = {"p1": "Cabinet Un", "p2": "Cabinet Deux", "p3": "Cabinet Trois"}
RULE = {"negative_answers": {"overall_opinion": ["rather_unfavourable", "very_unfavourable"]}, "min_negative": 1}
HOSTILE_EXCERPT = "<img src=file:///etc/passwd>"
# opinion counts per scope (very / rather favourable, rather / very unfavourable)
OPINION = {"p1": [30, 20, 6, 5], "p2": [20, 10, 3, 0], "p3": [25, 25, 5, 5], "reg": [75, 55, 14, 10]}


KEYS = ["very_favourable", "rather_favourable", "rather_unfavourable", "very_unfavourable"]
# p2: 3 « rather unfavourable » and 0 « very unfavourable » are small; « rather favourable » is hidden with them
STATUS = {("p2", "rather_favourable"): "secondary", ("p2", "rather_unfavourable"): "small", ("p2", "very_unfavourable"): "small"}
NAN = float("nan")


def _write_tables(folder: Path, build, *, stratified: bool) -> None:
    rows = []
    for scope, (n, N) in {"p1": (61, 200), "p2": (33, 150), "p3": (60, 180), "reg": (154, 530)}.items():
        rows.append(["indicators", scope, "response_rate", "", "shown", n, N, n / N, 0.1, 0.4])
    # p2: 3 of 33 respondents with a discomfort: « < 5 », « ≤ 13 % » (4 / 33 = 12.1 %, rounded up)
    for scope, (n, N) in {"p1": (20, 61), "p2": (3, 33), "p3": (15, 60), "reg": (38, 154)}.items():
        small = scope == "p2"
        rows.append(["indicators", scope, "any_discomfort", "", "small" if small else "shown", None if small else n, N,
                     0.13 if small else n / N, NAN if small else 0.1, NAN if small else 0.4])
    for scope, counts in OPINION.items():
        for key, n in zip(KEYS, counts):
            status = STATUS.get((scope, key), "shown")
            prop = {"shown": n / sum(counts), "small": 0.13, "secondary": NAN}[status]
            rows.append(["distributions", scope, "overall_opinion", key, status, n if status == "shown" else None,
                         sum(counts), prop, NAN, NAN])
    build(rows).to_parquet(folder / "published.parquet")
    # the exact indicators the comparisons are drawn from (p2's discomfort is hidden: never compared in print)
    exact = pd.DataFrame(
        [[s, "response_rate", n, N] for s, (n, N) in {"p1": (61, 200), "p2": (33, 150), "p3": (60, 180), "reg": (154, 530)}.items()]
        + [[s, "any_discomfort", n, N] for s, (n, N) in {"p1": (20, 61), "p2": (3, 33), "p3": (15, 60), "reg": (38, 154)}.items()],
        columns=["scope", "indicator", "n", "N"],
    )
    compare_with_rest(exact, units=list(LABELS), pool="reg").to_parquet(folder / "comparisons.parquet")
    # the region's design-based columns (discomfort: design effect 2.4, ICC 0.035, 2 degrees of freedom)
    exact.assign(
        prop=exact["n"] / exact["N"],
        deff=[NAN] * 7 + [2.4], icc=[NAN] * 7 + [0.035], design_df=[NAN] * 7 + [2.0],
    ).to_parquet(folder / "indicators.parquet")
    practice_funnel(exact.assign(prop=exact["n"] / exact["N"]), "reg", list(LABELS)).to_parquet(folder / "funnel.parquet")
    tests = pd.DataFrame(
        {"scope": ["reg"], "var_a": ["contacts"], "var_b": ["evolution_wait"], "test": ["chi2"], "statistic": [9.1],
         "dof": [4], "p_value": [0.0123], "p_adjusted": [0.0369], "cramers_v": [0.27], "n": [154]}
    )
    if stratified:
        tests = tests.assign(stratified_test=["gcmh"], p_stratified=[0.0456], p_design=[0.0789])
    tests.to_parquet(folder / "associations.parquet")


def _write_clean(folder: Path, comment: str | None = None) -> None:
    """The region's descriptive tables from a small clean frame (two patients per practice)."""
    frames = []
    for practice in LABELS:
        frames.append(pd.DataFrame(
            {"practice": [practice] * 2, "overall_opinion": ["very_favourable", None],
             "comment": [f"merci ({practice})", comment if practice == "p1" else None],
             "return_date": pd.to_datetime(["2021-02-01", "2021-03-15" if practice != "p3" else "2021-04-30"])}
        ))
    clean = pd.concat(frames, ignore_index=True)
    comment_table(clean, region="reg").to_parquet(folder / "comments.parquet")
    return_period(clean, scopes=list(LABELS), pool="reg").to_parquet(folder / "period.parquet")


@pytest.fixture
def inputs(tmp_path, published_table):
    _write_tables(tmp_path, published_table, stratified=False)
    _write_clean(tmp_path)
    interview_flow(pd.DataFrame({"practice": list(LABELS), "n_selected": [7, 2, 6]}),
                   pd.DataFrame({"n_total": [9]}), reached=11).to_parquet(tmp_path / "flow.parquet")
    for practice in LABELS:
        no_rejects = pd.DataFrame({"source_row": pd.Series([], dtype="int64"), "reason": pd.Series([], dtype="object")})
        summary = quality_summary(2, 2, no_rejects, pd.DataFrame({"variable": []}), ["sex"])
        summary.assign(region="reg", practice=practice).to_parquet(tmp_path / f"quality-{practice}.parquet")
        (tmp_path / f"{practice}.csv").write_text(practice, encoding="utf-8")
    # 7, 2 and 6 interviewees: 2 is hidden, and 6 with it (else 2 = 15 − 7 − 6)
    selection = [["selection", p, "interview_selection", "", s, n, None, NAN, NAN, NAN]
                 for p, s, n in [("p1", "shown", 7), ("p2", "small", None), ("p3", "secondary", None), ("reg", "shown", 15)]]
    published_table(selection).to_parquet(tmp_path / "selection.parquet")
    pd.DataFrame(
        {
            "theme": ["information_identification", "access_appointments"],
            "label": ["Information insuffisante sur l'assistante et difficulté à l'identifier",
                      "Accès au cabinet et aux rendez-vous"],
            "origin": ["predefined", "emerged"],
            "n_interviews": [3, 1],
            "n_total": [9, 9],
            "excerpts": [["Je ne savais pas qui elle était.", HOSTILE_EXCERPT], ["On a un rendez-vous plus vite."]],
        }
    ).to_parquet(tmp_path / "themes.parquet")
    return tmp_path


def render(folder: Path, name: str, *, settings=None, interviews=True, comment=None) -> str:
    if comment is not None:
        _write_clean(folder, comment)
    extra = (
        {"themes": folder / "themes.parquet", "selection": folder / "selection.parquet", "flow": folder / "flow.parquet",
         "interviews": RULE, "interviews_codebook": INTERVIEWS_CODEBOOK}
        if interviews
        else {}
    )
    reports.render_region_patients_report(
        published=folder / "published.parquet", indicators=folder / "indicators.parquet",
        funnel=folder / "funnel.parquet",
        associations=folder / "associations.parquet", comparisons=folder / "comparisons.parquet",
        comments=folder / "comments.parquet", period=folder / "period.parquet",
        quality=[folder / f"quality-{p}.parquet" for p in LABELS],
        raw=[folder / f"{p}.csv" for p in LABELS], codebook=CODEBOOK, pdf=folder / name,
        digests=folder / "inputs-sha256.csv",
        meta={"study_title": "Étude", "author": "URML", "synthetic": True, "region": "reg",
              "region_label": "Région Test", "period": {"start": "2021-01-01", "end": "2021-05-31"},
              "practice_labels": LABELS},
        settings=settings or {"confidence": 0.95, "p_adjust": "holm", "min_expected": 5,
                              "fisher_mc_tables": 200000, "seed": 4242},
        code="0.1.0+test", config_digest="c0ffee", **extra,
    )
    return " ".join(page.extract_text() for page in PdfReader(folder / name).pages)


def flat(text: str) -> str:
    """Line breaks and runs of spaces as one space; narrow no-break spaces kept (they are part of the format)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def test_interview_section_shows_the_rule_the_counts_and_each_theme_with_its_origin(inputs):
    text = flat(render(inputs, "r.pdf"))
    codebook = load_codebook(CODEBOOK)
    assert "ont donné la réponse négative suivante : Avis global sur la présence de l'assistante :" in text
    assert "« Plutôt défavorable » ou « Très défavorable »" in text
    assert f"Cabinet Un 7 Cabinet Deux <{NN}5 Cabinet Trois s Total 15" in text
    # the flow: the number selected is the selection's published total
    assert ("sélectionnés (règle ci-dessous) 15 joints par téléphone 11 interrogés 9 entretiens codés dans la grille 9"
            in text)
    assert "choisis pour leurs réponses négatives" in text
    assert "Information insuffisante sur l'assistante et difficulté à l'identifier" in text
    assert "Origine : Prédéfini (guide d'entretien) — 3 entretiens sur 9" in text
    assert "Origine : Émergent — 1 entretien sur 9" in text
    assert "« Je ne savais pas qui elle était. »" in text  # one quote per theme: the first
    assert HOSTILE_EXCERPT not in text
    assert codebook.title_fr in text


def test_without_interview_inputs_the_section_says_none_was_coded(inputs):
    text = flat(render(inputs, "r.pdf", interviews=False))
    assert "Aucun entretien n'a été codé pour cette région." in text
    assert "Sélection des entretiens :" not in text


def test_themes_without_the_interview_codebook_are_refused_rather_than_labelled_by_hand(inputs):
    with pytest.raises(ValueError, match="interviews_codebook"):
        reports.qualitative_context(
            load_codebook(CODEBOOK), LABELS, region="reg", themes=inputs / "themes.parquet", selection=None,
            flow=None, interviews=None, interviews_codebook=None,
        )


def test_selection_counts_below_the_threshold_zeros_included_and_their_partner_are_hidden():
    from assistmed.disclosure.patients import disclose_selection_table
    from assistmed.disclosure.policy import Policy

    selection = pd.DataFrame({"practice": ["a", "b", "c", "d"], "n_selected": [0, 3, 9, 12]})
    table, audit = disclose_selection_table(selection, region="r", practices=list("abcd"), policy=Policy(5))
    rows, total = reports.selection_rows(Published(table), {"a": "A", "b": "B", "c": "C", "d": "D"}, "r")
    # 0 and 3 print « < 5 »; 9 is hidden with them (« s »), else 0 + 3 = 24 − 9 − 12 would pin both.
    assert [r["n"] for r in rows] == [f"<{NN}5", f"<{NN}5", "s", "12"]
    assert total == "24"
    assert audit["protected"].all()


def test_methods_appendix_follows_the_configured_settings(inputs):
    text = flat(render(inputs, "r.pdf", settings={"confidence": 0.9, "p_adjust": "bonferroni", "min_expected": 10,
                                                  "fisher_mc_tables": 200000, "seed": 4242}))
    assert "Correction pour tests multiples : Bonferroni" in text
    assert "Holm" not in text
    assert f"200{NN}000 tables simulées (graine 4242" in text
    assert "au plus 20 % inférieurs à 10" in text
    assert f"intervalles de confiance à 90{NN}%" in text
    assert "un effectif de 0 à 4 n'est pas affiché" in text
    # an indicator's definition comes from the codebook: any_discomfort is the « discomfort » group
    assert "Au moins un motif de gêne au moins une case cochée parmi : Gêne : confidentialité" in text
    assert "Sélection des entretiens : Ont été retenues pour un entretien" in text


def test_stratified_and_design_p_value_columns_appear_only_when_the_table_has_them(inputs, published_table):
    text = flat(render(inputs, "a.pdf"))
    assert "p stratifié (cabinet)" not in text and "p ajusté V de Cramér" in text
    _write_tables(inputs, published_table, stratified=True)
    text = flat(render(inputs, "b.pdf"))
    assert "p ajusté p plan de sondage p stratifié (cabinet) V de Cramér" in text
    assert "0,012 0,037 0,079 0,046 0,27" in text  # p, p adjusted, p by the design, p stratified, Cramér's V
    assert "Cochran–Mantel–Haenszel" in text


def test_charts_do_not_draw_suppressed_practice_values(inputs, monkeypatch):
    drawn = {}

    def stacked_distribution(bar_labels, category_labels, props):
        drawn["o"] = props
        return "data:image/svg+xml;base64,"

    def indicator_comparison(labels, scope, reference, scope_name, reference_name):
        drawn["i"] = (scope, reference)
        return "data:image/svg+xml;base64,"

    monkeypatch.setattr(reports.charts, "stacked_distribution", stacked_distribution)
    monkeypatch.setattr(common.charts, "indicator_comparison", indicator_comparison)
    codebook = load_codebook(CODEBOOK)
    published = Published.read(inputs / "published.parquet")
    figure = reports.opinion_figure(codebook, published, [("p2", "Deux"), ("reg", "Région")], "Source")
    # p2: 3 and 0 are small, 10 hidden with them: none of the three is given a size
    assert drawn["o"][0] == [pytest.approx(20 / 33), None, None, None]
    assert drawn["o"][1] == [pytest.approx(75 / 154), pytest.approx(55 / 154), pytest.approx(14 / 154), pytest.approx(10 / 154)]
    assert [row["cells"][0] for row in figure["rows"]] == [f"61{NN}%", "s", f"≤{NN}13{NN}%", f"≤{NN}13{NN}%"]
    common.indicator_chart(codebook, published, ("p2", "Deux"), ("reg", "Région"))
    scope, reference = drawn["i"]
    # response rate shown; 3 / 33 with a discomfort is a labelled bound, never a point
    assert scope == [(33 / 150, 0.1, 0.4), Bound(0.13, at_least=False, text=f"≤{NN}13{NN}%")]
    assert reference == [(154 / 530, 0.1, 0.4), (38 / 154, 0.1, 0.4)]


def test_hostile_excerpt_and_comment_print_as_text_and_fetch_nothing(inputs, recording_server):
    port, requests = recording_server
    pd.DataFrame(
        {"theme": ["information_identification"], "label": ["Information"], "origin": ["predefined"],
         "n_interviews": [3], "n_total": [9], "excerpts": [[HOSTILE_EXCERPT]]}
    ).to_parquet(inputs / "themes.parquet")
    comment = f"voir <link href=http://127.0.0.1:{port}/> <img src=file:///etc/passwd>"
    text = flat(render(inputs, "r.pdf", comment=comment))
    assert HOSTILE_EXCERPT in text  # an excerpt is printed as text, markup and all
    assert "voir" in text and "127.0.0.1" not in text  # a comment loses its markup and links
    assert requests == []
    assert b"root:" not in (inputs / "r.pdf").read_bytes()


def test_the_same_inputs_render_to_identical_bytes_charts_included(inputs):
    render(inputs, "a.pdf")
    render(inputs, "b.pdf")
    data = (inputs / "a.pdf").read_bytes()
    assert data == (inputs / "b.pdf").read_bytes()
    assert data.count(b"/Subtype /Form") >= 2  # the two charts are embedded (SVG drawn as PDF forms)


def bookmarks(outline, depth=0) -> list[tuple[int, str]]:
    """(depth, title) of every outline entry, in reading order."""
    entries = []
    for item in outline:
        entries += bookmarks(item, depth + 1) if isinstance(item, list) else [(depth, item.title)]
    return entries


def test_pdf_has_bookmarks_page_numbers_running_header_title_and_language(inputs):
    render(inputs, "r.pdf")
    reader = PdfReader(inputs / "r.pdf")
    pages = [page.extract_text() for page in reader.pages]
    outline = bookmarks(reader.outline)
    top = [title for depth, title in outline if depth == 0]
    chapters = [title for depth, title in outline if depth == 1]
    sections = [title for depth, title in outline if depth == 2]
    assert top == ["Étude"]  # the cover's title holds the report's chapters (h2), which hold their sections (h3)
    assert chapters[:3] == ["L'essentiel", "Limites", "Indicateurs principaux"]
    assert {"Entretiens qualitatifs", "Méthodes", "Provenance"} <= set(chapters)
    assert {"Du questionnaire à l'entretien", "Thèmes des entretiens", "Questions et codes"} <= set(sections)
    assert f"page 1 / {len(pages)}" in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"page {number} / {len(pages)}" in text
        assert "Région Test" in text  # running header: the scope, on every page after the cover
    assert reader.metadata.title == f"{load_codebook(CODEBOOK).title_fr} — Région Test"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_figures_print_in_french_format(inputs):
    text = flat(render(inputs, "r.pdf"))
    assert f"154 / 530 29{NN}% [10{NN}% ; 40{NN}%]" in text  # the region's return rate, 29.06 %
    # the annex: one row per practice, a hidden figure printed as its bound
    assert f"Cabinet Deux 22{NN}% — — — — ≤{NN}13{NN}%" in text


def test_only_practices_whose_figures_are_shown_are_compared_with_the_rest_of_the_region(inputs):
    text = flat(render(inputs, "r.pdf"))
    # p2's discomfort (3 / 33) is hidden: it is left out of the comparisons, never printed as a difference
    assert "Cabinet Deux Au moins un motif de gêne" not in text
    assert "comparaisons dont les chiffres sont publiés sans masque" in text


def test_the_funnel_plot_draws_only_practices_whose_figure_is_shown_and_names_the_others(inputs, monkeypatch):
    drawn = []
    monkeypatch.setattr(reports.charts, "funnel_plots", lambda panels: drawn.extend(panels) or "data:image/svg+xml;base64,")
    funnel = pd.read_parquet(inputs / "funnel.parquet")
    cells = Published.read(inputs / "published.parquet")
    result = reports.funnel_figure(load_codebook(CODEBOOK), cells, funnel, LABELS, "reg", ["any_discomfort"], "Source")
    (panel,) = drawn
    # p2's 3 of 33 is « < 5 »: its point would give it back; its limits (N = 33, published) are drawn
    assert panel.labels == ["Cabinet Trois", "Cabinet Un"] and panel.respondents == [60, 61]
    assert panel.limits_n == [33, 60, 61]
    assert panel.pooled == pytest.approx(38 / 154)
    assert result["hidden"] == ["Cabinet Deux (au moins un motif de gêne)"]
    assert "Non tracés (chiffre masqué ou borné) : Cabinet Deux" in result["alt"]


def test_a_sentence_names_at_most_ten_practices_and_counts_the_others():
    names = [f"Cabinet {i}" for i in range(1, 170)]
    assert reports.named(names) == [*names[:10], "et 159 autres"]
    assert reports.named(names[:10]) == names[:10]
