"""Pure rules about the other sources: executive orders' status, keyword matching, news subjects."""
