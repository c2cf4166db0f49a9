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


DESIGNS = {
    "region": (
        "les cabinets sont traités comme des grappes (unités primaires de sondage, tirées avec remise, sans "
        "correction de population finie) ; degrés de liberté : nombre de cabinets moins un"
    ),
    "national": (
        "les cabinets sont traités comme des grappes (unités primaires de sondage, tirées avec remise, sans "
        "correction de population finie), stratifiées par région ; une région d'un seul cabinet contribue "
        "l'écart de ce cabinet à l'estimation d'ensemble (option « adjust » du package R survey) ; degrés de "
        "liberté : nombre de cabinets moins nombre de régions"
    ),
}


def design_paragraph(design: str) -> str:
    comparisons = (
        "Les comparaisons entre régions sont testées de la même façon. "
        if design == "national"
        else ""
    )
    return (
        "Plan de sondage : les patients ont été recrutés par l'intermédiaire de leur cabinet et ceux d'un même "
        f"cabinet se ressemblent ; {DESIGNS[design]}. Pour chaque indicateur poolé, l'intervalle de confiance "
        "selon le plan est un intervalle logit dont la variance est estimée par linéarisation de Taylor, avec "
        "la loi de Student à ces degrés de liberté ; l'effet de plan (deff) rapporte cette variance à celle "
        "d'un échantillon aléatoire simple de même taille, et la corrélation intra-cabinet (estimateur "
        "d'analyse de variance, ramené à 0 s'il est négatif) mesure la ressemblance des patients d'un même "
        "cabinet. Les tests d'association selon le plan sont ceux de Rao et Scott (correction du second "
        f"ordre, statistique F). {comparisons}Ces calculs reproduisent ceux du package R survey 4.1 (svyciprop, "
        "méthode logit ; svymean ; svychisq). Les intervalles imprimés pour les indicateurs poolés sont ceux du "
        "plan de sondage, et chaque test poolé est donné aussi selon le plan (« p plan de sondage ») ; les "
        "intervalles de Wilson, qui traitent les patients comme indépendants, restent dans les tables de "
        "résultats."
    )


WEIGHTS = {
    "none": "Pondération : aucune, chaque patient répondant compte pour un.",
    "return_rate": (
        "Pondération : chaque patient répondant est pondéré par l'inverse du taux de retour de son cabinet "
        "(questionnaires distribués / questionnaires retournés), de sorte que chaque cabinet pèse le nombre de "
        "patients sollicités. Les pourcentages poolés imprimés sont pondérés ; n / N restent des effectifs de "
        "répondants."
    ),
    "calibrated": (
        "Pondération : dans chaque cabinet, les poids des répondants sont calés (ajustement proportionnel "
        "itératif, ou raking) sur les effectifs de la patientèle par catégorie donnés dans la configuration ; "
        "un répondant dont une variable de calage manque reçoit le poids moyen du cabinet, une catégorie sans "
        "répondant est répartie sur les autres. Les poids calés sont ensuite traités comme fixes : la variance "
        "ne tient pas compte du gain de précision du calage (estimation prudente). Les pourcentages poolés "
        "imprimés sont pondérés ; n / N restent des effectifs de répondants."
    ),
}


FUNNEL_PARAGRAPH = (
    "Les cabinets ne sont pas comparés question par question par un test (à mille cabinets, « sont-ils tous "
    "identiques ? » ne renseigne sur rien) : leurs différences sont décrites par la corrélation intra-cabinet "
    "et par un graphique en entonnoir, où la proportion de chaque cabinet est "
    "placée face à ses limites de contrôle à 95 % et 99,8 % autour de la proportion régionale (loi binomiale "
    "exacte interpolée ; Spiegelhalter 2005)."
)


TESTS_DESIGN_NOTE = (
    "p ajusté : correction pour tests multiples des p du test indiqué, qui traite les patients comme "
    "indépendants ; p plan de sondage : test de Rao et Scott tenant compte du regroupement des patients par "
    "cabinet (non ajusté). Une association dont le p plan de sondage dépasse 0,05 n'est pas établie."
)


NOTE_STRATA = {"region": "", "national": ", cabinets stratifiés par région"}


def design_note(settings: AnalysisSettings | Mapping | None, design: str) -> str:
    """The note under a pooled scope's indicator table (``design``: "region" or "national"): which interval
    it prints, what the design effect and the ICC are, and whether its percentages are weighted."""
    options = AnalysisSettings.of(settings)
    weighted = "" if options.weights == "none" else " Pourcentages pondérés (voir Méthodes), n / N non pondérés."
    return (
        f"IC 95 % : intervalle du plan de sondage (patients groupés par cabinet{NOTE_STRATA[design]} ; taux de "
        "retour : intervalle de Wilson). Effet de plan : variance de l'estimation rapportée à celle d'autant de "
        "patients indépendants ; ICC : corrélation intra-cabinet."
        + weighted
    )


def analysis_methods(settings: AnalysisSettings | Mapping | None, *, design: str | None = None) -> list[str]:
    """The paragraphs naming the tests, and for a pooled scope (`design` "region" or "national") the survey
    design and the weights; plain French text, one paragraph per item."""
    options = AnalysisSettings.of(settings)
    paragraphs = [tests_paragraph(options), TREND_PARAGRAPH]
    if design is not None:
        paragraphs += [design_paragraph(design), WEIGHTS[options.weights]]
    if design == "region":
        paragraphs.append(FUNNEL_PARAGRAPH)
    return paragraphs
