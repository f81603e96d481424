"""What a note asserts about a cited bill or measure: the stages its words claim, and as of when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from models.notes.dates import FoundDate, find_dates
from models.notes.references import Reference


@dataclass(frozen=True)
class Claim:
    """A stage a note's words give a reference, as of a date the words give (if any).

    `stage` is one of models.legislature.stages.STAGES, or "pending": any live stage (filed ... in
    conference), said by "filed", "pending", "proposed", "introduced", "would <verb>", what the
    bill does ("seeks to", "aims to", "proposes", "is designed to"), or a stage said under a
    condition ("if enacted", "once signed", "could pass"). A month and year ("March 2026") give
    `as_of` the first day of that month: the words say the event happened some time that month,
    and the first day is the earliest it can have been.
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
        r"pass(?:ed|es)?\s+(?:by\s+|in\s+)?(?:the\s+)?house|house[\s-]+(?:passed|approved)"
        r"|approved\s+by\s+(?:the\s+)?house",
    ),
    (
        "passed_senate",
        r"pass(?:ed|es)?\s+(?:by\s+|in\s+)?(?:the\s+)?senate|senate[\s-]+(?:passed|approved)"
        r"|approved\s+by\s+(?:the\s+)?senate",
    ),
    ("in_conference", r"in\s+(?:a\s+)?conference|conference\s+committee"),
    ("signed", r"signed(?:\s+into\s+law)?|bec[oa]me\s+law"),
    ("enacted", r"enacted"),
    ("vetoed", r"vetoed"),
    ("sent_to_study", r"sent\s+to\s+(?:a\s+)?study|study\s+order"),
    ("dead", r"died(?:\s+in\s+(?:committee|conference|the\s+(?:house|senate)))?|dead"),
    ("reported_favorably", r"reported\s+(?:out\s+)?favorably"),
    ("reported_unfavorably", r"reported\s+(?:out\s+)?unfavorably|ought\s+not\s+to\s+pass"),
    ("in_committee", r"in\s+committee|referred\s+to\s+(?:the\s+|a\s+)?(?:joint\s+)?committee"),
    (
        "pending",
        r"filed|pending|proposed|introduced|would\s+(?!have\b|not\b|never\b)[a-z]+"
        # what a live bill does, said in the present tense
        r"|seeks\s+to|aims\s+to|proposes|is\s+(?:designed|intended|meant)\s+to|intends\s+to"
        # a stage still to come
        r"|(?:could|can|may|might|will|shall|should|must)\s+(?!have\b|not\b|never\b)"
        r"(?:(?:soon|still|yet|also|finally|quickly)\s+)?"
        r"(?:pass|clear|advance|move|become\s+law|be\s+(?:signed|enacted|passed|approved|heard))",
    ),
)
_PHRASE = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<p{index}>{pattern})" for index, (_, pattern) in enumerate(_STAGE_PHRASES))
    + r")\b",
    re.IGNORECASE,
)
# "has not passed the House", "was never signed", "has yet to be signed": no claim of that stage.
_NEGATED = re.compile(r"(?:\bnot|\bnever|n't|\byet\s+to)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# A stage under a condition or still to come: "if enacted", "once signed", "unless vetoed",
# "would be signed", "expected to pass the House", "hopes to see it enacted": pending, not done.
_CONDITION = re.compile(
    r"\b(?:if|once|unless|until|whether|should|would|could|might|may|will|shall|must|can"
    r"|expected\s+to|likely\s+to|set\s+to|poised\s+to|hopes?\s+to|wants?\s+to|to\s+see\s+it)"
    r"\s+(?:(?:it|they|the\s+bill|this\s+bill|be|been|is|are|gets?|get|ever|soon|still|finally"
    r"|eventually|also)\s+){0,3}$",
    re.IGNORECASE,
)
# A stage wished for: "hope to see H.1 enacted", "urged lawmakers to get the bill passed".
_WISH = re.compile(
    r"\b(?:hopes?|hoped|wants?|wanted|expects?|urges?|urged|push(?:es|ed)?|plans?)\s+"
    r"(?:\w+\s+){0,2}to\s+(?:see|get|have|make)\s+(?:[^.;:]|\.(?=\S)){0,60}$",
    re.IGNORECASE,
)
# Between two references of one item or one list: "X (Y)", "X, Y and Z", "X/Y", "X — Y".
_JOINER = re.compile(r"[\s,()\[\]/&—–-]*(?:\b(?:and|or)\b[\s(\[]*(?:the\s+)?)?", re.IGNORECASE)
# Words that may stand between a reference and what the sentence says of it: "S.1 is still in
# committee", "S.1 (Sen. Doe): Would ban", "S.1, which remains in committee", "H.1 went to a
# conference committee". Any other word means the phrase is said of something else.
_LINK_WORDS = (
    r"was|were|is|are|has|have|had|been|be|being|got|gets|now|still|already|finally|just|recently"
    r"|since|then|also|later|eventually|formally|officially|quickly|unanimously|narrowly|reportedly"
    r"|ultimately|subsequently|currently|only|remains|remained|sits|sat|stays|stayed|went|goes"
    r"|headed|heads|moved|moves|to|a|the|into|which|that|it|itself"
)
_SUBJECT_GAP = re.compile(
    r"[)\]]?(?:\s*\([^()]*\))?(?:\s*,[^,;:()]{1,80},)?[\s:,—–-]*"
    rf"(?:(?:{_LINK_WORDS})\b[\s,]*){{0,5}}",
    re.IGNORECASE,
)
# Between a phrase and the reference it is done to: "the House passed H.1", "overrode the veto of
# H.1", "introduced the PROTECT Act", "the proposed H.1", "If enacted, S.1".
_OBJECT_GAP = re.compile(r"[\s,]*(?:(?:the|a|its|their|of|on|version\s+of)\s+){0,3}", re.IGNORECASE)
# "..., and it passed the House", "the bill was signed": said of the reference named before.
_PRONOUN = re.compile(
    rf"\b(?:it|which|(?:the|this|that)\s+(?:bill|measure|act|legislation|proposal))\s+"
    rf"(?:(?:{_LINK_WORDS})\s+){{0,4}}$",
    re.IGNORECASE,
)
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


def claims_for(ref: Reference) -> list[Claim]:
    """Every stage `ref.context` says of `ref`, in the order written (executive orders: none).

    A stage phrase is said of the reference (or of the list or item it stands in: "S.1 and S.2",
    "Safe Communities Act (S.1681)") when it stands in parentheses right after it ("X (passed
    House March 2026)"); when the reference is the subject it is said of ("S.1 is still in
    committee", "S.1 (Sen. Doe): Would ban", "S.1, which remains in committee"); when the phrase
    is done to it ("the House passed S.1", "introduced the PROTECT Act", "If enacted, S.1"); or
    when "it" / "the bill" stands for the reference named before ("S.1 was heard, and it died in
    committee"). A phrase said of another noun ("an order signed by a judge", "the state has
    enacted other laws") claims nothing. Negated phrases ("has not passed") claim nothing; a stage
    under a condition ("if enacted", "once signed", "could pass") is "pending".
    """
    if ref.kind == "order":
        return []
    context = ref.context
    mine = ref.context_span or _find(context, ref.text)
    spans = sorted({mine, *ref.neighbours})
    phrases = [p for p in _phrases(context) if not any(_overlap(p, s) for s in spans)]
    if not phrases:
        return []
    groups = _groups(context, spans)
    my_group = next(group for group in groups if mine in group)
    return [_with_date(context, p) for p in phrases if _owner(context, p, groups) is my_group]


def claim_for(ref: Reference) -> Claim | None:
    """The one claim `ref.context` makes for `ref` (see claims_for), or None: a definite stage wins
    over "pending", then the phrase nearest the reference."""
    return main_claim(ref, claims_for(ref))


def main_claim(ref: Reference, found: list[Claim]) -> Claim | None:
    """claim_for, given `found`: what claims_for(ref) returned."""
    if not found:
        return None
    context = ref.context
    mine = ref.context_span or _find(context, ref.text)

    def rank(claim: Claim) -> tuple[bool, int]:
        at = context.find(claim.phrase)
        return claim.stage == "pending", _distance((at, at + len(claim.phrase)), mine)

    return min(found, key=rank)


def _find(context: str, text: str) -> Span:
    at = context.find(" ".join(text.split()))
    return (at, at + len(" ".join(text.split()))) if at >= 0 else (0, 0)


def _overlap(phrase: _Phrase, span: Span) -> bool:
    return phrase.start < span[1] and span[0] < phrase.end


@lru_cache(maxsize=1024)  # the references of one sentence share it: read it once
def _phrases(context: str) -> tuple[_Phrase, ...]:
    found: list[_Phrase] = []
    for match in _PHRASE.finditer(context):
        before = context[max(0, match.start() - 40) : match.start()]
        if _NEGATED.search(before):
            continue
        index = int(str(match.lastgroup)[1:])  # the stage's group: no group nests in another
        stage, start = _STAGE_PHRASES[index][0], match.start()
        condition = _CONDITION.search(before)
        if condition is not None:  # "if enacted", "would be signed": the quote keeps the "if"
            stage, start = "pending", match.start() - len(before) + condition.start()
        elif _WISH.search(context, 0, match.start()):  # "hope to see H.1 enacted"
            stage = "pending"
        found.append(_Phrase(stage, start, match.end()))
    return tuple(found)


@lru_cache(maxsize=1024)
def _dates(context: str) -> tuple[FoundDate, ...]:
    return tuple(find_dates(context))


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


def _owner(context: str, phrase: _Phrase, groups: list[list[Span]]) -> list[Span] | None:
    """The group a phrase is said of (see claims_for), or None: said of something else."""
    opened = _enclosing_paren(context, phrase.start)
    if opened is not None:
        before = context[:opened].rstrip()
        for group in groups:
            if any(span[1] == len(before) for span in group):
                return group
    after = [g for g in groups if g[0][0] >= phrase.end]
    if after and _OBJECT_GAP.fullmatch(context, phrase.end, after[0][0][0]):
        return after[0]  # done to it: "the House passed H.1"
    before_groups = [g for g in groups if g[-1][1] <= phrase.start]
    if before_groups:
        nearest = before_groups[-1]
        if _SUBJECT_GAP.fullmatch(context, nearest[-1][1], phrase.start):
            return nearest  # said of it: "H.1 was signed"
        if _PRONOUN.search(context, nearest[-1][1], phrase.start):
            return nearest  # "..., and it died in committee"
    return None


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
    dates = _dates(context)
    gap = _GAP_AFTER.match(context, phrase.end)
    after = next((d for d in dates if gap is not None and d.start == gap.end()), None)
    if after is not None:
        return Claim(phrase.stage, after.day, context[phrase.start : after.end])
    for found in dates:
        if found.end <= phrase.start and _GAP_BEFORE.fullmatch(context, found.end, phrase.start):
            return Claim(phrase.stage, found.day, context[found.start : phrase.end])
    return Claim(phrase.stage, None, context[phrase.start : phrase.end])
