"""The methods appendix's paragraphs on the statistical analysis — the tests, the survey design and the
weights — generated from the analysis settings, in French, so that every report says what was computed.

`analysis_methods` returns plain-text paragraphs (the templates escape them); a report passes the design
of its scope: None for a practice or the GP survey, "region" (practices as clusters) or "national"
(practices as clusters within regions as strata).
"""

from __future__ import annotations

from collections.abc import Mapping

from assistmed.reports.fmt import fmt_int
from assistmed.settings import AnalysisSettings


def tests_paragraph(options: AnalysisSettings) -> str:
    return (
        "Tests d'association : χ² de Pearson sans correction de continuité lorsque la règle de Cochran est "
        f"respectée (aucun effectif attendu inférieur à 1, au plus 20 % inférieurs à {options.min_expected}) ; "
        "sinon test exact de Fisher (Freeman–Halton au-delà de 2×2), identique à fisher.test de R ; lorsque "
        "l'énumération exacte est hors de portée, estimation de Monte-Carlo sur "
        f"{fmt_int(options.fisher_mc_tables)} tables simulées (graine {options.seed}, même résultat à chaque "
        "exécution), notée « Fisher (Monte-Carlo) ». Les non-réponses sont exclues de chaque tableau."
    )


TREND_PARAGRAPH = (
    "Lorsque les deux variables sont ordonnées (échelles ordinales du questionnaire), le test de tendance "
    "linéaire (linear-by-linear de Mantel, scores équidistants ; Agresti 2002, § 3.4) est calculé en "
    "complément, sans ajustement : plus puissant qu'un test global lorsque l'association suit l'ordre des "
    "modalités."
)


def analysis_methods(settings: AnalysisSettings | Mapping | None, *, design: str | None = None) -> list[str]:
    """The paragraphs naming the tests (and, for a pooled scope, the design and the weights)."""
    options = AnalysisSettings.of(settings)
    return [tests_paragraph(options), TREND_PARAGRAPH]
