"""The maintainers' review page (`legistrack serve`): a web interface beside the CLI."""
