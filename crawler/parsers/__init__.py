"""Pure parsers: text or JSON in, items out; no HTTP, no database, no clock."""
