"""Pure facts about the General Court: numbers, calendar, stages, lineage, polling decisions."""
