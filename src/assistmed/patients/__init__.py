"""The patient strand: per-practice analyses and their pooling per region."""
