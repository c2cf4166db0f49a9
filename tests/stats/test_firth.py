"""Firth's penalised logistic regression on the endometrial cancer study of Heinze & Schemper (2002), whose
neovasculation (NV) separates the outcome: maximum likelihood has no finite estimate, Firth's has."""

import numpy as np
import pytest

from assistmed.stats.firth import c_statistic, fit_logistic

# 79 patients (R: data("endometrial", package = "brglm2")): histology grade HG (outcome), NV, PI, EH.
NV = "0000000000000000000001111100000000000000000000011110000000000000000000100011010"
HG = "0000000000000000011111111110000000000000000111111111100000000000000001111111111"
PI = [13, 16, 8, 34, 20, 5, 17, 10, 26, 17, 8, 7, 20, 10, 18, 16, 18, 8, 29, 12, 20, 38, 22, 7, 25, 15, 7, 28, 11, 19,
      10, 10, 18, 14, 21, 11, 17, 25, 16, 19, 15, 33, 24, 48, 12, 19, 2, 22, 40, 5, 0, 21, 15, 29, 15, 12, 3, 20, 23,
      12, 22, 42, 15, 13, 14, 19, 12, 13, 10, 12, 49, 6, 5, 17, 11, 21, 5, 19, 33]
EH = [1.64, 2.26, 3.14, 2.68, 1.28, 2.31, 1.8, 1.68, 1.56, 2.31, 2.01, 1.89, 3.15, 1.23, 1.27, 1.76, 2.0, 2.64, 0.88,
      1.27, 1.37, 0.97, 1.14, 0.88, 0.91, 0.58, 0.97, 1.5, 1.33, 2.37, 1.82, 3.13, 1.31, 1.92, 1.64, 2.01, 1.88, 1.93,
      2.11, 1.29, 1.72, 0.75, 1.92, 1.84, 1.11, 1.61, 1.18, 1.44, 1.18, 0.93, 1.17, 1.19, 1.06, 2.02, 2.29, 2.33, 2.9,
      1.7, 1.41, 2.25, 1.54, 1.97, 1.75, 2.16, 2.57, 1.37, 3.61, 2.04, 2.17, 1.69, 0.27, 1.84, 1.3, 0.96, 1.01, 0.98,
      0.35, 1.02, 0.85]
X = np.column_stack([np.ones(79), [int(c) for c in NV], PI, EH])
Y = np.array([int(c) for c in HG], dtype=float)

# Estimates: R brglm2, glm(HG ~ NV + PI + EH, family = binomial, method = "brglmFit", type = "AS_mean",
# epsilon = 1e-12, maxit = 1000) — Heinze & Schemper (2002) publish 2.929, −0.035, −2.604.
# Intervals and p: the profile penalised likelihood computed in R (logistf is not packaged for Debian):
#   pll <- function(b) { eta <- X %*% b; p <- plogis(eta)
#     sum(y * eta - log1p(exp(eta))) + 0.5 * determinant(crossprod(X * sqrt(p * (1 - p))))$modulus }
#   profile: optim(BFGS, reltol = 1e-15) over the other coefficients; bounds by uniroot of
#   2 (pll(b̂) − profile) = qchisq(0.95, 1); p = pchisq(2 (pll(b̂) − profile at 0), 1, lower.tail = FALSE)
R_FIRTH = {
    1: (2.9292733532, 0.6097244364, 7.8546316981, 0.009123667547),
    2: (-0.0347517599, -0.1244587209, 0.0404554732, 0.3874822036),
    3: (-2.6041639253, -4.3651832439, -1.2327210617, 2.506867107e-05),
}


def test_firths_estimates_profile_intervals_and_p_values_equal_r_on_separated_data():
    fit = fit_logistic(X, Y, firth=True)
    assert fit.converged and fit.method == "firth"
    assert fit.params[0] == pytest.approx(3.7745597136, abs=1e-8)
    for j, (beta, low, high, p) in R_FIRTH.items():
        assert fit.params[j] == pytest.approx(beta, abs=1e-8)
        assert (fit.ci_low[j], fit.ci_high[j]) == pytest.approx((low, high), abs=1e-6)
        assert fit.p_values[j] == pytest.approx(p, rel=1e-6)
    # R: AIC(f) = 64.5753946510 (log-likelihood at Firth's estimates, 4 coefficients).
    assert -2 * fit.loglik + 2 * 4 == pytest.approx(64.5753946510, abs=1e-6)
    # c-statistic from fitted(f): mean(outer(e, o, ">") + 0.5 * outer(e, o, "==")) = 0.907482993197
    assert c_statistic(Y, fit.fitted) == pytest.approx(0.907482993197, abs=1e-9)


def test_maximum_likelihood_does_not_converge_on_the_same_data():
    assert not fit_logistic(X, Y, firth=False).converged
