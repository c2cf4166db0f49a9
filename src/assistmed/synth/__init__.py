"""Deterministic synthetic data calibrated to the published figures (the real data are confidential)."""
