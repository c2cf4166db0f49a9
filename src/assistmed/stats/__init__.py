"""Statistics used by every strand: proportions and their intervals, association tests, odds ratios,
trend and stratified tests, multiple-testing adjustment; design-based estimates and tests for respondents
clustered in practices (design), raking of weights (raking), funnel plot limits (funnel), logistic
regression by maximum or Firth's penalised likelihood (firth).

Each module imports scipy or statsmodels itself (some only inside a function), so that importing one
does not pay for the others.
"""
