"""What a note asserts about a cited bill or measure: the stage its words claim, and as of when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.notes.reading import find_dates
from models.notes.references import Reference


@dataclass(frozen=True)
class Claim:
    """A stage a note's words give a reference, as of a date the words give (if any).

    `stage` is one of models.legislature.stages.STAGES, or "pending": any live stage (filed ...),
    said by "filed", "pending", "proposed", "introduced" or "would <verb>" ("Would ban ...").
    A month and year ("March 2026") give `as_of` the first day of that month: the words say the
    event happened some time that month, and the first day is the earliest it can have been.
    """

    stage: str | None
    as_of: date | None
    phrase: str  # the words matched, with the date beside them when there is one


# Checked in this order where two could start at the same word ("passed both the House and Senate"
# before "passed the House"; "died in committee" is dead, not in committee).
_STAGE_PHRASES: tuple[tuple[str, str], ...] = (
    (
        "passed_both",
        r"passed\s+(?:by\s+|in\s+)?both\s+(?:the\s+)?(?:chambers|houses|branches)"
        r"|passed\s+(?:by\s+|in\s+)?(?:both\s+)?(?:the\s+)?(?:house\s+and\s+(?:the\s+)?senate"
        r"|senate\s+and\s+(?:the\s+)?house)",
    ),
    (
        "veto_overridden",
        r"veto(?:es)?\s+(?:was\s+|were\s+)?overridden|overr(?:ode|idden)\s+(?:the\s+)?"
        r"(?:governor'?s\s+)?veto|over\s+(?:the\s+)?(?:governor'?s\s+)?veto",
    ),
    (
        "passed_house",
        r"passed\s+(?:by\s+|in\s+)?(?:the\s+)?house|house[\s-]+(?:passed|approved)"
        r"|approved\s+by\s+(?:the\s+)?house",
    ),
    (
        "passed_senate",
        r"passed\s+(?:by\s+|in\s+)?(?:the\s+)?senate|senate[\s-]+(?:passed|approved)"
        r"|approved\s+by\s+(?:the\s+)?senate",
    ),
    ("in_conference", r"in\s+(?:a\s+)?conference|conference\s+committee"),
    ("signed", r"signed(?:\s+into\s+law)?|became\s+law"),
    ("enacted", r"enacted"),
    ("vetoed", r"vetoed"),
    ("sent_to_study", r"sent\s+to\s+(?:a\s+)?study|study\s+order"),
    ("dead", r"died(?:\s+in\s+(?:committee|conference|the\s+(?:house|senate)))?|dead"),
    ("reported_favorably", r"reported\s+(?:out\s+)?favorably"),
    ("reported_unfavorably", r"reported\s+(?:out\s+)?unfavorably|ought\s+not\s+to\s+pass"),
    ("in_committee", r"in\s+committee|referred\s+to\s+(?:the\s+|a\s+)?(?:joint\s+)?committee"),
    ("pending", r"filed|pending|proposed|introduced|would\s+(?!have\b|not\b|never\b)[a-z]+"),
)
_PHRASE = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<p{index}>{pattern})" for index, (_, pattern) in enumerate(_STAGE_PHRASES))
    + r")\b",
    re.IGNORECASE,
)
# "has not passed the House", "was never signed", "has yet to be signed": no claim of that stage.
_NEGATED = re.compile(r"(?:\bnot|\bnever|n't|\byet\s+to)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# Between two references of one item or one list: "X (Y)", "X, Y and Z", "X/Y", "X — Y".
_JOINER = re.compile(r"[\s,()\[\]/&—–-]*(?:\b(?:and|or)\b[\s(\[]*(?:the\s+)?)?", re.IGNORECASE)
# Between a phrase and the date after it: "passed House March 2026", "passed the House on March
# 25, 2026", "passed the House (134-21, Mar 25, 2026)"; before it: "On March 25, 2026, the House".
_GAP_AFTER = re.compile(
    r"[\s,(;:]*(?:\d{1,3}\s*[-–]\s*\d{1,3}(?![\d-])[\s,;]*)?"  # a vote: 134-21
    r"(?:(?:on|in|as\s+of|by|since|around|about|early|mid|late)[\s-]+)*",
    re.IGNORECASE,
)
_GAP_BEFORE = re.compile(r"[\s,)]*(?:the\s+)?", re.IGNORECASE)

Span = tuple[int, int]


@dataclass(frozen=True)
class _Phrase:
    stage: str
    start: int
    end: int


def claim_for(ref: Reference) -> Claim | None:
    """The stage `ref.context` claims for `ref`, or None when its words claim none.

    Executive orders have no stage: None. Each stage phrase in the context belongs to one group of
    references: the group whose reference it follows in parentheses ("X (passed House March
    2026)"), else the nearest group (a tie goes to the group before the phrase). A group is one
    reference, or several written as one item or list: "Safe Communities Act (S.1681)",
    "S.1 and S.2", "H.1/S.2". Of the phrases that belong to the reference's group, a definite
    stage wins over "pending", then the phrase nearest the reference. Negated phrases ("has not
    passed the House") claim nothing.
    """
    if ref.kind == "order":
        return None
    context = ref.context
    mine = ref.context_span or _find(context, ref.text)
    spans = sorted({mine, *ref.neighbours})
    phrases = [p for p in _phrases(context) if not any(_overlap(p, s) for s in spans)]
    groups = _groups(context, spans)
    my_group = next(group for group in groups if mine in group)
    owned = [p for p in phrases if _owner(context, p, groups) is my_group]
    if not owned:
        return None
    best = min(owned, key=lambda p: (p.stage == "pending", _distance((p.start, p.end), mine)))
    return _with_date(context, best)


def _find(context: str, text: str) -> Span:
    at = context.find(" ".join(text.split()))
    return (at, at + len(" ".join(text.split()))) if at >= 0 else (0, 0)


def _overlap(phrase: _Phrase, span: Span) -> bool:
    return phrase.start < span[1] and span[0] < phrase.end


def _phrases(context: str) -> list[_Phrase]:
    found: list[_Phrase] = []
    for match in _PHRASE.finditer(context):
        if _NEGATED.search(context[max(0, match.start() - 40) : match.start()]):
            continue
        index = int(next(name for name, value in match.groupdict().items() if value)[1:])
        found.append(_Phrase(_STAGE_PHRASES[index][0], match.start(), match.end()))
    return found


def _groups(context: str, spans: list[Span]) -> list[list[Span]]:
    groups: list[list[Span]] = []
    for span in spans:
        if groups and _JOINER.fullmatch(context, groups[-1][-1][1], span[0]):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _distance(a: Span, b: Span) -> int:
    return max(b[0] - a[1], a[0] - b[1], 0)


def _owner(context: str, phrase: _Phrase, groups: list[list[Span]]) -> list[Span]:
    """The group a phrase belongs to (see claim_for)."""
    opened = _enclosing_paren(context, phrase.start)
    if opened is not None:
        before = context[:opened].rstrip()
        for group in groups:
            if any(span[1] == len(before) for span in group):
                return group

    def closeness(group: list[Span]) -> tuple[int, bool]:
        gap = min(_distance((phrase.start, phrase.end), span) for span in group)
        return gap, group[0][0] > phrase.start  # tie: the group before the phrase

    return min(groups, key=closeness)


def _enclosing_paren(context: str, at: int) -> int | None:
    """Offset of the innermost "(" still open at `at`, or None."""
    stack: list[int] = []
    for index, char in enumerate(context[:at]):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _with_date(context: str, phrase: _Phrase) -> Claim:
    """The claim of `phrase`, with a date written right after it (preferred) or right before."""
    dates = find_dates(context)
    gap = _GAP_AFTER.match(context, phrase.end)
    after = next((d for d in dates if gap is not None and d.start == gap.end()), None)
    if after is not None:
        return Claim(phrase.stage, after.day, context[phrase.start : after.end])
    for found in dates:
        if found.end <= phrase.start and _GAP_BEFORE.fullmatch(context, found.end, phrase.start):
            return Claim(phrase.stage, found.day, context[found.start : phrase.end])
    return Claim(phrase.stage, None, context[phrase.start : phrase.end])
