"""The patient strand: per-practice analyses, their pooling per region and, with several regions, nationally."""

# Scope id of the national pooling (also its folder under results/): no region may take it.
NATIONAL = "national"

# The codebook variable the reports treat as « the opinion » (a required variable): charted in every patient
# report, and the grouping of the free comments.
OPINION = "overall_opinion"
