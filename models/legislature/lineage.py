"""Lineage between bills: typed relations read from history rows and document fields (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.legislature.calendar import court_for_years
from models.legislature.numbers import BadNumber, canonical_number
from models.legislature.stages import ActionLike, stage_rank

# Relation types, and how each reads from the other side.
INVERSE = {
    "docket_of": "bill_of",
    "bill_of": "docket_of",
    "replaced_by": "replaces",
    "replaces": "replaced_by",
    "study_order": "study_order_for",
    "study_order_for": "study_order",
    "accompanied_by": "accompanies",  # a host bill, and a bill folded into it
    "accompanies": "accompanied_by",
    "other_version": "other_version",
    "refiled_as": "refile_of",
    "refile_of": "refiled_as",
    "companion": "companion",
    "reported_by": "reported_on",  # a bill, and the new bill a conference reported on it
    "reported_on": "reported_by",
    "reprinted_as": "reprint_of",  # a text, and its reprint as amended
    "reprint_of": "reprinted_as",
    "amendment_text": "amendment_text_for",  # a bill, and a document carrying an amendment's text
    "amendment_text_for": "amendment_text",
}
# Relations a crawl follows to fetch the bill they point to: the proposal lives on there, or the
# document is a version of a tracked bill (its amendment texts, and the bill an amendment amends).
FOLLOWED = frozenset({"replaced_by", "other_version", "reported_by", "accompanies", "reprinted_as",
                      "reprint_of", "amendment_text", "amendment_text_for"})  # fmt: skip
# Relations that name a dead or replaced bill's successor, in order of preference.
SUCCESSION = ("replaced_by", "reported_by", "reprinted_as", "accompanies", "refiled_as")
# Relations saying a bill's proposal went on in another bill: the bill is no longer live.
CONTINUED = ("replaced_by", "reported_by", "reprinted_as", "accompanies")
CONTINUED_WORDS = {
    "replaced_by": "replaced by",
    "reported_by": "reported as",
    "reprinted_as": "reprinted as amended as",
    "accompanies": "folded into",
}


def follow_depth(kind: str, depth: int, limit: int) -> int | None:
    """How many side steps from a configured bill the bill a `kind` relation leads to is, from a
    bill `depth` side steps away; None when a crawl does not follow it. The proposal's own line
    (CONTINUED: new drafts, substitutes, conference reports, reprints, the bill it was folded
    into) is followed to its end and costs no step; other relations (the other chamber's version,
    amendment texts) cost one, up to `limit`. A limit of 0 follows nothing."""
    if kind not in FOLLOWED or limit <= 0:
        return None
    if kind in CONTINUED:
        return depth
    return depth + 1 if depth < limit else None


# Relations that make a document a version of another bill rather than a bill of its own.
VERSION_OF = ("amendment_text_for",)

_NUMBER = r"(?P<prefix>HD|SD|H|S)\.?\s?(?P<digits>\d{1,5})"
_MORE = r"(?P<more>(?:\s*(?:,|\band\b)\s*(?:HD|SD|H|S)\.?\s?\d{1,5})*)"  # ", H12 and S7"
_ROW_PATTERNS = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("replaced_by", r"accompanied\s+a\s+new\s+draft,?\s+see\s+" + _NUMBER),
        ("replaced_by", r"\bnew\s+draft\s+substituted,?\s+(?:see\s+)?" + _NUMBER),
        (
            "replaced_by",
            r"\b(?:amended\s+by\s+substitution\s+of|substituted\s+by)\s+a\s+bill"
            r"(?:\s+with\s+the\s+same\s+title)?,?\s+(?:see\s+)?" + _NUMBER,
        ),
        ("replaces", r"\bsubstituted\s+(?:as\s+a\s+new\s+draft\s+)?for\s+" + _NUMBER + _MORE),
        ("replaces", r"\bnew\s+draft\s+(?:of|for)\s+" + _NUMBER + _MORE),
        ("study_order", r"accompanied\s+a\s+study\s+order,?\s+see\s+" + _NUMBER),
        ("accompanied_by", r"accompanied\s+by\s+" + _NUMBER + _MORE),
        ("accompanies", r"^\s*accompanied\s+" + _NUMBER + _MORE),
        ("reported_by", r"^\s*reported\s+by\s+" + _NUMBER),
        ("reported_on", r"^\s*reported\s+on\s+" + _NUMBER),
        (
            "reprint_of",
            r"^\s*(?:text\s+of\s+)?" + _NUMBER + r",?\s+(?:printed|published)\s+as\s+amended",
        ),
        ("reprinted_as", r"\breprinted,?\s+as\s+amended,?\s+(?:see\s+)?" + _NUMBER),
        (
            "amendment_text_for",
            r"\brecommended\s+new\s+text,?\s+(?:on\s+the\s+residue,?\s+)?(?:for|of)\s+" + _NUMBER,
        ),
        ("amendment_text_for", r"\breported\b.*\bas\s+an\s+amendment\s+to\s+" + _NUMBER),
        ("amendment_text_for", r"^\s*text\s+of\s+an\s+amendment,?\s+see\s+" + _NUMBER),
        ("amendment_text", r"\bfor\s+text\s+of\s+(?:the\s+)?amendment,?\s+see\s+" + _NUMBER),
        ("amendment_text", r"\bamendment\s+\(" + _NUMBER + r"\)"),
        ("amendment_text", r"\binserting\s+in\s+place\s+there\s?of\s+the\s+text\s+of\s+" + _NUMBER),
        (
            "other_version",
            r"text\s+(?:contained\s+)?in\s+(?P<chamber>House|Senate)\s+document"
            r"\s+(?:numbered|No\.?)\s*(?P<digits>\d{1,5})",
        ),
    )
)
# Every row pattern above matches a number with its prefix ("H5031", "S 7", "HD.12") or a
# "document numbered N" / "No. N": a row without either cites no bill.
_MAY_CITE = re.compile(r"(?:HD|SD|H|S)\.?\s?\d|\b(?:numbered|No\.?)\s*\d", re.I)
_REFILE = re.compile(
    r"SIMILAR\s+MATTER\s+FILED\s+IN\s+PREVIOUS\s+SESSIONS?\s+SEE\s+(?P<chamber>HOUSE|SENATE)"
    r"\s*,?\s*(?:DOCKET,?\s*)?NO\.?\s*(?P<digits>\d{1,5})\s+OF\s+(?P<y1>\d{4})\s*-\s*(?P<y2>\d{4})",
    re.I,
)


@dataclass(frozen=True)
class Relation:
    """`subject type object`, e.g. 194:H.5316 other_version 194:S.3072, with its evidence."""

    type: str
    court: int  # the object's court
    number: str  # the object's canonical number
    since: datetime | None  # the date of the row it was read from, when it came from a row
    evidence: str  # the row or field text it was read from


def relations_from_actions(
    court: int, actions: Sequence[ActionLike], number: str | None = None
) -> list[Relation]:
    """Relations stated by history rows of bill `number` (new drafts, substitutions, study
    orders, folding, conference reports, reprints, amendment texts, the other chamber's text).

    A reprint "as amended" in the other chamber's series is that chamber's amendment text (the
    Senate prints its amendment of a House bill as a Senate document): `amendment_text`."""
    found: list[Relation] = []
    for row in actions:
        if not _MAY_CITE.search(row.action):
            continue  # no number in it: no pattern can match (most rows; 20 regexes saved)
        for kind, pattern in _ROW_PATTERNS:
            for match in pattern.finditer(row.action):
                for target in _numbers_of(match):
                    if kind == "reprinted_as" and _other_chamber(number, target):
                        kind_here = "amendment_text"
                    else:
                        kind_here = kind
                    found.append(Relation(kind_here, court, target, row.date, row.action))
    return _unique(found)


def _other_chamber(number: str | None, target: str) -> bool:
    return bool(number) and number is not None and number[0] != target[0]


def _numbers_of(match: re.Match[str]) -> list[str]:
    """The number a pattern matched, and those listed after it ("H12, H13 and S7")."""
    first = _number_of(match)
    numbers = [first] if first else []
    for extra in re.finditer(_NUMBER, match.groupdict().get("more") or "", re.I):
        try:
            numbers.append(canonical_number(f"{extra['prefix']}{extra['digits']}"))
        except BadNumber:
            continue
    return numbers


def relations_from_document(
    court: int,
    bill_number: str | None,
    docket_number: str | None,
    texts: Sequence[str | None],
    first_seen: datetime | None = None,
) -> list[Relation]:
    """Relations stated by the document: its docket, and a refile note in its text or pinslip."""
    found: list[Relation] = []
    if bill_number and docket_number and bill_number != docket_number:
        found.append(
            Relation("bill_of", court, docket_number, None, f"DocketNumber {docket_number}")
        )
    for text in texts:
        for match in _REFILE.finditer(text or ""):
            previous = court_for_years(int(match.group("y1")), int(match.group("y2")))
            if previous is None:
                continue
            prefix = "H" if match.group("chamber").upper() == "HOUSE" else "S"
            number = f"{prefix}.{int(match.group('digits'))}"
            evidence = " ".join(match.group(0).split())
            found.append(Relation("refile_of", previous, number, first_seen, evidence))
    return _unique(found)


def _number_of(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups.get("chamber"):
        prefix = "H" if groups["chamber"].lower() == "house" else "S"
        return f"{prefix}.{int(groups['digits'])}"
    try:
        return canonical_number(f"{groups['prefix']}{groups['digits']}")
    except BadNumber:
        return None


def _unique(relations: list[Relation]) -> list[Relation]:
    seen: dict[tuple[str, int, str], Relation] = {}
    for relation in relations:
        seen.setdefault((relation.type, relation.court, relation.number), relation)
    return list(seen.values())


# --- chains for display ---------------------------------------------------------------------

# Relation types that carry a proposal from one bill to the next: (type, forward?).
PROGRESSION = {"replaced_by": True, "replaces": False, "refiled_as": True, "refile_of": False,
               "docket_of": True, "bill_of": False, "reported_by": True, "reported_on": False,
               "reprinted_as": True, "reprint_of": False, "accompanies": True}  # fmt: skip
STAGE_TAILS = {
    "in_conference": "conference",
    "enacted": "enacted",
    "signed": "signed into law",
    "vetoed": "vetoed",
    "veto_overridden": "law over veto",
}


@dataclass(frozen=True)
class ChainNode:
    court: int
    number: str
    stage: str | None
    version_of: str | None = None  # the key of the bill this document is an amendment text of
    folded_into: str | None = None  # the key of the bill this one was folded into

    @property
    def key(self) -> str:
        return f"{self.court}:{self.number}"


@dataclass(frozen=True)
class Edge:
    """`source type target` between two nodes' keys; `evidence` as stored (empty if configured)."""

    source: str
    type: str
    target: str
    evidence: str = ""


def chain_text(nodes: Sequence[ChainNode], edges: Sequence[Edge], live: str | None) -> str:
    """`HD.5608 -> H.5316 (House) / S.3072 (Senate text) -> conference`, one path per root; a
    bill's amendment texts are shown as its other chamber's text, never as bills of their own."""
    by_key = {n.key: n for n in nodes}
    forward: dict[str, list[str]] = {}
    has_parent: set[str] = set()
    partners: dict[str, dict[str, str]] = {}
    for node in nodes:
        if node.version_of in by_key:
            partners.setdefault(node.version_of, {})[node.key] = "text"
    for edge in edges:
        if edge.source not in by_key or edge.target not in by_key:
            continue
        if by_key[edge.source].version_of or by_key[edge.target].version_of:
            continue
        if edge.type in PROGRESSION:
            a, b = (
                (edge.source, edge.target) if PROGRESSION[edge.type] else (edge.target, edge.source)
            )
            forward.setdefault(a, []).append(b)
            has_parent.add(b)
        elif edge.type == "other_version":
            for mine, theirs, evidence in ((edge.source, edge.target, edge.evidence),
                                           (edge.target, edge.source, "")):  # fmt: skip
                known = partners.setdefault(mine, {})
                known[theirs] = max(known.get(theirs, ""), "text" if evidence else "")
    multi = len({n.court for n in nodes}) > 1
    shown: set[str] = set()
    paths = []
    roots = [n.key for n in nodes if n.key not in has_parent and not n.version_of]
    for root in roots:
        if root in shown:
            continue
        path = _walk(root, forward, by_key)
        shown.update(path)
        parts = []
        for key in path:
            text = _label(by_key[key], multi)
            versions = {k: v for k, v in partners.get(key, {}).items() if k not in shown}
            if versions:
                shown.update(versions)
                text += f" ({_chamber(by_key[key])})"
                for chamber in ("House", "Senate"):
                    group = [k for k in versions if _chamber(by_key[k]) == chamber]
                    if group:
                        labels = ", ".join(_label(by_key[k], multi) for k in group)
                        text_word = " text" if any(versions[k] for k in group) else ""
                        text += f" / {labels} ({chamber}{text_word})"
            parts.append(text)
        text = " -> ".join(parts)
        reached = set(path) | {p for k in path for p in partners.get(k, {})}
        if live in reached:
            tail = STAGE_TAILS.get(by_key[live].stage or "") if live else None
            text += f" -> {tail}" if tail else ""
        paths.append(text)
    return "; ".join(paths)


def _walk(root: str, forward: dict[str, list[str]], nodes: dict[str, ChainNode]) -> list[str]:
    path = [root]
    while forward.get(path[-1]):
        options = [k for k in forward[path[-1]] if k not in path]
        if not options:
            break
        path.append(max(options, key=lambda k: stage_rank(nodes[k].stage or "filed")))
    return path


def _label(node: ChainNode, with_court: bool) -> str:
    fate = {"dead": "dead", "sent_to_study": "sent to study"}.get(node.stage or "")
    if node.folded_into:
        fate = "folded"
    inside = ", ".join(x for x in (str(node.court) if with_court else "", fate or "") if x)
    return f"{node.number} ({inside})" if inside else node.number


def _chamber(node: ChainNode) -> str:
    return "House" if node.number.startswith("H") else "Senate"
