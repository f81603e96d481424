"""SQLAlchemy only: schema, engines and sessions, storing crawls, loading records, alerts."""
