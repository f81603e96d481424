"""Bill and docket numbers: parsing any spelling, the canonical form, and (court, number) refs."""

from __future__ import annotations

import re
from dataclasses import dataclass

# H, S: bills; HD, SD: House and Senate dockets (a filing before it gets a bill number).
PREFIXES = ("HD", "SD", "H", "S")

_NUMBER_RE = re.compile(
    r"""^\s*
    (?P<prefix>H\.?\s*D|S\.?\s*D|H|S)   # HD, H.D, H D, SD, S.D, H, S
    \.?\s*                              # optional dot and blanks: S.997, S 997, S. 997, S997
    (?P<digits>\d{1,5})
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)


class BadNumber(ValueError):
    """A string that is not a bill or docket number in any known spelling."""


def canonical_number(text: str) -> str:
    """Return the canonical spelling (`S.997`, `HD.5608`) of a bill or docket number.

    Accepts `S.997`, `S 997`, `S997`, `s. 997`, `HD 5608`, `H.D. 5608`, `HD5608`.
    """
    match = _NUMBER_RE.match(text or "")
    if not match:
        raise BadNumber(f"not a bill or docket number: {text!r}")
    prefix = re.sub(r"[\s.]", "", match.group("prefix")).upper()
    digits = str(int(match.group("digits")))
    return f"{prefix}.{digits}"


def compact_number(number: str) -> str:
    """The spelling used in malegislature.gov URLs: `S.997` -> `S997`."""
    return canonical_number(number).replace(".", "")


def is_docket(number: str) -> bool:
    """True for a docket number (HD.n, SD.n)."""
    return canonical_number(number).split(".")[0] in ("HD", "SD")


def chamber_of(number: str) -> str:
    """`House` or `Senate`, from the number's prefix."""
    return "House" if canonical_number(number).startswith("H") else "Senate"


@dataclass(frozen=True, order=True)
class BillRef:
    """One tracked document: the same number means different bills in different courts."""

    court: int
    number: str

    @classmethod
    def parse(cls, court: int, number: str) -> BillRef:
        return cls(court=int(court), number=canonical_number(number))

    @property
    def key(self) -> str:
        """`194:H.5316`, the subject key used in output."""
        return f"{self.court}:{self.number}"

    def __str__(self) -> str:
        return self.key
