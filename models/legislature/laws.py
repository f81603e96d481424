"""Session laws: the chapter a signed bill became, its citation and its page on the site."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LAW_RE = re.compile(
    r"\bchapter\s+(?P<chapter>\d+)\s+of\s+the\s+(?P<kind>acts|resolves)\s+of\s+(?P<year>\d{4})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Law:
    """A session law: `Chapter 163 of the Acts of 2026` (or of the Resolves)."""

    chapter: int
    year: int
    kind: str = "Acts"

    @property
    def citation(self) -> str:
        return f"Chapter {self.chapter} of the {self.kind} of {self.year}"

    @property
    def path(self) -> str:
        """The session law's page on the Legislature's site, below its base URL."""
        return f"/Laws/SessionLaws/{self.kind}/{self.year}/Chapter{self.chapter}"

    def url(self, site_url: str) -> str:
        return site_url.rstrip("/") + self.path


def law_url(law: Law, bill_url: str | None) -> str | None:
    """The session law's page on the site that serves the bill's page (`{site}/Bills/...`)."""
    if not bill_url or "/Bills/" not in bill_url:
        return None
    return law.url(bill_url.split("/Bills/")[0])


def law_in(text: str) -> Law | None:
    """The session law a row names ("Signed by the Governor, Chapter 54 of the Acts of 2022")."""
    match = _LAW_RE.search(text)
    if match is None:
        return None
    kind = "Resolves" if match.group("kind").lower() == "resolves" else "Acts"
    return Law(int(match.group("chapter")), int(match.group("year")), kind)
