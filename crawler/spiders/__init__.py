"""The spiders of legistrack, one per source."""
