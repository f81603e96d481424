"""A note's citations: which tracked subjects (bills, measures, orders) it cites, merged across
spellings, with the claim its words make of each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from models.config import Config
from models.legislature.numbers import BadNumber, BillRef, canonical_number
from models.notes.claims import Claim, claims_for, main_claim
from models.notes.reading import Note
from models.notes.references import BillIndex, Reference, courts_of, find_references, resolve_bill
from models.rules.staleness import CitedSubject, NoteFacts, SaidClaim


@dataclass(frozen=True)
class NoteCitations:
    """A note's subjects (merged across spellings), and the citations of untracked bills."""

    subjects: tuple[CitedSubject, ...]
    untracked: tuple[str, ...]


_UNDATED = {"git": "the file's last commit", "mtime": "the file's modification time"}


def note_facts(note: Note, name: str, citations: NoteCitations) -> NoteFacts:
    return NoteFacts(
        name,
        note.date,
        note.weak_date,
        note.review_every,
        citations.subjects,
        _UNDATED.get(note.date_source),
    )


def cite(note: Note, config: Config, known: Collection[BillRef]) -> NoteCitations:
    """Read a note's references; a bill cited beside its measure's name is that measure."""
    return Citer(config, known).cite(note)


class Citer:
    """Reads notes' citations against one config and one set of stored bills: what every note
    shares (the tracked bills indexed by number, the measures' names) is worked out once."""

    def __init__(self, config: Config, known: Collection[BillRef]) -> None:
        self.config = config
        self.tracked = BillIndex([*config.tracked_bills(), *known])
        self.measure_of = {ref: m.name for m in config.measures for ref in m.bills}
        self.aliases = {m.name: list(m.aliases) for m in config.measures}

    def cite(self, note: Note) -> NoteCitations:
        """Read a note's references; a bill cited beside its measure's name is that measure."""
        tracked = self.tracked
        groups: dict[str, list[tuple[Reference, str]]] = {}
        untracked: list[str] = []
        refs = find_references(note.body, self.aliases)
        measures_by_context = {(r.context, r.measure) for r in refs if r.kind == "measure"}
        for ref in refs:
            key, kind = _subject_of(ref, tracked, note, self.measure_of, measures_by_context)
            if key is None:
                untracked.append(ref.text if ref.court is None else f"{ref.text} ({ref.court})")
                continue
            groups.setdefault(key, []).append((ref, kind))
        subjects = {key: _merge(key, items) for key, items in groups.items()}
        for explicit in note.tracks:
            key = _explicit_key(explicit.ref, self.config, tracked, note)
            if key is None:
                untracked.append(explicit.ref)
                continue
            kind = "order" if key.startswith("EO ") else "bill" if ":" in key else "measure"
            context = subjects[key].context if key in subjects else f"front matter: {explicit.ref}"
            subjects[key] = CitedSubject(
                key, kind, explicit.status, f"front matter status: {explicit.status}", context
            )
        return NoteCitations(tuple(subjects.values()), tuple(dict.fromkeys(untracked)))


def _subject_of(
    ref: Reference,
    tracked: Collection[BillRef],
    note: Note,
    measure_of: dict[BillRef, str],
    measures_by_context: set[tuple[str, str | None]],
) -> tuple[str | None, str]:
    if ref.kind == "order":
        return f"EO {ref.order}", "order"
    if ref.kind == "measure":
        return ref.measure, "measure"
    bill = resolve_bill(ref, tracked, note.date)
    if bill is None:
        return None, "bill"
    measure = measure_of.get(bill)
    if measure and (ref.context, measure) in measures_by_context:
        return measure, "measure"  # "Safe Communities Act (S.1681)" is one subject
    return bill.key, "bill"


def _merge(key: str, items: list[tuple[Reference, str]]) -> CitedSubject:
    """One subject of its citations: every claim they make (each once, with its sentence), and
    the main one (a definite stage over "pending", the first written) with its sentence."""
    said: list[SaidClaim] = []
    mains: list[tuple[Claim, str]] = []
    for ref, _ in items:
        found = claims_for(ref)
        main = main_claim(ref, found)
        if main is not None and main.stage:
            mains.append((main, ref.context))
        for claim in found:
            one = SaidClaim(claim.stage, claim.phrase, ref.context) if claim.stage else None
            if one is not None and one not in said:
                said.append(one)
    best = min(mains, key=lambda m: m[0].stage == "pending", default=None)
    kind = "measure" if any(k == "measure" for _, k in items) else items[0][1]
    return CitedSubject(
        key,
        kind,
        best[0].stage if best else None,
        best[0].phrase if best else None,
        best[1] if best else items[0][0].context,
        tuple(said),
    )


def _explicit_key(
    text: str, config: Config, tracked: Collection[BillRef], note: Note
) -> str | None:
    """A front-matter `ref:`: a measure name or alias, an order, or a bill number."""
    folded = text.strip().casefold()
    for measure in config.measures:
        if folded in {measure.name.casefold(), *(a.casefold() for a in measure.aliases)}:
            return measure.name
    refs = find_references(text, {})
    if refs and refs[0].kind == "order":
        return f"EO {refs[0].order}"
    if refs and refs[0].kind == "bill":
        bill = resolve_bill(refs[0], tracked, note.date)
        return bill.key if bill else None
    try:
        number = canonical_number(text)
    except BadNumber:
        return None
    courts = courts_of(tracked, number)
    return BillRef(courts[-1], number).key if courts else None
