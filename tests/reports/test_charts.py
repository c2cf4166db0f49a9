"""Report charts: reproducible SVG bytes, labels kept as text, suppressed values not drawn, nothing external."""

import base64
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from assistmed.reports.charts import (
    FunnelPanel,
    forest_plot,
    funnel_plots,
    indicator_comparison,
    ranked_bars,
    stacked_distribution,
)
from tests.workflow.conftest import HANG_GUARD_S

NS = {"svg": "http://www.w3.org/2000/svg"}
NAN = math.nan
NN = "\u202f"
LIKERT = ["très favorable", "plutôt favorable", "neutre", "plutôt défavorable", "très défavorable"]


def svg_of(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix) :]).decode("utf-8")


def texts_of(uri: str) -> list[str]:
    root = ET.fromstring(svg_of(uri))
    return ["".join(node.itertext()) for node in root.iter(f"{{{NS['svg']}}}text")]


def group(uri: str, gid: str):
    return ET.fromstring(svg_of(uri)).find(f".//svg:g[@id='{gid}']", NS)


def points_in(uri: str, gid: str) -> int:
    found = group(uri, gid)
    return 0 if found is None else len(found.findall(".//svg:use", NS))


def width_of(uri: str, gid: str) -> float:
    xs = [float(x) for x in re.findall(r"[ML] ([-\d.]+) ", group(uri, gid).find("svg:path", NS).get("d"))]
    return max(xs) - min(xs)


def comparison(scope=((0.62, 0.48, 0.74), (0.30, 0.20, 0.42)), reference=((0.55, 0.51, 0.59), (0.33, 0.29, 0.37))):
    return indicator_comparison(
        ["Satisfaction globale", "Délai raccourci"], scope, reference, "Cabinet des Tilleuls", "Région (ensemble)"
    )


def distribution(props=((0.40, 0.35, None, None, 0.05), (0.31, 0.34, 0.18, 0.11, 0.06))):
    return stacked_distribution(["Cabinet des Tilleuls", "Région"], LIKERT, props)


def forest():
    return forest_plot(
        ["Sexe : femme", "Sexe : homme", "Âge : 65 ans et plus"],
        [NAN, 0.62, 4.09],
        [NAN, 0.41, 1.69],
        [NAN, 0.94, 9.89],
    )


def bars():
    return ranked_bars(["Manque de locaux", "Coût du poste"], [0.6, 0.35], [0.5, 0.25], [0.7, 0.45])


CHARTS = [comparison, distribution, forest, bars]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda f: f.__name__)
def test_the_same_input_gives_the_same_svg_bytes(chart):
    assert chart() == chart()


@pytest.mark.parametrize("chart", CHARTS, ids=lambda f: f.__name__)
def test_the_svg_references_no_external_resource(chart):
    svg = svg_of(chart())
    assert 'href="http' not in svg and "file:" not in svg
    links = re.findall(r'href="([^"]*)"', svg) + re.findall(r"url\(([^)]*)\)", svg)
    assert links and all(link.startswith("#") for link in links)  # only the SVG's own definitions


def test_comparison_labels_and_legend_names_are_text():
    texts = texts_of(comparison())
    for label in ["Satisfaction globale", "Délai raccourci", "Cabinet des Tilleuls", "Région (ensemble)"]:
        assert label in texts
    assert f"60{NN}%" in texts  # a French percent tick


def test_a_suppressed_indicator_draws_no_point_and_says_masque():
    assert points_in(comparison(), "points-scope") == 2
    masked = comparison(scope=[(0.62, 0.48, 0.74), None])
    assert points_in(masked, "points-scope") == 1
    assert points_in(masked, "points-reference") == 2
    assert texts_of(masked).count("masqué") == 1
    all_masked = comparison(scope=[None, None], reference=[None, None])
    assert points_in(all_masked, "points-scope") == points_in(all_masked, "points-reference") == 0
    assert texts_of(all_masked).count("masqué") == 4
    assert "masqué" not in texts_of(comparison())


def test_comparison_refuses_an_interval_that_does_not_hold_its_proportion():
    with pytest.raises(ValueError, match="Cabinet des Tilleuls"):
        comparison(scope=[(0.62, 0.70, 0.74), None])
    with pytest.raises(ValueError, match="None pour une valeur masquée"):
        comparison(scope=[(NAN, NAN, NAN), None])


def test_distribution_labels_categories_and_masked_legend_are_text():
    texts = texts_of(distribution())
    for label in ["Cabinet des Tilleuls", "Région", *LIKERT, "masqué", f"40{NN}%"]:
        assert label in texts
    assert "masqué" not in texts_of(distribution(props=[(0.4, 0.3, 0.2, 0.05, 0.05), (0.31, 0.34, 0.18, 0.11, 0.06)]))


def test_masked_cells_are_one_hatched_segment_at_the_end_and_never_get_a_size_of_their_own():
    uri = distribution(props=[(0.5, None, 0.1, None, 0.2), (0.5, None, 0.2, 0.1, 0.1)])
    full = sum(width_of(uri, f"segment-1-{j}") for j in (0, 2, 3, 4)) + width_of(uri, "segment-1-masked")
    # bar 0: the known 0.5, 0.1, 0.2 in their order, then 1 − 0.8 = 0.2 for the two masked cells together
    for j in (1, 3):
        assert group(uri, f"segment-0-{j}") is None
    assert width_of(uri, "segment-0-masked") / full == pytest.approx(0.2, abs=1e-5)
    assert width_of(uri, "segment-0-2") / full == pytest.approx(0.1, abs=1e-5)
    assert width_of(uri, "segment-0-0") / full == pytest.approx(0.5, abs=1e-5)


def test_a_headline_printed_as_a_bound_is_a_labelled_tick_not_a_point():
    from assistmed.reports.charts import Bound

    uri = comparison(scope=[Bound(0.94, at_least=True, text=f"≥{NN}94{NN}%"), (0.30, 0.20, 0.42)])
    assert points_in(uri, "points-scope") == 1
    assert f"≥{NN}94{NN}%" in texts_of(uri)
    assert "masqué" not in texts_of(uri)


def test_distribution_refuses_shares_that_do_not_make_100_percent():
    with pytest.raises(ValueError, match="pas 100 %"):
        distribution(props=[(0.5, 0.3, 0.1, 0.0, 0.0), (0.31, 0.34, 0.18, 0.11, 0.06)])
    with pytest.raises(ValueError, match="pas 100 %"):
        distribution(props=[(0.7, 0.3, None, None, 0.05), (0.31, 0.34, 0.18, 0.11, 0.06)])


def test_forest_plot_writes_french_values_and_ref_without_a_point():
    uri = forest()
    texts = texts_of(uri)
    for text in ["Sexe : femme", "Sexe : homme", "Âge : 65 ans et plus", "0,62 [0,41 ; 0,94]", "4,09 [1,69 ; 9,89]"]:
        assert text in texts
    assert texts.count("réf.") == 1
    assert points_in(uri, "points-odds-ratios") == 2
    assert {"0,5", "1", "2", "5", "10"} <= set(texts)  # log-axis ticks in French


@pytest.mark.parametrize(
    ("odds_ratios", "low", "high"),
    [([0.0], [0.0], [1.2]), ([-1.5], [-2.0], [-1.0]), ([1.5], [-0.2], [3.0]), ([1.5], [0.8], [math.inf])],
)
def test_forest_plot_refuses_non_positive_or_infinite_odds_ratios(odds_ratios, low, high):
    with pytest.raises(ValueError, match="strictement positifs"):
        forest_plot(["Sexe : homme"], odds_ratios, low, high)


def test_forest_plot_puts_the_first_label_on_top():
    root = ET.fromstring(svg_of(forest()))
    y = {node.text: float(node.get("y")) for node in root.iter(f"{{{NS['svg']}}}text")}
    assert y["Sexe : femme"] < y["Sexe : homme"] < y["Âge : 65 ans et plus"]  # SVG y grows downwards


def test_figure_height_grows_with_the_number_of_rows():
    def height(n: int) -> float:
        uri = ranked_bars([f"Frein {i}" for i in range(n)], [0.5] * n, [0.4] * n, [0.6] * n)
        return float(ET.fromstring(svg_of(uri)).get("height").removesuffix("pt"))

    assert height(2) < height(6) < height(12)


def test_another_process_renders_the_same_bytes():
    code = (
        "from assistmed.reports.charts import stacked_distribution as s; "
        "print(s(['A', 'B'], ['x', 'y', 'z'], [[0.5, None, None], [0.2, 0.3, 0.5]]))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=HANG_GUARD_S).stdout
    assert other.strip() == stacked_distribution(["A", "B"], ["x", "y", "z"], [[0.5, None, None], [0.2, 0.3, 0.5]])


def test_ranked_bars_keep_labels_as_text():
    texts = texts_of(bars())
    assert "Manque de locaux" in texts and "Coût du poste" in texts


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, assistmed.reports.charts; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=HANG_GUARD_S).stdout == "False\n"


def test_without_a_reference_only_the_scope_is_drawn_and_nothing_is_written_masked():
    svg = svg_of(
        indicator_comparison(["Femmes", "Au moins 2 contacts"], [(0.73, 0.68, 0.77), (0.81, 0.77, 0.85)], None, "Région")
    )
    assert 'id="points-scope"' in svg and 'id="points-reference"' not in svg
    assert "masqué" not in svg and "Région" in svg


def test_labels_with_dollars_or_markup_are_printed_as_typed_never_as_mathtext():
    # « 5$ et 10$ » lost its dollars and an unbalanced « $ » crashed the report (issue #15).
    labels = ["Coût 5$ et 10$", r"Prix $\frac{1}{2}$", "Un seul $ ici"]
    uri = indicator_comparison(labels, [(0.5, 0.4, 0.6)] * 3, [(0.2, 0.1, 0.3)] * 3, "Cabinet $x^2$", "Région $")
    assert set(labels) | {"Cabinet $x^2$", "Région $"} <= set(texts_of(uri))
    bars = stacked_distribution(["Avis $a$"], ["Oui $b$", "Non"], [[0.5, 0.5]])
    assert {"Avis $a$", "Oui $b$"} <= set(texts_of(bars))


def _panel(title: str, outside: bool) -> FunnelPanel:
    return FunnelPanel(
        title=title, respondents=[47, 68], props=[0.70, 0.97], labels=["Cabinet F", "Cabinet A"],
        outside=[False, outside], pooled=0.86, limits_n=[47, 52, 68], low_95=[0.75, 0.76, 0.77],
        high_95=[0.95, 0.94, 0.93], low_998=[0.68, 0.69, 0.71], high_998=[0.99, 0.98, 0.97],
    )


def test_funnel_plots_are_reproducible_and_their_axes_print_only_the_data_and_ten_percent_steps():
    panels = [_panel("Avis globalement favorable", True), _panel("Approuve le rôle", False)]
    uri = funnel_plots(panels)
    assert uri == funnel_plots(panels)
    texts = texts_of(uri)
    assert {"Avis globalement favorable", "Approuve le rôle", "Cabinet A", "Cabinet F", "47", "68"} <= set(texts)
    numbers = {t for t in texts if re.fullmatch(r"[\d\u202f]+(\u202f%)?", t)}
    assert numbers <= {"47", "68", *(f"{p}{NN}%" for p in range(0, 101, 10))}, numbers
    assert 'id="points-0"' in svg_of(uri) and 'id="points-1"' in svg_of(uri)
