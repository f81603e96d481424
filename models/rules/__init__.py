"""Pure judgements: the staleness and source rules, each a registry entry giving findings."""
