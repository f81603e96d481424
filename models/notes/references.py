"""Citations of tracked items in a note's text: bills and dockets, measures, executive orders."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from models.legislature.calendar import court_for_years, court_in_force
from models.legislature.numbers import BadNumber, BillRef, canonical_number


@dataclass(frozen=True)
class Reference:
    """One citation in a note body, with the sentence (or bullet, or line) it stands in."""

    kind: str  # "bill" | "measure" | "order"
    text: str  # as written
    start: int  # [start, end): offsets in the body
    end: int
    number: str | None  # canonical bill or docket number, for kind "bill" ("S.997", "HD.5608")
    court: int | None  # a court named right beside it ("of 2023-2024", "(193rd)"), else None
    measure: str | None  # the measure's configured name (not the alias written), kind "measure"
    order: int | None  # executive order number, kind "order"
    context: str  # the sentence, bullet or line containing it, whitespace collapsed
    context_span: tuple[int, int] | None = None  # where `text` stands in `context`
    neighbours: tuple[tuple[int, int], ...] = ()  # spans in `context` of the other references


# Short forms, upper case only (so "it's 20" is no bill): S.997, S 997, S997, S. 997, H.D. 5608,
# HD 5608, SD.1107, and the key form 193:S.997. Not inside a word ("HS 12", "US 20", "H2O"), not
# after a dot ("U.S. 12"), not followed by more of a number ("S 12/3", "H 555-1234", "S.99.5"),
# not across a line break ("... Plan S\n12 people").
_NOT_AFTER = r"(?![\w]|[.,/:\-–]\d)"
_SHORT_BILL = re.compile(
    r"(?<![\w.])(?:(?P<key>\d{3}):)?"
    r"(?P<number>(?:H\.? ?D|S\.? ?D|H|S)\.?[ \u00a0]?\d{1,5})" + _NOT_AFTER
)
# Long forms, any case: Senate Bill 997, Senate Bill No. 997, Senate, No. 997, Senate No. 997,
# House Docket 5608, House Docket No. 5608. ("House number 12" is an address: "No." is required.)
_LONG_BILL = re.compile(
    r"\b(?P<chamber>house|senate)"
    r"(?:\s+(?P<docket>docket)(?:\s*,?\s*(?:no\.|number|#))?"
    r"|\s+bill(?:\s*(?:no\.|number|#))?"
    r"|\s*,?\s*(?:no\.|#))"
    r"\s*(?P<digits>\d{1,5})" + _NOT_AFTER,
    re.IGNORECASE,
)
# EO 650, EO650, E.O. 650, Executive Order 650, Executive Order No. 650 / Number 650 / #650.
# "Order No. 650" alone is not taken: it names no kind of order.
_ORDER = re.compile(
    r"(?<![\w.])(?:E\.\s?O\.|EO)\s?#?\s?(?P<short>\d{1,5})" + _NOT_AFTER + r"|"
    r"\b(?i:executive\s+order)\s*(?:(?i:no\.|number)\s*|#\s*)?(?P<long>\d{1,5})" + _NOT_AFTER
)
# A court right after a bill: "of 2023-2024", "(2023-24)", "(193rd)", "of the 193rd General Court",
# "in the 194th session", ", 193rd General Court", "(2024)" / "of 2024" (the court sitting then).
_COURT_HINT = re.compile(
    r"\s*(?:\(\s*|,?\s*\bof\s+(?:the\s+)?|,?\s*\bin\s+the\s+|,\s*(?=\d{3}(?:st|nd|rd|th)\s+general))"
    r"(?:(?P<ordinal>\d{3})(?:st|nd|rd|th)\b"
    r"|(?P<first>\d{4})\s*[-–]\s*(?P<second>\d{4}|\d{2})\b"
    r"|(?P<year>\d{4})\b(?!\s*[-–/]))",
    re.IGNORECASE,
)
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


def find_references(body: str, measures: Mapping[str, Sequence[str]]) -> list[Reference]:
    """Every bill, docket, measure and executive-order citation in `body`, in order.

    `measures` maps a measure's name to its aliases; the name itself matches too. Names and aliases
    match in any case, as whole words, across line breaks. Where two citations overlap the longer
    wins. Citations inside URLs are not taken.
    """
    candidates = [*_bills(body), *_orders(body), *_measures(body, measures)]
    taken = bytearray(len(body))  # 1 where a URL or a chosen citation stands
    for url in _URL.finditer(body):
        taken[url.start() : url.end()] = b"\x01" * (url.end() - url.start())
    chosen: list[Reference] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):  # longest first
        if not any(taken[cand.start : cand.end]):
            chosen.append(cand)
            taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
    chosen.sort(key=lambda c: c.start)
    return _with_context(body, chosen)


def _reference(
    kind: str,
    body: str,
    start: int,
    end: int,
    *,
    number: str | None = None,
    court: int | None = None,
    measure: str | None = None,
    order: int | None = None,
) -> Reference:
    """A citation without its context yet (find_references adds it)."""
    return Reference(kind, body[start:end], start, end, number, court, measure, order, context="")


def _bills(body: str) -> list[Reference]:
    refs: list[Reference] = []
    for match in _SHORT_BILL.finditer(body):
        try:
            number = canonical_number(match.group("number"))
        except BadNumber:
            continue
        court = int(match.group("key")) if match.group("key") else _court_after(body, match.end())
        refs.append(_reference("bill", body, *match.span(), number=number, court=court))
    for match in _LONG_BILL.finditer(body):
        prefix = match.group("chamber")[0].upper() + ("D" if match.group("docket") else "")
        number = canonical_number(f"{prefix}.{match.group('digits')}")
        court = _court_after(body, match.end())
        refs.append(_reference("bill", body, *match.span(), number=number, court=court))
    return refs


def _court_after(body: str, end: int) -> int | None:
    """The court named right after a citation ending at `end`, if any."""
    hint = _COURT_HINT.match(body, end)
    if hint is None:
        return None
    if hint.group("ordinal"):
        return int(hint.group("ordinal"))
    if hint.group("first"):
        first, second = int(hint.group("first")), hint.group("second")
        second_year = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        return court_for_years(first, second_year)
    return court_in_force(date(int(hint.group("year")), 7, 1))


def _orders(body: str) -> list[Reference]:
    return [
        _reference("order", body, *m.span(), order=int(m.group("short") or m.group("long")))
        for m in _ORDER.finditer(body)
    ]


def _measures(body: str, measures: Mapping[str, Sequence[str]]) -> list[Reference]:
    key = tuple((name, tuple(aliases)) for name, aliases in measures.items())
    return [
        _reference("measure", body, *match.span(), measure=name)
        for pattern, name in _measure_patterns(key)
        for match in pattern.finditer(body)
    ]


@lru_cache(maxsize=16)
def _measure_patterns(
    measures: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[re.Pattern[str], str]]:
    """A pattern per alias (and name), with its measure's name: compiled once per config.
    An acronym written in capitals in the alias also matches spelled with dots ("PROTECT Act":
    "P.R.O.T.E.C.T. Act")."""
    names: dict[str, tuple[str, str]] = {}  # alias (case-folded) -> (measure name, alias)
    for name, aliases in measures:
        for alias in (name, *aliases):
            if alias.strip():  # the first measure keeps an alias
                names.setdefault(" ".join(alias.split()).casefold(), (name, alias))
    patterns = []
    for name, alias in names.values():
        words = r"\s+".join(_alias_word(word) for word in alias.split())
        patterns.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), name))
    return patterns


def _alias_word(word: str) -> str:
    if len(word) >= 3 and word.isalpha() and word.isupper():
        dotted = r"\.".join(re.escape(letter) for letter in word)
        return rf"(?:{re.escape(word)}|{dotted}\.?)"
    return re.escape(word)


# ---------------------------------------------------------------------------------------------
# Contexts: blocks (paragraphs, bullets, headings, lines) and the sentences in them

_BULLET = re.compile(r"^[ \t]*(?:[-*+•·▪‣◦]|\d{1,3}[.)])[ \t]+")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# Words whose dot ends no sentence: titles, "No.", months; initials ("S. 997", "U.S.", "e.g.").
_INITIALS = re.compile(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]")
_ABBREVIATION = re.compile(
    r"sens?|reps?|gov|lt|mrs?|ms|dr|jr|sr|st|nos?|vs|inc|co|corp|dept|gen|atty"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|approx|cf"
)


def _blocks(body: str) -> list[tuple[int, int]]:
    """[start, end) of each block: a paragraph (wrapped lines join), a bullet, a heading.
    A blank line, a bullet or a heading starts a new block; bullet markers are left out."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    after_heading = False
    offset = 0
    for line in body.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        marker = _BULLET.match(line) or _HEADING.match(line)
        if not line.strip() or marker or after_heading:
            if start is not None:
                blocks.append((start, end))
            start = None
        after_heading = bool(_HEADING.match(line))
        if line.strip():
            if start is None:
                start = line_start + (marker.end() if marker else 0)
            end = line_end
    if start is not None:
        blocks.append((start, end))
    return blocks


def _sentences(body: str, block: tuple[int, int]) -> list[tuple[int, int]]:
    start, end = block
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE_END.finditer(body, start, end):
        word = re.search(r"[\w.]+$", body[max(start, match.start() - 40) : match.start()])
        last = word.group() if word else ""
        # "S. 997", "J. Doe", "Sen. Gomez", "No. 5", "U.S. Senate", "e.g. S.1": no sentence ends.
        if _INITIALS.fullmatch(last) or _ABBREVIATION.fullmatch(last.lower()):
            continue
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, end))
    return spans


def _collapse(text: str) -> str:
    """`text` with runs of whitespace made one space and the ends stripped."""
    return " ".join(text.split())


def _collapsed_offset(text: str, at: int) -> int:
    """Where offset `at` of `text` (or its end) stands in `_collapse(text)`: a run of whitespace
    maps to where its single space (if any) stands, a character to where it went."""
    before = text[:at]
    offset = len(_collapse(before))
    if at < len(text) and not text[at].isspace() and before[-1:].isspace() and before.strip():
        offset += 1  # the space that stands for the run of whitespace before it
    return offset


def _with_context(body: str, refs: list[Reference]) -> list[Reference]:
    sentences = [span for block in _blocks(body) for span in _sentences(body, block)]
    starts = [span[0] for span in sentences]
    by_sentence: dict[tuple[int, int], list[Reference]] = {}
    for ref in refs:
        index = bisect_right(starts, ref.start) - 1
        inside = index >= 0 and ref.start < sentences[index][1]
        span = sentences[index] if inside else (ref.start, ref.end)
        by_sentence.setdefault((span[0], max(span[1], ref.end)), []).append(ref)
    result: list[Reference] = []
    for (start, end), members in by_sentence.items():
        text = body[start:end]
        context = _collapse(text)
        spans = [
            (_collapsed_offset(text, r.start - start), _collapsed_offset(text, r.end - start))
            for r in members
        ]
        for index, (ref, span) in enumerate(zip(members, spans, strict=True)):
            neighbours = tuple(s for other, s in enumerate(spans) if other != index)
            result.append(
                Reference(  # not dataclasses.replace: it inspects the fields at every call
                    ref.kind,
                    ref.text,
                    ref.start,
                    ref.end,
                    ref.number,
                    ref.court,
                    ref.measure,
                    ref.order,
                    context,
                    span,
                    neighbours,
                )
            )
    return sorted(result, key=lambda r: r.start)


# ---------------------------------------------------------------------------------------------
# Which tracked bill a citation means


def resolve_bill(
    ref: Reference, tracked: Collection[BillRef], note_date: date | None
) -> BillRef | None:
    """The tracked bill a bill citation means; None if it is not a bill or not tracked.

    A court named beside the citation decides (if that court's bill is not tracked: None).
    Otherwise the bill of the court in force on the note's date, if tracked; else the tracked one of
    the newest court not after the note's date; else the oldest later one. A note without a date
    resolves to the newest tracked court. (S.997 in a 2026 note resolves to S.997 of the 193rd,
    because that is the S.997 tracked.)
    """
    if ref.kind != "bill" or ref.number is None:
        return None
    courts = courts_of(tracked, ref.number)
    if ref.court is not None:
        return BillRef(ref.court, ref.number) if ref.court in courts else None
    if not courts:
        return None
    if note_date is None:
        return BillRef(courts[-1], ref.number)
    in_force = court_in_force(note_date)
    earlier = [court for court in courts if court <= in_force]
    return BillRef(earlier[-1] if earlier else courts[0], ref.number)


class BillIndex(Collection[BillRef]):
    """Tracked bills with the courts of each number at hand, so that resolving a citation among
    a whole court's bills looks one number up instead of scanning them all."""

    def __init__(self, bills: Iterable[BillRef]) -> None:
        self._bills = frozenset(bills)
        courts: dict[str, list[int]] = {}
        for bill in self._bills:
            courts.setdefault(bill.number, []).append(bill.court)
        self._courts = {number: sorted(found) for number, found in courts.items()}

    def __contains__(self, item: object) -> bool:
        return item in self._bills

    def __iter__(self) -> Iterator[BillRef]:
        return iter(self._bills)

    def __len__(self) -> int:
        return len(self._bills)

    def courts(self, number: str) -> list[int]:
        return self._courts.get(number, [])


def courts_of(tracked: Collection[BillRef], number: str) -> list[int]:
    """The courts, oldest first, in which bill `number` is tracked."""
    if isinstance(tracked, BillIndex):
        return tracked.courts(number)
    return sorted(bill.court for bill in tracked if bill.number == number)
