"""Hostile-input and fault battery (issue 15)."""
