"""The GP strand: an online survey export (LimeSurvey) → determinants of working with a medical assistant,
a multivariable model, and the barriers GPs cite.

Modules: `limesurvey` (complete / partial responses), `determinants` (univariate tests and odds ratios
against `has_assistant`), `model` (multivariable logistic regression), `barriers` (ranked barriers with
Wilson intervals), `analyse` (the step the workflow runs). Each imports what it needs itself.
"""
