"""GP report context: determinants grouped by variable, reference levels marked, odds ratios charted."""

import math

import pandas as pd

from assistmed.codebook import parse_codebook
from assistmed.disclosure.cells import Published
from assistmed.reports import gps

NN = "\u202f"

YES_NO = [{"code": "Y", "key": "yes", "fr": "Oui", "en": "Yes"}, {"code": "N", "key": "no", "fr": "Non", "en": "No"}]
CODEBOOK = parse_codebook(
    {
        "codebook": "gps-test",
        "version": "1",
        "title": {"fr": "Test", "en": "Test"},
        "id_variable": "response_id",
        "variables": [
            {"name": "response_id", "type": "identifier", "label": {"fr": "Id", "en": "Id"}},
            {"name": "has_assistant", "type": "categorical", "label": {"fr": "Assistant", "en": "Assistant"},
             "codes": YES_NO},
            {"name": "msp", "type": "categorical", "label": {"fr": "Exercice en MSP", "en": "MSP"}, "codes": YES_NO},
            {"name": "area", "type": "ordinal", "label": {"fr": "Milieu", "en": "Area"}, "codes": [
                {"code": "A1", "key": "rural", "fr": "Rural", "en": "Rural"},
                {"code": "A2", "key": "semi_rural", "fr": "Semi-rural", "en": "Semi-rural"},
                {"code": "A3", "key": "urban", "fr": "Urbain", "en": "Urban"},
            ]},
        ],
        "associations": [["msp", "has_assistant"], ["area", "has_assistant"]],
    },
    source="gps-test.yaml",
)
NAN = math.nan
# Contract rows as the GP analysis writes them: msp (odds ratio on « Oui » against « Non ») and area (odds
# ratios of semi-rural and urban against rural); the share with an assistant at each MSP level with its Wilson
# interval, by hand with z = 1.959964: (2·23 + z² ± z·√(z² + 4·23·22/45)) / (2·(45 + z²)) → 0.3700 to 0.6504.
DETERMINANTS = pd.DataFrame(
    {
        "variable": ["msp", "msp", "area", "area", "area"],
        "level": ["yes", "no", "rural", "semi_rural", "urban"],
        "reference": ["no", "no", "rural", "rural", "rural"],
        "n_with": [23, 11, 16, 10, 8], "N_with": [34] * 5, "n_without": [22, 43, 15, 21, 29], "N_without": [65] * 5,
        "n_level": [45, 54, 31, 31, 37],
        "prop_with": [23 / 45, 11 / 54, 16 / 31, 10 / 31, 8 / 37], "prop_ci_low": [0.3700, 0.1171, NAN, NAN, NAN],
        "prop_ci_high": [0.6504, 0.3317, NAN, NAN, NAN],
        "n": [99] * 5, "test": ["chi2", "chi2", "fisher", "fisher", "fisher"], "statistic": [10.3, 10.3, NAN, NAN, NAN],
        "p_value": [0.00134, 0.00134, 0.0331, 0.0331, 0.0331], "p_adjusted": [0.00268, 0.00268, 0.0331, 0.0331, 0.0331],
        "odds_ratio": [4.0868, NAN, NAN, 0.4464, 0.2581], "or_ci_low": [1.6896, NAN, NAN, 0.1590, 0.0891],
        "or_ci_high": [9.8852, NAN, NAN, 1.2532, 0.7475],
    }
)


def published(build, hidden=()):
    """The published table of DETERMINANTS: every cell shown but those in ``hidden`` (« < 5 »), the odds ratio
    « s » when one of its cells is hidden."""
    rows = []
    for r in DETERMINANTS.itertuples(index=False):
        for scope, n, N in (("with_assistant", r.n_with, r.N_with), ("without_assistant", r.n_without, r.N_without)):
            small = (scope, r.variable, r.level) in hidden
            rows.append(["determinants", scope, r.variable, r.level, "small" if small else "shown", None if small else n,
                         N, 0.12 if small else n / N, NAN, NAN])
        if not math.isnan(r.odds_ratio):
            masked = any(v == r.variable for _, v, _ in hidden)
            rows.append(["determinants", "odds_ratio", r.variable, r.level, "secondary" if masked else "shown", None,
                         None, NAN if masked else r.odds_ratio, NAN if masked else r.or_ci_low,
                         NAN if masked else r.or_ci_high])
    return Published(build(rows))


def test_determinants_are_grouped_by_variable_with_the_test_printed_once(published_table):
    groups = gps.determinant_groups(CODEBOOK, DETERMINANTS, published(published_table))
    assert [(g["variable"], g["test"], g["n"], g["p"], g["p_adj"]) for g in groups] == [
        ("Exercice en MSP", "χ² de Pearson", "99", "0,001", "0,003"),
        ("Milieu", "Fisher exact", "99", "0,033", "0,033"),
    ]
    msp, area = groups
    assert [(r["level"], r["with"], r["without"], r["or"]) for r in msp["levels"]] == [
        ("Oui", "23 / 34", "22 / 65", "4,09 [1,69 ; 9,89]"),
        ("Non", "11 / 34", "43 / 65", "réf."),
    ]
    # every level of a three-level variable has its odds ratio against the reference
    assert [r["or"] for r in area["levels"]] == ["réf.", "0,45 [0,16 ; 1,25]", "0,26 [0,09 ; 0,75]"]


def test_an_odds_ratio_whose_cell_is_hidden_is_hidden_too_and_not_drawn(published_table, monkeypatch):
    cells = published(published_table, hidden={("with_assistant", "msp", "no")})
    msp = gps.determinant_groups(CODEBOOK, DETERMINANTS, cells)[0]
    assert [(r["with"], r["or"]) for r in msp["levels"]] == [("23 / 34", "s"), (f"<{NN}5 / 34", "réf.")]
    monkeypatch.setattr(gps.charts, "forest_plot", lambda *args: "drawn")
    # 4.09 would give the hidden 11 back
    assert gps.determinant_chart(CODEBOOK, DETERMINANTS[DETERMINANTS["variable"] == "msp"], cells) is None


def test_forest_plot_shows_each_odds_ratio_against_its_named_reference(monkeypatch, published_table):
    drawn = {}

    def forest_plot(labels, odds_ratios, low, high):
        drawn.update(labels=labels, odds_ratios=odds_ratios, low=low, high=high)
        return "data:image/svg+xml;base64,"

    monkeypatch.setattr(gps.charts, "forest_plot", forest_plot)
    cells = published(published_table)
    gps.determinant_chart(CODEBOOK, DETERMINANTS, cells)
    assert drawn == {
        "labels": ["Exercice en MSP : Oui (réf. : Non)", "Milieu : Semi-rural (réf. : Rural)", "Milieu : Urbain (réf. : Rural)"],
        "odds_ratios": [4.0868, 0.4464, 0.2581], "low": [1.6896, 0.1590, 0.0891], "high": [9.8852, 1.2532, 0.7475],
    }
    assert gps.determinant_chart(CODEBOOK, DETERMINANTS[DETERMINANTS["level"].isin(["no", "rural"])], cells) is None


def test_each_level_shows_the_share_of_gps_working_with_an_assistant_with_its_interval(published_table):
    msp = gps.determinant_groups(CODEBOOK, DETERMINANTS, published(published_table))[0]
    assert [(r["share_nN"], r["share"], r["share_ci"]) for r in msp["levels"]] == [
        ("23 / 45", f"51{NN}%", f"[37{NN}% ; 65{NN}%]"),
        ("11 / 54", f"20{NN}%", f"[12{NN}% ; 33{NN}%]"),
    ]


def test_a_share_whose_count_without_an_assistant_is_hidden_is_hidden_too(published_table):
    # 11 / 54 would give back the hidden count of GPs outside an MSP without an assistant (54 − 11 = 43)
    cells = published(published_table, hidden={("without_assistant", "msp", "no")})
    msp = gps.determinant_groups(CODEBOOK, DETERMINANTS, cells)[0]
    assert [(r["share_nN"], r["share"], r["share_ci"]) for r in msp["levels"]] == [
        ("23 / 45", f"51{NN}%", f"[37{NN}% ; 65{NN}%]"),
        ("s", "s", "—"),
    ]
