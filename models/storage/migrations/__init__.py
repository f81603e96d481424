"""Alembic migrations of the legistrack schema."""
