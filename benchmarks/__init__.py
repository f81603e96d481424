"""Benchmarks of legistrack at the scale of a whole session (issue #8)."""
