"""Logistic regression by maximum likelihood and by Firth's penalised likelihood.

Firth's penalty (Firth D 1993, Biometrika 80:27–38) adds ½·log|I(β)|, I = X'WX the Fisher information, to
the log-likelihood ℓ(β): the estimates lose the first-order bias of maximum likelihood and stay finite
when the data are separated (Heinze G, Schemper M 2002, Stat Med 21:2409–2419). As in R's `logistf`
(Heinze's implementation), the penalised log-likelihood ℓ*(β) is maximised by Newton steps on the
modified score U*(β) = X'(y − π + h(½ − π)), h the diagonal of the hat matrix W^½X(X'WX)⁻¹X'W^½, with step
halving; intervals and p-values come from the profile of ℓ*: the interval holds the values b of a
coefficient for which 2[ℓ*(β̂) − max ℓ*(β | β_j = b)] ≤ χ²₁(level), and the p-value is that of the
penalised likelihood ratio at b = 0 (Heinze & Schemper 2002, §2.2).

Maximum-likelihood fits use the same Newton iterations without the penalty, with Wald intervals and
p-values (what R's `glm` and `confint.default` give).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import chdtrc, chdtri, expit, ndtri

_TOLERANCE = 1e-10
_MAX_ITERATIONS = 200
_MAX_HALVINGS = 30


@dataclass(frozen=True)
class LogisticFit:
    """Coefficients (intercept first), their intervals and p-values, the log-likelihood at the estimates
    (unpenalised, for the AIC), the fitted probabilities, and whether the iterations converged."""

    method: str  # "maximum_likelihood" | "firth"
    params: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_values: np.ndarray
    loglik: float
    fitted: np.ndarray
    converged: bool


def _loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray, penalised: bool) -> float:
    eta = X @ beta
    value = float(y @ eta - np.logaddexp(0, eta).sum())
    if penalised:
        p = expit(eta)
        sign, logdet = np.linalg.slogdet(X.T @ (X * (p * (1 - p))[:, None]))
        value += 0.5 * logdet if sign > 0 else -math.inf
    return value


def _maximise(
    X: np.ndarray, y: np.ndarray, start: np.ndarray, penalised: bool, free: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Newton ascent of ℓ (or ℓ*) over the coefficients marked `free`, the others held at `start`."""
    beta = start.copy()
    current = _loglik(X, y, beta, penalised)
    for _ in range(_MAX_ITERATIONS):
        p = expit(X @ beta)
        information = X.T @ (X * (p * (1 - p))[:, None])
        residual = y - p
        if penalised:
            inverse = np.linalg.inv(information)
            hat = np.einsum("ij,jk,ik->i", X, inverse, X) * p * (1 - p)
            residual = residual + hat * (0.5 - p)
        score = X.T @ residual
        step = np.zeros_like(beta)
        try:
            step[free] = np.linalg.solve(information[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:
            # The information vanished: unpenalised coefficients running off to infinity (separated data).
            return beta, False
        for _ in range(_MAX_HALVINGS):
            candidate = beta + step
            value = _loglik(X, y, candidate, penalised)
            if value >= current - 1e-12:
                break
            step /= 2
        beta, current = candidate, value
        if np.max(np.abs(step)) < _TOLERANCE and np.max(np.abs(score[free])) < 1e-8:
            return beta, True
    return beta, False


def _profile(X: np.ndarray, y: np.ndarray, beta: np.ndarray, j: int, value: float) -> float:
    """max ℓ*(β | β_j = value), starting from β̂."""
    start = beta.copy()
    start[j] = value
    free = np.ones(len(beta), dtype=bool)
    free[j] = False
    fitted, _ = _maximise(X, y, start, True, free)
    return _loglik(X, y, fitted, True)


def _profile_bound(X, y, beta, j, top, cutoff, se, direction) -> float:
    """The value of β_j, on one side of β̂_j, where the profile penalised likelihood ratio reaches `cutoff`."""

    def excess(b: float) -> float:
        return 2 * (top - _profile(X, y, beta, j, b)) - cutoff

    width = max(se, 0.1)
    for _ in range(60):
        far = beta[j] + direction * width
        if excess(far) > 0:
            return brentq(excess, *sorted((beta[j], far)), xtol=1e-10)
        width *= 2
    return direction * math.inf


def fit_logistic(X: np.ndarray, y: np.ndarray, *, firth: bool, confidence: float = 0.95) -> LogisticFit:
    """Logistic regression of y (0/1) on the columns of X (an intercept column included by the caller)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    free = np.ones(X.shape[1], dtype=bool)
    beta, converged = _maximise(X, y, np.zeros(X.shape[1]), firth, free)
    p = expit(X @ beta)
    if not converged:
        nothing = np.full(len(beta), math.nan)
        return LogisticFit("firth" if firth else "maximum_likelihood", beta, nothing, nothing, nothing,
                           _loglik(X, y, beta, False), p, False)
    covariance = np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))
    se = np.sqrt(np.diag(covariance))
    if not firth:
        z = ndtri(0.5 + confidence / 2)
        return LogisticFit("maximum_likelihood", beta, beta - z * se, beta + z * se,
                           chdtrc(1, (beta / se) ** 2), _loglik(X, y, beta, False), p, converged)
    top = _loglik(X, y, beta, True)
    cutoff = chdtri(1, 1 - confidence)
    low = np.array([_profile_bound(X, y, beta, j, top, cutoff, se[j], -1) for j in range(len(beta))])
    high = np.array([_profile_bound(X, y, beta, j, top, cutoff, se[j], +1) for j in range(len(beta))])
    ratio = np.array([max(0.0, 2 * (top - _profile(X, y, beta, j, 0.0))) for j in range(len(beta))])
    return LogisticFit("firth", beta, low, high, chdtrc(1, ratio), _loglik(X, y, beta, False), p, converged)


def c_statistic(y: np.ndarray, fitted: np.ndarray) -> float:
    """Area under the ROC curve of the fitted probabilities: the share of (event, non-event) pairs in which
    the event has the higher probability, ties counting one half (Hanley & McNeil 1982, Radiology 143:29)."""
    y = np.asarray(y, dtype=bool)
    events, others = np.asarray(fitted)[y], np.asarray(fitted)[~y]
    if not len(events) or not len(others):
        return math.nan
    greater = (events[:, None] > others[None, :]).sum()
    ties = (events[:, None] == others[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(events) * len(others)))
