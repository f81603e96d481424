"""Keyword matching for orders and news: whole words; an all-capitals keyword ("ICE") keeps case."""

from __future__ import annotations

import re
from collections.abc import Sequence


def matching(text: str, keywords: Sequence[str]) -> list[str]:
    """The keywords found in `text` as whole words ("ICE" is not in "police"; "287(g)" works)."""
    found = []
    for keyword in keywords:
        flags = 0 if keyword.isupper() else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text, flags):
            found.append(keyword)
    return found
