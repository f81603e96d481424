"""Storage and domain rules of legistrack: config, bill numbers, stages, the database, status."""
