"""Multivariable logistic regression of `has_assistant` on the univariately significant determinants.

Adjusted odds ratios with Wald 95 % intervals (statsmodels `Logit`, Newton–Raphson: deterministic), among
the respondents who answered the outcome and every variable of the model (complete cases, `n`). Each
variable enters as indicators of its levels against its reference level (`determinants.reference_level`).

The model is not estimated, and says why in French in `message`, when no variable qualifies, when there
are too few events for the number of parameters (fewer than `min_events_per_variable` of the rarer outcome
per parameter; 5 by default, after Vittinghoff & McCulloch 2007, Am J Epidemiol 165:710–718, rather than
Peduzzi's 10, which a survey of about a hundred GPs could never meet), or when the data separate: a level
whose respondents all have (or all lack) an assistant makes its maximum-likelihood odds ratio infinite
(Albert & Anderson 1984, Biometrika 71:1–10), and so does a combination of levels, which the fit reveals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook
from assistmed.gps.determinants import OUTCOME, WITH, reference_level

MODEL_COLUMNS = [
    "term", "variable", "level", "reference", "odds_ratio", "ci_low", "ci_high", "p_value", "n", "status",
    "message",
]
# A fitted log odds ratio this large (an odds ratio above 3 million) only comes from separated data.
_SEPARATED_LOG_OR = 15.0


def eligible_variables(determinants: pd.DataFrame, alpha: float = 0.05) -> list[str]:
    """Variables whose univariate test gave p < alpha, in the order of the determinants table."""
    tested = determinants[determinants["p_value"] < alpha]
    return list(dict.fromkeys(tested["variable"]))


def _not_estimated(status: str, message: str, n: int, variables: Sequence[str] = ()) -> pd.DataFrame:
    row = ["", ", ".join(variables), "", "", math.nan, math.nan, math.nan, math.nan, n, status, message]
    return _typed(pd.DataFrame([row], columns=MODEL_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = {c: "float64" for c in ("odds_ratio", "ci_low", "ci_high", "p_value")}
    text = {c: "object" for c in ("term", "variable", "level", "reference", "status", "message")}
    return frame.astype({**floats, **text, "n": "int64"})


def _label(codebook: Codebook, name: str, level: str) -> str:
    variable = codebook.variable(name)
    return f"{variable.label_fr} = {variable.label_for_key(level)}"


def fit_model(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    variables: Sequence[str],
    confidence: float,
    min_events_per_variable: float,
) -> pd.DataFrame:
    """One row per model term (`variable=level`) with its adjusted odds ratio, or one row saying why the
    model was not estimated (status 'not_estimated' or 'separation')."""
    if not variables:
        return _not_estimated(
            "not_estimated",
            "Aucune variable associée au recours à un assistant médical (p < 0,05) en analyse univariée : "
            "modèle multivarié non estimé.",
            0,
        )
    data = clean[[OUTCOME, *variables]].dropna()
    n = len(data)
    y = (data[OUTCOME].astype(object) == WITH).to_numpy(dtype=float)
    columns: dict[str, np.ndarray] = {}
    terms: list[tuple[str, str, str]] = []
    for name in variables:
        variable = codebook.variable(name)
        reference = reference_level(variable)
        observed = [k for k in variable.keys if (data[name] == k).any()]
        if len(observed) < 2:
            return _not_estimated(
                "not_estimated",
                f"« {variable.label_fr} » ne prend qu'une modalité parmi les {n} répondants ayant répondu à "
                "toutes les questions du modèle : modèle multivarié non estimé.",
                n, variables,
            )
        if reference not in observed:
            reference = observed[0]
        for level in observed:
            values = (data[name] == level).to_numpy()
            with_level = int(y[values].sum())
            if with_level in (0, int(values.sum())):
                who = "tous travaillent" if with_level else "aucun ne travaille"
                return _not_estimated(
                    "separation",
                    f"Séparation des données : parmi les répondants « {_label(codebook, name, level)} », {who} "
                    "avec un assistant médical ; le rapport de cotes ajusté serait infini, modèle multivarié "
                    "non estimé. Voir les tests univariés (test exact de Fisher).",
                    n, variables,
                )
            if level != reference:
                columns[f"{name}={level}"] = values.astype(float)
                terms.append((name, level, reference))
    events = int(min(y.sum(), n - y.sum()))
    if events < min_events_per_variable * len(terms):
        return _not_estimated(
            "not_estimated",
            f"Trop peu d'événements pour le modèle multivarié : {events} répondants dans le groupe le moins "
            f"nombreux pour {len(terms)} paramètres (il en faut au moins {min_events_per_variable:g} par "
            "paramètre) ; modèle non estimé.",
            n, variables,
        )

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    design = sm.add_constant(pd.DataFrame(columns), has_constant="add")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sm.Logit(y, design).fit(method="newton", maxiter=100, disp=False)
    except np.linalg.LinAlgError:
        return _not_estimated(
            "not_estimated",
            "Variables redondantes (matrice singulière) : une modalité se déduit des autres ; modèle multivarié "
            "non estimé.",
            n, variables,
        )
    separated = any(issubclass(w.category, PerfectSeparationWarning) for w in caught)
    unstable = (
        any(issubclass(w.category, ConvergenceWarning) for w in caught)
        or not fit.mle_retvals.get("converged", False)
        or not np.all(np.isfinite(fit.bse))
        or np.any(np.abs(fit.params) > _SEPARATED_LOG_OR)
    )
    if separated or unstable:
        return _not_estimated(
            "separation",
            "Séparation (quasi) complète des données par une combinaison de variables : l'estimation ne "
            "converge pas vers des rapports de cotes finis ; modèle multivarié non estimé. Voir les tests "
            "univariés.",
            n, variables,
        )
    interval = np.exp(fit.conf_int(alpha=1 - confidence))
    rows = [
        [term, name, level, reference, math.exp(fit.params[term]), interval.loc[term, 0], interval.loc[term, 1],
         float(fit.pvalues[term]), n, "estimated", ""]
        for term, (name, level, reference) in zip(columns, terms)
    ]
    return _typed(pd.DataFrame(rows, columns=MODEL_COLUMNS))
