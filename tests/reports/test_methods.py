"""The methods appendix's paragraphs follow the settings and the scope's design."""

from assistmed.reports.methods import analysis_methods


def test_a_practice_report_names_the_tests_only():
    text = " ".join(analysis_methods({"min_expected": 4, "seed": 7}))
    assert "règle de Cochran" in text and "au plus 20 % inférieurs à 4" in text and "graine 7" in text
    assert "linear-by-linear" in text
    assert "Plan de sondage" not in text and "Pondération" not in text


def test_a_region_report_names_the_design_the_weights_and_the_funnel():
    text = " ".join(analysis_methods({"weights": "return_rate"}, design="region"))
    assert "cabinets sont traités comme des grappes" in text and "nombre de cabinets moins un" in text
    assert "Rao et Scott" in text and "package R survey 4.1" in text
    assert "inverse du taux de retour" in text
    assert "entonnoir" in text


def test_the_national_report_names_regions_as_strata_and_calibrated_weights():
    text = " ".join(analysis_methods({"weights": "calibrated"}, design="national"))
    assert "stratifiées par région" in text and "« adjust »" in text
    assert "Les comparaisons entre régions sont testées de la même façon" in text
    assert "raking" in text and "entonnoir" not in text
