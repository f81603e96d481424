"""The parse failure every parser raises when a document does not look as the source promises."""

from __future__ import annotations


class ParseError(ValueError):
    """A response that is not the document we expected (error page, changed layout, bad JSON)."""
