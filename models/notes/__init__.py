"""Pure reading of notes: files, front matter, dates, references, claims and citations."""
