"""Multivariable logistic regression of `has_assistant` on covariates chosen before looking at the data.

The covariates come from config (`analysis.model_covariates`; by default the determinants of the seed
study: MSP, CPTS, ASALEE and practice area), never from a p-value screen, which would bias the adjusted
odds ratios and their intervals. Each covariate enters as indicators of its levels against its reference
level (`determinants.reference_level`), so that every level of a multi-level variable gets its adjusted
odds ratio. The model uses the respondents who answered the outcome and every covariate (complete cases, `n`).

Events per parameter (EPV: respondents in the rarer outcome group per non-intercept coefficient) decide the
estimator. Below `min_events_per_variable` (5 by default, after Vittinghoff & McCulloch 2007, Am J
Epidemiol 165:710–718) the model is not estimated and `message` says why. Below
`firth_events_per_parameter` (10: Peduzzi et al. 1996, J Clin Epidemiol 49:1373–1379), or when the data are
separated (a level or combination of levels whose respondents all have, or all lack, an assistant: the
maximum-likelihood odds ratio is infinite; Albert & Anderson 1984), Firth's penalised likelihood gives the
estimates, with profile penalised-likelihood intervals and p-values (stats.firth); otherwise maximum
likelihood with Wald intervals. Every row also carries the model's events, parameters, EPV, AIC (−2ℓ + 2k,
ℓ the log-likelihood at the estimates, k the coefficients with the intercept) and c-statistic (AUC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook
from assistmed.gps.determinants import OUTCOME, WITH, reference_level

MODEL_COLUMNS = [
    "term", "variable", "level", "reference", "odds_ratio", "ci_low", "ci_high", "p_value", "n", "events",
    "parameters", "events_per_parameter", "method", "aic", "c_statistic", "status", "message",
]
# A maximum-likelihood log odds ratio this large (an odds ratio above 3 million) only comes from separated data.
_SEPARATED_LOG_OR = 15.0


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = ("odds_ratio", "ci_low", "ci_high", "p_value", "events_per_parameter", "aic", "c_statistic")
    text = ("term", "variable", "level", "reference", "method", "status", "message")
    return frame.astype(
        {**dict.fromkeys(floats, "float64"), **dict.fromkeys(text, "object"),
         **dict.fromkeys(("n", "events", "parameters"), "int64")}
    )


def _not_estimated(message: str, n: int, variables: Sequence[str], events: int = 0, parameters: int = 0) -> pd.DataFrame:
    epv = events / parameters if parameters else math.nan
    row = ["", ", ".join(variables), "", "", math.nan, math.nan, math.nan, math.nan, n, events, parameters, epv, "",
           math.nan, math.nan, "not_estimated", message]
    return _typed(pd.DataFrame([row], columns=MODEL_COLUMNS))


def _decimal(x: float) -> str:
    """One decimal, French style (a decimal comma), for the messages."""
    return f"{x:.1f}".replace(".", ",")


def _label(codebook: Codebook, name: str, level: str) -> str:
    variable = codebook.variable(name)
    return f"{variable.label_fr} = {variable.label_for_key(level)}"


def _separating_level(codebook: Codebook, data: pd.DataFrame, y: np.ndarray, variables: Sequence[str]) -> str | None:
    """A level whose respondents all have (or all lack) an assistant, described in French; None if none."""
    for name in variables:
        for level in codebook.variable(name).keys:
            values = (data[name] == level).to_numpy()
            if values.any() and y[values].sum() in (0, values.sum()):
                who = "tous travaillent" if y[values].sum() else "aucun ne travaille"
                return f"parmi les répondants « {_label(codebook, name, level)} », {who} avec un assistant médical"
    return None


def fit_model(
    clean: pd.DataFrame,
    codebook: Codebook,
    *,
    variables: Sequence[str],
    confidence: float,
    min_events_per_variable: float,
    firth_events_per_parameter: float,
) -> pd.DataFrame:
    """One row per model term (`variable=level`, MODEL_COLUMNS) with its adjusted odds ratio, or one row
    saying why the model was not estimated (status 'not_estimated')."""
    from assistmed.stats.firth import c_statistic, fit_logistic

    if not variables:
        return _not_estimated("Aucune covariable n'est prévue pour le modèle multivarié (analysis.model_covariates).",
                              0, variables)
    for name in variables:
        if name not in codebook.by_name or not codebook.variable(name).is_categorical:
            raise ValueError(
                f"analysis.model_covariates : « {name} » n'est pas une question à modalités du questionnaire médecins"
                " / not a coded variable of the GP codebook"
            )
    data = clean[[OUTCOME, *variables]].dropna()
    n = len(data)
    y = (data[OUTCOME].astype(object) == WITH).to_numpy(dtype=float)
    columns: dict[str, np.ndarray] = {}
    terms: list[tuple[str, str, str]] = []
    for name in variables:
        variable = codebook.variable(name)
        observed = [k for k in variable.keys if (data[name] == k).any()]
        if len(observed) < 2:
            return _not_estimated(
                f"« {variable.label_fr} » ne prend qu'une modalité parmi les {n} répondants ayant répondu à toutes "
                "les questions du modèle : modèle multivarié non estimé.",
                n, variables,
            )
        reference = reference_level(variable) if reference_level(variable) in observed else observed[0]
        for level in observed:
            if level != reference:
                columns[f"{name}={level}"] = (data[name] == level).to_numpy(dtype=float)
                terms.append((name, level, reference))
    events = int(min(y.sum(), n - y.sum()))
    parameters = len(terms)
    epv = events / parameters
    if epv < min_events_per_variable:
        return _not_estimated(
            f"Trop peu d'événements pour le modèle multivarié : {events} répondants dans le groupe le moins nombreux "
            f"pour {parameters} paramètres ({_decimal(epv)} par paramètre, il en faut au moins {min_events_per_variable:g}) ;"
            " modèle non estimé.",
            n, variables, events, parameters,
        )
    X = np.column_stack([np.ones(n), *columns.values()])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        return _not_estimated(
            "Variables redondantes (matrice singulière) : une modalité se déduit des autres ; modèle multivarié "
            "non estimé.",
            n, variables, events, parameters,
        )
    separation = _separating_level(codebook, data, y, variables)
    if separation is None:
        ml = fit_logistic(X, y, firth=False, confidence=confidence)
        if not ml.converged or np.any(np.abs(ml.params) > _SEPARATED_LOG_OR):
            separation = "une combinaison de modalités sépare les médecins avec et sans assistant"
    reasons = []
    if separation is not None:
        reasons.append(f"séparation des données ({separation}) : le maximum de vraisemblance donnerait un odds ratio infini")
    if epv < firth_events_per_parameter:
        reasons.append(f"{_decimal(epv)} événements par paramètre, moins de {firth_events_per_parameter:g}")
    fit = ml if not reasons else fit_logistic(X, y, firth=True, confidence=confidence)
    message = (
        "Estimation pénalisée de Firth (intervalles et p de la vraisemblance pénalisée profilée) : " + " ; ".join(reasons)
        + "."
        if reasons
        else ""
    )
    if not fit.converged:
        return _not_estimated("L'estimation du modèle ne converge pas ; modèle multivarié non estimé.", n, variables,
                              events, parameters)
    aic = -2 * fit.loglik + 2 * X.shape[1]
    auc = c_statistic(y, fit.fitted)
    rows = [
        [term, name, level, reference, math.exp(fit.params[i]), math.exp(fit.ci_low[i]), math.exp(fit.ci_high[i]),
         float(fit.p_values[i]), n, events, parameters, epv, fit.method, aic, auc, "estimated", message]
        for i, (term, (name, level, reference)) in enumerate(zip(columns, terms), start=1)
    ]
    return _typed(pd.DataFrame(rows, columns=MODEL_COLUMNS))
