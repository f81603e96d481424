"""The legistrack test suite."""
