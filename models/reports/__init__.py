"""Storage to rule inputs to views: the status report and the note check every output formats."""
