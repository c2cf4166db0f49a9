"""Qualitative strand: who to call back for an interview, and the themes the interviews raised."""
