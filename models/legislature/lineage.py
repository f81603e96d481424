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
    "accompanied_by": "accompanies",
    "accompanies": "accompanied_by",
    "other_version": "other_version",
    "refiled_as": "refile_of",
    "refile_of": "refiled_as",
    "companion": "companion",
}
# Relations a crawl follows to fetch the bill they point to: the proposal lives on there.
FOLLOWED = frozenset({"replaced_by", "other_version"})
# Relations that name a dead or replaced bill's successor, in order of preference.
SUCCESSION = ("replaced_by", "refiled_as")

_NUMBER = r"(?P<prefix>HD|SD|H|S)\.?\s?(?P<digits>\d{1,5})"
_ROW_PATTERNS = (
    ("replaced_by", re.compile(r"accompanied\s+a\s+new\s+draft,?\s+see\s+" + _NUMBER, re.I)),
    ("study_order", re.compile(r"accompanied\s+a\s+study\s+order,?\s+see\s+" + _NUMBER, re.I)),
    ("accompanied_by", re.compile(r"accompanied\s+by\s+" + _NUMBER, re.I)),
    (
        "other_version",
        re.compile(
            r"text\s+(?:contained\s+)?in\s+(?P<chamber>House|Senate)\s+document"
            r"\s+(?:numbered|No\.?)\s*(?P<digits>\d{1,5})",
            re.I,
        ),
    ),
)
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


def relations_from_actions(court: int, actions: Sequence[ActionLike]) -> list[Relation]:
    """Relations stated by history rows (new drafts, study orders, the other chamber's text)."""
    found: list[Relation] = []
    for row in actions:
        for kind, pattern in _ROW_PATTERNS:
            for match in pattern.finditer(row.action):
                number = _number_of(match)
                if number:
                    found.append(Relation(kind, court, number, row.date, row.action))
    return _unique(found)


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
               "docket_of": True, "bill_of": False}  # fmt: skip
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
    """`HD.5608 -> H.5316 (House) / S.3072 (Senate text) -> conference`, one path per root."""
    by_key = {n.key: n for n in nodes}
    forward: dict[str, list[str]] = {}
    has_parent: set[str] = set()
    partners: dict[str, list[tuple[str, str]]] = {}
    for edge in edges:
        if edge.source not in by_key or edge.target not in by_key:
            continue
        if edge.type in PROGRESSION:
            a, b = (
                (edge.source, edge.target) if PROGRESSION[edge.type] else (edge.target, edge.source)
            )
            forward.setdefault(a, []).append(b)
            has_parent.add(b)
        elif edge.type == "other_version":
            partners.setdefault(edge.source, []).append((edge.target, edge.evidence))
            partners.setdefault(edge.target, []).append((edge.source, ""))
    multi = len({n.court for n in nodes}) > 1
    shown: set[str] = set()
    paths = []
    for root in [n.key for n in nodes if n.key not in has_parent]:
        if root in shown:
            continue
        path = _walk(root, forward, by_key)
        shown.update(path)
        text = " -> ".join(_label(by_key[k], multi) for k in path)
        last = path[-1]
        best: dict[str, str] = {}
        for partner, evidence in partners.get(last, []):
            best[partner] = max(best.get(partner, ""), evidence)
        for partner, evidence in best.items():
            if partner not in shown:
                shown.add(partner)
                mine, theirs = _chamber(by_key[last]), _chamber(by_key[partner])
                text = f"{text} ({mine}) / {_label(by_key[partner], multi)}"
                text += f" ({theirs}{' text' if evidence else ''})"
        if live in path or any(p == live for p, _ in partners.get(last, [])):
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
    inside = ", ".join(x for x in (str(node.court) if with_court else "", fate or "") if x)
    return f"{node.number} ({inside})" if inside else node.number


def _chamber(node: ChainNode) -> str:
    return "House" if node.number.startswith("H") else "Senate"
