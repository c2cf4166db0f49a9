"""Statistics used by every strand: proportions and their intervals, association tests, odds ratios,
trend and stratified tests, multiple-testing adjustment.

Each module imports scipy or statsmodels itself (some only inside a function), so that importing one
does not pay for the others.
"""
