"""The patient strand: per-practice analyses, their pooling per region and, with several regions, nationally."""

# Scope id of the national pooling (also its folder under results/): no region may take it.
NATIONAL = "national"
